package front

import (
	"io"
	"net"
	"net/http"
	"time"
)

// drainLimit is how much of a body the handler left unread the loop reads
// away to keep the connection; a longer rest closes it, as in net/http.
const drainLimit = 256 << 10

// drainTime bounds the reading (a variable for tests).
var drainTime = 5 * time.Second

// requestBody is a request's body as the handler sees it. It knows how
// much of it is left, and its Close only marks it closed: the loop reads
// away a short rest, or closes the connection, after the answer, as
// net/http does (http.ReadRequest's own Close would read the whole rest,
// however long and however slowly it comes).
type requestBody struct {
	rc     io.ReadCloser
	length int64 // Content-Length: the lean loop takes no other framing
	read   int64
	eof    bool
	closed bool
}

func (b *requestBody) Read(p []byte) (int, error) {
	if b.closed {
		return 0, http.ErrBodyReadAfterClose
	}
	return b.readRest(p)
}

func (b *requestBody) readRest(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	b.read += int64(n)
	if err == io.EOF {
		b.eof = true
	}
	return n, err
}

func (b *requestBody) Close() error {
	b.closed = true
	return nil
}

// consumed reports whether the whole body has been read.
func (b *requestBody) consumed() bool { return b.eof || b.read >= b.length }

// rest is how much of the body is unread.
func (b *requestBody) rest() int64 {
	if b.consumed() {
		return 0
	}
	return b.length - b.read
}

// drain reads away what the handler left of the body, when it is at most
// drainLimit; it reports whether the connection may serve another request.
func (b *requestBody) drain() bool {
	if b.rest() > drainLimit {
		return false
	}
	if b.consumed() {
		return true
	}
	buf := make([]byte, min(b.rest(), 32<<10))
	for !b.consumed() {
		if _, err := b.readRest(buf); err != nil && err != io.EOF {
			return false
		}
	}
	return true
}

// connReader reads the connection, after the byte a watcher read ahead.
type connReader struct {
	nc      net.Conn
	ahead   byte
	hasByte bool
}

func (r *connReader) Read(p []byte) (int, error) {
	if r.hasByte && len(p) > 0 {
		p[0], r.hasByte = r.ahead, false
		return 1, nil
	}
	return r.nc.Read(p)
}
