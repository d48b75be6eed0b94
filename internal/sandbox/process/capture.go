package process

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"github.com/yun-fc/yun/internal/sandbox"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
)

const (
	maxLine   = 32 << 10        // FC's log line limit; longer lines are split
	maxMarker = 64              // bytes of the longest marker, '\n' included
	logWait   = 5 * time.Second // how long an invocation waits for its lines
	drainWait = 2 * time.Second // how long output is read after the process exits
)

// capture reads an instance's output (stdout and stderr share one pipe),
// forwards every line to the sink and attributes lines to invocations.
//
// The engine writes a marker into the same pipe before and after each
// invocation ("\x00yun<nonce>S<seq>\n", "...E<seq>\n"). A pipe keeps the
// order of writes, and Node and Python write to pipes synchronously, so
// every line the runtime wrote for a request lies between its two markers.
// Among the invocations open at a line: if there is one, the line is its;
// if there are several, the line belongs to the one whose request id it
// contains. Markers are never forwarded; the reader shows them as the
// "FC Invoke Start/End" lines. Reading is in capture_read.go.
//
// A marker costs a write and a wake-up of the reader, a visible share of a
// warm invocation. So when the reader has handled every byte written so far
// (the pipe is empty and no partial line waits), begin and end do what the
// reader would do with the marker themselves, under mu, which the reader
// holds while it reads and handles bytes: the line order is the same as
// with a marker, without writing one.
type capture struct {
	r, w  *os.File // w is also the process's stdout and stderr
	token []byte   // starts every marker

	wmu     sync.Mutex // serialises marker writes with closing w
	wclosed bool
	markBuf []byte

	mu       sync.Mutex
	seq      uint64
	logs     map[uint64]*invLog // registered and not yet delivered
	finished bool               // the reader has stopped; nothing more is delivered

	// The reader's state, also guarded by mu (see quietly).
	rc      syscall.RawConn // r's
	partial int             // bytes of an unfinished line in the reader's buffer
	open    []*invLog       // begun and not ended, in stream order
	scratch []byte          // composes the engine's lines

	sink atomic.Pointer[sandbox.LogSink] // set again when a pre-warmed sandbox is claimed
	boot *invLog                         // lines written before the runtime listened
	done chan struct{}
}

// newCapture makes the pipe. The boot log is open from the first byte.
func newCapture(s *sandbox.LogSink) (*capture, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("log pipe: %w", err)
	}
	var nonce [6]byte
	rand.Read(nonce[:])
	rc, err := r.SyscallConn()
	if err != nil {
		r.Close()
		w.Close()
		return nil, fmt.Errorf("log pipe: %w", err)
	}
	c := &capture{r: r, w: w, rc: rc, logs: map[uint64]*invLog{}, done: make(chan struct{})}
	c.sink.Store(s)
	c.token = append([]byte("\x00yun"), hex.EncodeToString(nonce[:])...)
	c.boot = c.register(phaseBoot, "", true)
	c.open = append(c.open, c.boot)
	return c, nil
}

// register creates and records an invLog.
func (c *capture) register(phase, id string, collect bool) *invLog {
	lg := &invLog{phase: phase, id: id}
	if collect {
		lg.done = make(chan []byte, 1)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	lg.seq = c.seq
	if c.finished {
		lg.deliver()
		return lg
	}
	c.logs[lg.seq] = lg
	return lg
}

// begin opens the log of request id in phase (phaseInvoke, …).
func (c *capture) begin(phase, id string, collect bool) *invLog {
	lg := c.register(phase, id, collect)
	if c.quietly(func() { c.startLocked(lg) }) {
		return lg
	}
	if !c.mark('S', lg.seq) {
		lg.unmarked = true
		c.sink.Load().Add(lg.appendStart(nil))
	}
	return lg
}

// end closes lg with its summary and, when lg collects, returns its last
// fc.MaxTailLog bytes.
func (c *capture) end(lg *invLog, sum summary) []byte {
	c.mu.Lock()
	lg.sum = sum
	c.mu.Unlock()
	if !lg.unmarked && c.quietly(func() { c.endLocked(lg) }) || c.mark('E', lg.seq) {
		if lg.done == nil {
			return nil
		}
		return c.await(lg)
	}
	// The pipe is closed, so the process is gone: the reader delivers lg when
	// it has read the last of the output, and the end lines follow that.
	var log sandbox.LogTail
	if lg.unmarked {
		log.Add(lg.appendStart(nil))
	}
	if lg.done != nil {
		log.Write(c.await(lg))
	}
	select {
	case <-c.done:
	case <-time.After(logWait):
	}
	for _, line := range [][]byte{lg.appendEnd(nil), sum.appendLine(nil)} {
		c.sink.Load().Add(line)
		log.Add(line)
	}
	return log.Bytes()
}

// quietly runs do, in place of a marker, when the reader has handled every
// byte written so far, and reports whether it did.
func (c *capture) quietly(do func()) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.finished || c.partial > 0 || c.unread() != 0 {
		return false
	}
	do()
	return true
}

// unread is how many bytes wait in the pipe (FIONREAD, which is TIOCINQ
// on Linux); -1 if unknown.
func (c *capture) unread() int {
	n := -1
	c.rc.Control(func(fd uintptr) {
		var v int32
		if _, _, errno := syscall.RawSyscall(syscall.SYS_IOCTL, fd, syscall.TIOCINQ, uintptr(unsafe.Pointer(&v))); errno == 0 {
			n = int(v)
		}
	})
	return n
}

// await returns lg's lines once the reader has delivered them.
func (c *capture) await(lg *invLog) []byte {
	t := time.NewTimer(logWait)
	defer t.Stop()
	select {
	case b := <-lg.done:
		return b
	case <-t.C:
		lg.abandoned.Store(true)
		return nil
	}
}

// endBoot closes the boot log without waiting for it: the runtime listens.
func (c *capture) endBoot() { c.mark('E', c.boot.seq) }

// mark writes a marker into the pipe; false once the pipe is closed.
func (c *capture) mark(kind byte, seq uint64) bool {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.wclosed {
		return false
	}
	c.markBuf = append(append(c.markBuf[:0], c.token...), kind)
	c.markBuf = append(strconv.AppendUint(c.markBuf, seq, 10), '\n')
	_, err := c.w.Write(c.markBuf)
	return err == nil
}

// closeWriter closes the engine's end of the pipe once the process has
// exited; the reader drains what is left, for at most drainWait (a
// descendant that left the process group may hold the pipe open).
func (c *capture) closeWriter() {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.wclosed {
		return
	}
	c.wclosed = true
	c.w.Close()
	c.r.SetReadDeadline(time.Now().Add(drainWait))
}
