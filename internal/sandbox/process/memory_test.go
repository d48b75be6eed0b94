package process

import (
	"os"
	"testing"
)

func TestParseVmHWM(t *testing.T) {
	tests := []struct {
		name   string
		status string
		want   int64
	}{
		{"typical", "VmPeak:\t  12000 kB\nVmHWM:\t    1234 kB\nVmRSS:\t 1000 kB\n", 1234 << 10},
		{"missing", "Name:\tnode\n", 0},
		{"at the end", "VmHWM:\t7 kB", 7 << 10},
		{"truncated number", "VmHWM:\t   42", 42 << 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := parseVmHWM([]byte(tt.status)); got != tt.want {
				t.Errorf("parseVmHWM = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestMemoryMeterReadsThisProcess(t *testing.T) {
	m, err := openMemoryMeter(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	defer m.close()
	first := m.peak()
	if first < 1<<20 {
		t.Errorf("peak of the test process = %d bytes, want at least 1 MiB", first)
	}
	m.readAt.Store(0) // force a second pread of the same file
	if second := m.peak(); second < first {
		t.Errorf("second peak = %d, want at least the first %d (a high-water mark)", second, first)
	}
}
