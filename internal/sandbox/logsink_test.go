package sandbox

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// lockedBuffer is an io.Writer the test reads after the sink is done.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// gateWriter blocks every Write until open is closed.
type gateWriter struct {
	open chan struct{}
	lockedBuffer
}

func (g *gateWriter) Write(p []byte) (int, error) {
	<-g.open
	return g.lockedBuffer.Write(p)
}

func TestSinkDropsInsteadOfBlocking(t *testing.T) {
	w := &gateWriter{open: make(chan struct{})}
	s := NewLogSink(w)
	var wg sync.WaitGroup
	wg.Go(s.Run)
	line := bytes.Repeat([]byte("x"), 1023) // 1 KiB with its '\n'
	const n = 3 * logSinkMax / 1024
	for range n { // must not block although the writer does
		s.Add(line)
	}
	close(w.open)
	s.Shut()
	wg.Wait()
	got := w.String()
	written := strings.Count(got, string(line)+"\n")
	var dropped int
	for _, l := range strings.Split(got, "\n") {
		var d int
		if _, err := fmt.Sscanf(l, "yun: dropped %d", &d); err == nil {
			dropped += d
		}
	}
	if written+dropped != n || dropped == 0 {
		t.Errorf("got %d lines written and %d dropped, want %d in all with some dropped", written, dropped, n)
	}
}

func TestSinkNil(t *testing.T) {
	var s *LogSink = NewLogSink(nil)
	s.Add([]byte("ignored")) // must not panic
	s.Shut()
	if s != nil {
		t.Errorf("NewLogSink(nil) = %v, want nil", s)
	}
}

func TestTail(t *testing.T) {
	tests := []struct {
		name  string
		lines int
		want  int
	}{
		{"short", 3, 3 * 11},
		{"exactly the limit", 4096 / 16, 4096},
		{"over twice the limit", 1000, 4096},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var tl LogTail
			size := 11
			if tt.lines > 3 {
				size = 16
			}
			for i := range tt.lines {
				tl.Add([]byte(fmt.Sprintf("%0*d", size-1, i)))
			}
			got := tl.Bytes()
			if len(got) != tt.want || !bytes.HasSuffix(got, []byte(fmt.Sprintf("%d\n", tt.lines-1))) {
				t.Errorf("got %d bytes ending %q, want %d ending with the last line", len(got), got[max(0, len(got)-20):], tt.want)
			}
		})
	}
}
