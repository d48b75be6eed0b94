package process

import (
	"bytes"
	"github.com/yun-fc/yun/internal/sandbox"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
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

// testCapture runs a capture whose boot has ended, as after a runtime
// started listening. closeAll ends it and returns what reached the sink.
func testCapture(t *testing.T) (c *capture, closeAll func() string) {
	t.Helper()
	out := &lockedBuffer{}
	s := sandbox.NewLogSink(out)
	c, err := newCapture(s)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Go(c.run)
	wg.Go(s.Run)
	c.endBoot()
	var once sync.Once
	closeAll = func() string {
		once.Do(func() {
			c.closeWriter()
			<-c.done
			s.Shut()
			wg.Wait()
		})
		return out.String()
	}
	t.Cleanup(func() { closeAll() })
	return c, closeAll
}

// write is the runtime writing to its stdout.
func write(t *testing.T, c *capture, s string) {
	t.Helper()
	if _, err := c.w.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
}

var sum1 = summary{elapsed: 1500 * time.Microsecond, memoryMB: 128, maxMemory: 1 << 20}

const dur1 = "Duration: 1.50 ms, Billed Duration: 2 ms, Memory Size: 128 MB, Max Memory Used: 1.00 MB\n"

func TestCaptureOneInvocation(t *testing.T) {
	tests := []struct {
		name   string
		output string // what the runtime writes during the invocation
		want   string // its lines between the markers
	}{
		{"lines", "hello\nworld\n", "hello\nworld\n"},
		{"no output", "", ""},
		{"partial line before the end marker", "no newline", "no newline\n"},
		{"empty line", "\n", "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, closeAll := testCapture(t)
			lg := c.begin(phaseInvoke, "req-1", true)
			write(t, c, tt.output)
			got := string(c.end(lg, sum1))
			want := "FC Invoke Start RequestId: req-1\n" + tt.want + "FC Invoke End RequestId: req-1\n" + dur1
			if got != want {
				t.Errorf("Log = %q, want %q", got, want)
			}
			if sunk := closeAll(); sunk != want {
				t.Errorf("sink got %q, want %q", sunk, want)
			}
		})
	}
}

func TestCaptureAttributesByRequestID(t *testing.T) {
	c, closeAll := testCapture(t)
	write(t, c, "before\n")
	a := c.begin(phaseInvoke, "req-A", true)
	write(t, c, "alone, so A's\n")
	b := c.begin(phaseInvoke, "req-B", true)
	write(t, c, "t req-B [INFO] b1\nt req-A [INFO] a1\nnobody's\n")
	gotA := string(c.end(a, sum1))
	write(t, c, "B alone again\n")
	gotB := string(c.end(b, sum1))
	write(t, c, "after\n")

	tests := []struct{ name, got, want string }{
		{"A", gotA, "FC Invoke Start RequestId: req-A\nalone, so A's\nt req-A [INFO] a1\nFC Invoke End RequestId: req-A\n" + dur1},
		{"B", gotB, "FC Invoke Start RequestId: req-B\nt req-B [INFO] b1\nB alone again\nFC Invoke End RequestId: req-B\n" + dur1},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("Log of %s = %q, want %q", tt.name, tt.got, tt.want)
		}
	}
	sunk := closeAll()
	for _, line := range []string{"before", "nobody's", "after"} {
		if !strings.Contains(sunk, line+"\n") {
			t.Errorf("sink lacks %q: %q", line, sunk)
		}
	}
	if strings.Contains(sunk, "\x00") {
		t.Errorf("sink got a marker: %q", sunk)
	}
}

func TestCaptureSplitsLongLines(t *testing.T) {
	tests := []struct {
		name string
		size int
		want []int // lengths of the pieces
	}{
		{"at the limit", maxLine, []int{maxLine}},
		{"a little over", maxLine + 10, []int{maxLine, 10}},
		{"over the read buffer", 3*maxLine + 5, []int{maxLine, maxLine, maxLine, 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, closeAll := testCapture(t)
			lg := c.begin(phaseInvoke, "req-1", false)
			write(t, c, strings.Repeat("x", tt.size)+"\n")
			c.end(lg, sum1)
			lines := strings.Split(strings.TrimSuffix(closeAll(), "\n"), "\n")
			var got []int
			for _, l := range lines[1 : len(lines)-2] { // between start and end
				got = append(got, len(l))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got pieces of %v bytes, want %v", got, tt.want)
			}
		})
	}
}

func TestCaptureKeepsTheTail(t *testing.T) {
	c, _ := testCapture(t)
	lg := c.begin(phaseInvoke, "req-1", true)
	for i := range 200 {
		write(t, c, strings.Repeat(string(rune('a'+i%26)), 99)+"\n")
	}
	got := c.end(lg, sum1)
	if len(got) != 4096 || !strings.HasSuffix(string(got), dur1) {
		t.Errorf("got %d bytes ending %q, want the last 4096 ending with the duration line", len(got), got[max(0, len(got)-100):])
	}
}

func TestCaptureEndAfterExit(t *testing.T) {
	c, closeAll := testCapture(t)
	lg := c.begin(phaseInvoke, "req-1", true)
	write(t, c, "last words\n")
	c.closeWriter() // the process exited
	got := string(c.end(lg, sum1))
	want := "FC Invoke Start RequestId: req-1\nlast words\nFC Invoke End RequestId: req-1\n" + dur1
	if got != want {
		t.Errorf("Log = %q, want %q", got, want)
	}
	if sunk := closeAll(); sunk != want {
		t.Errorf("sink got %q, want %q", sunk, want)
	}
}

func TestCaptureBeginAfterExit(t *testing.T) {
	c, closeAll := testCapture(t)
	closeAll()
	lg := c.begin(phaseInvoke, "req-1", true)
	got := string(c.end(lg, sum1))
	want := "FC Invoke Start RequestId: req-1\nFC Invoke End RequestId: req-1\n" + dur1
	if got != want {
		t.Errorf("Log = %q, want %q", got, want)
	}
}

func TestCaptureBootLog(t *testing.T) {
	out := &lockedBuffer{}
	c, err := newCapture(sandbox.NewLogSink(out))
	if err != nil {
		t.Fatal(err)
	}
	go c.run()
	write(t, c, "starting\ncrashed\n")
	c.closeWriter()
	if got := string(c.await(c.boot)); got != "starting\ncrashed\n" {
		t.Errorf("boot log = %q, want %q", got, "starting\ncrashed\n")
	}
}

func TestCaptureQuietInvocationWritesNoMarker(t *testing.T) {
	c, err := newCapture(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.r.Close()
	defer c.w.Close()
	// No reader runs, so whatever is written stays in the pipe; the boot
	// log ends as if its marker had been read.
	c.mu.Lock()
	c.endLocked(c.boot)
	c.mu.Unlock()

	lg := c.begin(phaseInvoke, "req-1", true)
	got := string(c.end(lg, sum1))
	want := "FC Invoke Start RequestId: req-1\nFC Invoke End RequestId: req-1\n" + dur1
	if got != want {
		t.Errorf("Log = %q, want %q", got, want)
	}
	if n := c.unread(); n != 0 {
		t.Errorf("pipe holds %d bytes after a quiet invocation, want 0 (no marker)", n)
	}
	write(t, c, "unread\n")
	c.begin(phaseInvoke, "req-2", false)
	if n := c.unread(); n <= len("unread\n") {
		t.Errorf("pipe holds %d bytes after a begin behind unread output, want a marker after the %d", n, len("unread\n"))
	}
}

// TestCaptureHammer runs invocations concurrently, some quiet and some
// writing lines that name their request id; each log must hold exactly its
// own lines, whether its start and end were marked or not.
func TestCaptureHammer(t *testing.T) {
	c, closeAll := testCapture(t)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 100 {
				id := "req-" + string(rune('a'+g)) + "-" + strconv.Itoa(i)
				lg := c.begin(phaseInvoke, id, true)
				var own string
				for j := range i % 3 {
					line := "line " + strconv.Itoa(j) + " of " + id + "\n"
					write(t, c, line)
					own += line
				}
				got := string(c.end(lg, sum1))
				want := "FC Invoke Start RequestId: " + id + "\n" + own + "FC Invoke End RequestId: " + id + "\n" + dur1
				if got != want {
					t.Errorf("Log = %q, want %q", got, want)
					return
				}
			}
		})
	}
	wg.Wait()
	if sunk := closeAll(); strings.Contains(sunk, "\x00") {
		t.Errorf("sink got a marker")
	}
}
