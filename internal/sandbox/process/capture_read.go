package process

import (
	"bytes"
	"slices"
)

// run reads lines until the pipe ends, then delivers every open log.
func (c *capture) run() {
	defer close(c.done)
	defer c.r.Close()
	buf := make([]byte, maxLine+maxMarker)
	n := 0
	for {
		m, err := c.r.Read(buf[n:])
		n = c.lines(buf[:n+m])
		if n == len(buf) {
			// No newline in maxLine+maxMarker bytes: split the line. A marker
			// is shorter than maxMarker and ends in '\n', so none is cut.
			c.line(buf[:maxLine])
			n = copy(buf, buf[maxLine:])
		}
		if err != nil {
			if n > 0 {
				c.line(buf[:n])
			}
			c.finish()
			return
		}
	}
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
	c.mu.Lock()
	lg, found := c.logs[seq]
	var sum summary
	if found && m[0] == 'E' {
		sum = lg.sum
		delete(c.logs, seq)
	}
	c.mu.Unlock()
	if !ok || !found {
		return
	}
	switch m[0] {
	case 'S':
		c.open = append(c.open, lg)
		c.show(lg, lg.appendStart(c.scratch[:0]))
	case 'E':
		if lg != c.boot {
			c.show(lg, lg.appendEnd(c.scratch[:0]))
			c.show(lg, sum.appendLine(c.scratch[:0]))
		}
		c.open = slices.DeleteFunc(c.open, func(o *invLog) bool { return o == lg })
		lg.deliver()
	}
}

// show forwards a line of the engine's and attributes it to lg.
func (c *capture) show(lg *invLog, line []byte) {
	c.scratch = line
	c.sink.Load().Add(line)
	if lg.done != nil {
		lg.lines.Add(line)
	}
}

// finish delivers every log still registered: the output has ended.
func (c *capture) finish() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.finished = true
	for seq, lg := range c.logs {
		lg.deliver()
		delete(c.logs, seq)
	}
	c.open = nil
}
