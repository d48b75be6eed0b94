package process

import (
	"bytes"
	"io"
	"slices"
	"syscall"
)

// run reads lines until the pipe ends, then delivers every open log. Bytes
// are read and handled under mu, so that begin and end see whether any
// wait (see quietly).
func (c *capture) run() {
	defer close(c.done)
	defer c.r.Close()
	buf := make([]byte, maxLine+maxMarker)
	var rerr error
	for rerr == nil {
		err := c.rc.Read(func(fd uintptr) bool {
			c.mu.Lock()
			defer c.mu.Unlock()
			m, err := syscall.Read(int(fd), buf[c.partial:])
			switch {
			case err == syscall.EAGAIN:
				return false // wait until readable
			case err == syscall.EINTR:
				return true
			case err != nil:
				rerr = err
			case m == 0:
				rerr = io.EOF
			}
			c.handle(buf, c.partial+max(m, 0))
			return true
		})
		if err != nil {
			rerr = err // the drain deadline passed, or r was closed
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.partial > 0 {
		c.line(buf[:c.partial])
		c.partial = 0
	}
	c.finishLocked()
}

// handle handles the n bytes at the front of buf, keeping an unfinished
// line there (c.partial bytes). Called with mu held.
func (c *capture) handle(buf []byte, n int) {
	n = c.lines(buf[:n])
	if n == len(buf) {
		// No newline in maxLine+maxMarker bytes: split the line. A marker
		// is shorter than maxMarker and ends in '\n', so none is cut.
		c.line(buf[:maxLine])
		n = copy(buf, buf[maxLine:])
	}
	c.partial = n
}

// lines handles the complete lines of b and moves the rest to its front.
func (c *capture) lines(b []byte) int {
	start := 0
	for {
		i := bytes.IndexByte(b[start:], '\n')
		if i < 0 {
			break
		}
		c.line(b[start : start+i])
		start += i + 1
	}
	return copy(b, b[start:])
}

// line handles one line: text, a marker, or text the marker was appended to
// (the runtime wrote a partial line).
func (c *capture) line(b []byte) {
	i := bytes.Index(b, c.token)
	if i < 0 {
		c.text(b)
		return
	}
	if i > 0 {
		c.text(b[:i])
	}
	c.marker(b[i+len(c.token):])
}

// text handles the runtime's line b, in pieces of at most maxLine bytes.
func (c *capture) text(b []byte) {
	for len(b) > maxLine {
		c.text(b[:maxLine])
		b = b[maxLine:]
	}
	c.sink.Load().Add(b)
	if lg := c.owner(b); lg != nil && lg.done != nil {
		lg.lines.Add(b)
	}
}

// owner returns the invocation a line belongs to, if any.
func (c *capture) owner(b []byte) *invLog {
	c.open = slices.DeleteFunc(c.open, func(lg *invLog) bool { return lg.abandoned.Load() })
	switch len(c.open) {
	case 0:
		return nil
	case 1:
		return c.open[0]
	}
	for _, lg := range c.open {
		if lg.id == "" {
			continue
		}
		if lg.idBytes == nil {
			lg.idBytes = []byte(lg.id)
		}
		if bytes.Contains(b, lg.idBytes) {
			return lg
		}
	}
	return nil
}

// marker handles "S<seq>" and "E<seq>".
func (c *capture) marker(m []byte) {
	if len(m) < 2 {
		return
	}
	seq, ok := parseSeq(m[1:])
	lg, found := c.logs[seq]
	if !ok || !found {
		return
	}
	switch m[0] {
	case 'S':
		c.startLocked(lg)
	case 'E':
		c.endLocked(lg)
	}
}

// startLocked opens lg: the lines that follow may be its.
func (c *capture) startLocked(lg *invLog) {
	c.open = append(c.open, lg)
	if c.watched(lg) {
		c.show(lg, lg.appendStart(c.scratch[:0]))
	}
}

// endLocked closes lg and delivers its lines.
func (c *capture) endLocked(lg *invLog) {
	if c.logs[lg.seq] != lg { // ended already (a forged marker): deliver once
		return
	}
	delete(c.logs, lg.seq)
	if lg != c.boot && c.watched(lg) {
		c.show(lg, lg.appendEnd(c.scratch[:0]))
		c.show(lg, lg.sum.appendLine(c.scratch[:0]))
	}
	c.open = slices.DeleteFunc(c.open, func(o *invLog) bool { return o == lg })
	lg.deliver()
}

// watched says whether anyone takes lg's lines: the sink or lg's caller.
func (c *capture) watched(lg *invLog) bool { return lg.done != nil || c.sink.Load() != nil }

// show forwards a line of the engine's and attributes it to lg.
func (c *capture) show(lg *invLog, line []byte) {
	c.scratch = line
	c.sink.Load().Add(line)
	if lg.done != nil {
		lg.lines.Add(line)
	}
}

// finishLocked delivers every log still registered: the output has ended.
func (c *capture) finishLocked() {
	c.finished = true
	for seq, lg := range c.logs {
		lg.deliver()
		delete(c.logs, seq)
	}
	c.open = nil
}
