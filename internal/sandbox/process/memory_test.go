package process

import (
	"os"
	"testing"
	"time"
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

// countingSource is a peakSource that counts its readings.
type countingSource struct {
	reads int
	value int64
}

func (c *countingSource) peak() int64 { c.reads++; return c.value }
func (c *countingSource) close()      {}

func TestMemoryMeterReusesFreshReadings(t *testing.T) {
	src := &countingSource{value: 1 << 20}
	m := newMemoryMeter(src)
	m.peak()
	src.value = 2 << 20
	if got := m.peak(); got != 1<<20 || src.reads != 1 {
		t.Errorf("second peak within memoryFresh = %d after %d readings, want %d after 1", got, src.reads, 1<<20)
	}
	m.readAt.Store(0) // the reading is now old
	if got := m.peak(); got != 2<<20 || src.reads != 2 {
		t.Errorf("peak after memoryFresh = %d after %d readings, want %d after 2", got, src.reads, 2<<20)
	}
	m.close()
	m.readAt.Store(0)
	if got := m.peak(); got != 2<<20 || src.reads != 2 {
		t.Errorf("peak after close = %d after %d readings, want the last reading %d and no new one", got, src.reads, 2<<20)
	}
}

// gatedSource answers once released, so that a reading can be held open.
type gatedSource struct {
	entered chan struct{}
	release chan struct{}
}

func (g *gatedSource) peak() int64 {
	g.entered <- struct{}{}
	<-g.release
	return 3 << 20
}
func (g *gatedSource) close() {}

// TestMemoryMeterFirstReadingWaited: invocations that ask at once, before
// any reading, all get the first reading, not 0 (an invocation's Max Memory
// in its log line and result).
func TestMemoryMeterFirstReadingWaited(t *testing.T) {
	src := &gatedSource{entered: make(chan struct{}, 1), release: make(chan struct{})}
	m := newMemoryMeter(src)
	first := make(chan int64)
	go func() { first <- m.peak() }()
	<-src.entered // the first reading is under way
	second := make(chan int64)
	go func() { second <- m.peak() }()
	select {
	case got := <-second:
		t.Errorf("peak while the first reading was under way = %d at once, want it to wait for that reading", got)
	case <-time.After(50 * time.Millisecond):
	}
	close(src.release)
	if got := <-first; got != 3<<20 {
		t.Errorf("first peak = %d, want %d", got, 3<<20)
	}
	select {
	case got := <-second:
		if got != 3<<20 {
			t.Errorf("second peak = %d, want the first reading %d", got, 3<<20)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("second peak never answered")
	}
}
