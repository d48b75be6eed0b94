package report

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/yun-fc/yun/bench/internal/load"
)

// csvHeader names the columns of WriteSamples. Times are microseconds from
// the run's origin.
var csvHeader = []string{"phase", "scheduled_us", "start_us", "end_us", "latency_us", "status", "code", "value"}

// WriteSamples writes one CSV row per request to path, creating its
// directory.
func WriteSamples(path string, samples []load.Sample) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("samples %s: %w", path, err)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("samples %s: %w", path, err)
	}
	w := csv.NewWriter(f)
	w.Write(csvHeader)
	for _, s := range samples {
		w.Write([]string{s.Phase, us(s.Scheduled), us(s.Start), us(s.End), us(s.Latency()),
			strconv.Itoa(s.Status), s.Code, s.Value})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return fmt.Errorf("samples %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("samples %s: %w", path, err)
	}
	return nil
}

func us(d time.Duration) string { return strconv.FormatInt(d.Microseconds(), 10) }
