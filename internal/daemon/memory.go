package daemon

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// memoryReserveMB is kept back from instances for Yun itself and the host:
// a tenth of the machine, at least 512 MB and at most 4 GB.
func memoryReserveMB(totalMB int) int {
	return min(max(totalMB/10, 512), 4096)
}

// nodeMemoryMB is the memory the scheduler may lend to instances: the
// machine's total (MemTotal in /proc/meminfo) minus a reserve. 0, meaning
// unlimited, where /proc/meminfo cannot be read (not Linux).
func nodeMemoryMB() int {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	total, err := memTotalMB(f)
	if err != nil {
		return 0
	}
	return max(0, total-memoryReserveMB(total))
}

// memTotalMB reads MemTotal from /proc/meminfo's format ("MemTotal: 24576000 kB").
func memTotalMB(r io.Reader) (int, error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "MemTotal:" {
			kb, err := strconv.Atoi(fields[1])
			if err != nil {
				return 0, fmt.Errorf("meminfo: MemTotal %q: %w", fields[1], err)
			}
			return kb / 1024, nil
		}
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("meminfo: %w", err)
	}
	return 0, fmt.Errorf("meminfo: no MemTotal line")
}
