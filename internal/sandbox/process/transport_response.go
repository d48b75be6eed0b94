package process

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httputil"
	"slices"
	"strconv"
	"strings"
)

// maxResponseHead bounds a response's status line and headers (net/http's
// default for responses is 10 MB; a runtime has no need for more than
// this, and the headers are passed on to the caller).
const maxResponseHead = 64 << 10

// errResponseTooLarge is a body beyond the limit readAll was given: the
// function's answer is too large, not the runtime broken.
var errResponseTooLarge = errors.New("response too large")

// upfront is the most readAll allocates before bytes arrive: a declared
// Content-Length is the runtime's word, not memory to hand over for it.
const upfront = 64 << 10

// response is a runtime's answer; body must be read to its end or closed.
type response struct {
	status int
	header http.Header
	body   *body
}

// readResponse reads the head of the response to a request of method and
// frames its body. Informational (1xx) answers are skipped.
func readResponse(x *exchange, method string) (*response, error) {
	c := x.c
	c.readLimit = maxResponseHead
	for {
		status, http10, err := readStatusLine(c.br)
		if err != nil {
			return nil, err
		}
		h, err := c.tp.ReadMIMEHeader()
		if err != nil {
			return nil, fmt.Errorf("read the response headers: %w", err)
		}
		if status >= 100 && status < 200 && status != http.StatusSwitchingProtocols {
			continue
		}
		c.readLimit = -1
		resp := &response{status: status, header: http.Header(h)}
		if resp.body, err = frame(x, method, resp, http10); err != nil {
			return nil, err
		}
		return resp, nil
	}
}

// readStatusLine parses "HTTP/1.x nnn reason".
func readStatusLine(br *bufio.Reader) (status int, http10 bool, err error) {
	line, err := br.ReadSlice('\n')
	if err != nil {
		if errors.Is(err, bufio.ErrBufferFull) {
			err = errors.New("status line too long")
		}
		return 0, false, fmt.Errorf("read the response status: %w", err)
	}
	line = bytes.TrimRight(line, "\r\n")
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) || line[8] != ' ' ||
		(len(line) > 12 && line[12] != ' ') {
		return 0, false, fmt.Errorf("malformed response status line %q", clip(line, 64))
	}
	for _, d := range line[9:12] {
		if d < '0' || d > '9' {
			return 0, false, fmt.Errorf("malformed response status line %q", clip(line, 64))
		}
		status = status*10 + int(d-'0')
	}
	if status < 100 {
		return 0, false, fmt.Errorf("malformed response status %d", status)
	}
	return status, line[7] == '0', nil
}

// frame decides how the body of resp ends (RFC 9112 §6.3) and whether the
// connection may carry another request after it.
func frame(x *exchange, method string, resp *response, http10 bool) (*body, error) {
	h := resp.header
	b := &body{x: x, keepAlive: keepAlive(h, http10)}
	te := h["Transfer-Encoding"]
	switch {
	case method == http.MethodHead || resp.status == http.StatusNoContent || resp.status == http.StatusNotModified:
		return b, nil
	case resp.status == http.StatusSwitchingProtocols:
		return nil, errors.New("the runtime switched protocols")
	case len(te) > 0:
		if len(te) != 1 || !strings.EqualFold(strings.TrimSpace(te[0]), "chunked") {
			return nil, fmt.Errorf("unsupported transfer encoding %q", te)
		}
		b.remaining, b.chunked = -1, httputil.NewChunkedReader(x.c.br)
		return b, nil
	}
	n, known, err := contentLength(h["Content-Length"])
	if err != nil {
		return nil, err
	}
	if !known {
		b.remaining, b.keepAlive = -1, false // ends when the runtime closes
		return b, nil
	}
	b.remaining = n
	return b, nil
}

// keepAlive says whether the runtime keeps the connection open.
func keepAlive(h http.Header, http10 bool) bool {
	for _, v := range h["Connection"] {
		for _, opt := range strings.Split(v, ",") {
			switch opt = strings.TrimSpace(opt); {
			case strings.EqualFold(opt, "close"):
				return false
			case strings.EqualFold(opt, "keep-alive") && http10:
				return true
			}
		}
	}
	return !http10
}

// contentLength parses Content-Length; repeated values must agree.
func contentLength(vs []string) (n int64, known bool, err error) {
	for i, v := range vs {
		m, perr := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if perr != nil || m < 0 || (i > 0 && m != n) {
			return 0, false, fmt.Errorf("invalid Content-Length %q", vs)
		}
		n = m
	}
	return n, len(vs) > 0, nil
}

// body reads a response body off its connection; at its framed end the
// exchange finishes (the connection may be reused), on an error or an early
// Close it is abandoned (the connection is closed). Not safe for
// concurrent use.
type body struct {
	x         *exchange
	remaining int64     // Content-Length bytes left; -1 for chunked or close-delimited
	chunked   io.Reader // the chunked decoder, for chunked bodies
	keepAlive bool
	done      bool
	err       error // what Read returns once done
}

// errBodyClosed is returned by Read after Close.
var errBodyClosed = errors.New("response body closed")

// Read reads the body.
func (b *body) Read(p []byte) (int, error) {
	if b.done {
		return 0, b.err
	}
	var n int
	var err error
	switch {
	case b.chunked != nil:
		n, err = b.chunked.Read(p)
		if err == io.EOF {
			err = b.readTrailer()
		}
	case b.remaining >= 0:
		if b.remaining == 0 {
			err = io.EOF
			break
		}
		if int64(len(p)) > b.remaining {
			p = p[:b.remaining]
		}
		n, err = b.x.c.br.Read(p)
		b.remaining -= int64(n)
		switch {
		case b.remaining == 0:
			err = io.EOF
		case err == io.EOF:
			err = io.ErrUnexpectedEOF
		}
	default:
		n, err = b.x.c.br.Read(p)
	}
	if err != nil {
		b.end(err)
	}
	return n, err
}

// readTrailer consumes the trailer section after the last chunk.
func (b *body) readTrailer() error {
	b.x.c.readLimit = maxResponseHead
	if _, err := b.x.c.tp.ReadMIMEHeader(); err != nil {
		return fmt.Errorf("read the response trailer: %w", err)
	}
	b.x.c.readLimit = -1
	return io.EOF
}

// end finishes the exchange once the body ended or failed.
func (b *body) end(err error) {
	b.done, b.err = true, err
	if err == io.EOF {
		b.x.finish(b.keepAlive)
		return
	}
	b.x.abandon()
}

// Close abandons the body if it was not read to its end.
func (b *body) Close() error {
	if !b.done {
		b.done, b.err = true, errBodyClosed
		b.x.abandon()
	}
	return nil
}

// readAll reads the whole body, at most limit bytes; a longer one is
// errResponseTooLarge. A declared length is allocated as its bytes arrive,
// beyond upfront.
func (b *body) readAll(limit int64) ([]byte, error) {
	if b.chunked == nil && b.remaining >= 0 {
		n := b.remaining
		if n > limit {
			b.Close()
			return nil, fmt.Errorf("%w: %d bytes, more than %d", errResponseTooLarge, n, limit)
		}
		buf := make([]byte, 0, min(n, upfront))
		for int64(len(buf)) < n {
			if len(buf) == cap(buf) {
				buf = slices.Grow(buf, int(min(n-int64(len(buf)), int64(cap(buf)))))
			}
			m, err := b.Read(buf[len(buf):min(int64(cap(buf)), n)])
			buf = buf[:len(buf)+m]
			if err == io.EOF && int64(len(buf)) < n {
				err = io.ErrUnexpectedEOF
			}
			if err != nil && err != io.EOF {
				return nil, err
			}
		}
		if !b.done {
			b.end(io.EOF)
		}
		return buf, nil
	}
	buf, err := io.ReadAll(io.LimitReader(b, limit+1))
	if err == nil && int64(len(buf)) > limit {
		b.Close()
		return nil, fmt.Errorf("%w: more than %d bytes", errResponseTooLarge, limit)
	}
	return buf, err
}
