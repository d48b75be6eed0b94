package front

import (
	"bufio"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// bufferLimit is how much of an answer without Content-Length is kept
// before its head goes out, chunked; an answer that ends within it is
// framed by its length.
const bufferLimit = 64 << 10

// response is the lean loop's http.ResponseWriter. Its head goes out at
// the first write when the handler set Content-Length, else when the kept
// body passes bufferLimit, the handler flushes, or it returns.
type response struct {
	c        *conn
	req      *http.Request
	header   http.Header
	status   int
	body     []byte // kept until the head goes out
	headSent bool
	chunked  bool
	length   int64 // Content-Length once the head is out; -1 chunked
	written  int64 // body bytes written after the head
}

func newResponse(c *conn, req *http.Request) *response {
	return &response{c: c, req: req, header: make(http.Header, 8)}
}

func (w *response) Header() http.Header { return w.header }

func (w *response) WriteHeader(status int) {
	if w.status != 0 || status < 200 { // informational answers are not sent
		return
	}
	w.status = status
}

func (w *response) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	if !bodyAllowed(w.status) {
		return 0, http.ErrBodyNotAllowed
	}
	if w.headSent {
		return w.writeBody(p)
	}
	if n, ok := declaredLength(w.header); ok && w.body == nil {
		w.writeHead(n, p)
		return w.writeBody(p)
	}
	w.body = append(w.body, p...)
	if len(w.body) <= bufferLimit {
		return len(p), nil
	}
	kept := w.body
	w.body = nil
	w.writeHead(-1, kept)
	if _, err := w.writeBody(kept); err != nil {
		return 0, err
	}
	return len(p), nil
}

// writeBody writes p after the head: a chunk, or within the declared
// length.
func (w *response) writeBody(p []byte) (int, error) {
	bw := w.c.bw
	if w.chunked {
		if len(p) == 0 {
			return 0, nil
		}
		bw.WriteString(strconv.FormatInt(int64(len(p)), 16))
		bw.WriteString("\r\n")
		n, err := bw.Write(p)
		bw.WriteString("\r\n")
		return n, err
	}
	if w.written+int64(len(p)) > w.length {
		return 0, http.ErrContentLength
	}
	n, err := bw.Write(p)
	w.written += int64(n)
	return n, err
}

// declaredLength is the handler's valid Content-Length.
func declaredLength(h http.Header) (int64, bool) {
	v := h["Content-Length"]
	if len(v) != 1 {
		return 0, false
	}
	n, err := strconv.ParseInt(v[0], 10, 64)
	return n, err == nil && n >= 0
}

// Flush sends the head and what the handler wrote so far.
func (w *response) Flush() { w.FlushError() }

// FlushError is Flush with its error, for http.ResponseController.
func (w *response) FlushError() error {
	w.WriteHeader(http.StatusOK)
	if !w.headSent {
		n, ok := declaredLength(w.header)
		if !ok {
			n = -1
		}
		w.writeHead(n, w.body)
		if bodyAllowed(w.status) {
			if _, err := w.writeBody(w.body); err != nil {
				return err
			}
		}
		w.body = nil
	}
	return w.c.bw.Flush()
}

// SetReadDeadline and SetWriteDeadline serve http.ResponseController.
func (w *response) SetReadDeadline(t time.Time) error  { return w.c.setReadDeadline(t) }
func (w *response) SetWriteDeadline(t time.Time) error { return w.c.setWriteDeadline(t) }

// finish writes what is left of the answer; false when the connection
// must close after it.
func (w *response) finish() bool {
	w.WriteHeader(http.StatusOK)
	bw := w.c.bw
	switch {
	case !w.headSent:
		w.writeHead(int64(len(w.body)), w.body)
		if bodyAllowed(w.status) {
			w.writeBody(w.body)
		}
	case w.chunked:
		bw.WriteString("0\r\n\r\n")
	}
	complete := w.chunked || !bodyAllowed(w.status) || w.written == w.length
	return bw.Flush() == nil && complete
}

// writeHead writes the status line and the header for a body of n bytes
// (-1: chunked) that starts with first.
func (w *response) writeHead(n int64, first []byte) {
	if !bodyAllowed(w.status) {
		n = 0
	}
	w.headSent, w.length, w.chunked = true, n, n < 0
	w.prepareHeader(n, first)
	bw := w.c.bw
	bw.WriteString("HTTP/1.1 ")
	bw.WriteString(strconv.Itoa(w.status))
	bw.WriteByte(' ')
	bw.WriteString(http.StatusText(w.status))
	bw.WriteString("\r\n")
	for k, vs := range w.header {
		if !validFieldName(k) { // skipped, as net/http does
			continue
		}
		for _, v := range vs {
			bw.WriteString(k)
			bw.WriteString(": ")
			writeFieldValue(bw, v)
			bw.WriteString("\r\n")
		}
	}
	bw.WriteString("\r\n")
}

// prepareHeader sets what net/http would: Date, the body's framing, a
// sniffed Content-Type, and Connection: close when the client asked.
func (w *response) prepareHeader(n int64, first []byte) {
	h := w.header
	if _, ok := h["Date"]; !ok {
		h["Date"] = []string{time.Now().UTC().Format(http.TimeFormat)}
	}
	delete(h, "Transfer-Encoding")
	if w.req.Close {
		h["Connection"] = []string{"close"}
	}
	switch {
	case !bodyAllowed(w.status):
		delete(h, "Content-Length")
		return
	case n < 0:
		delete(h, "Content-Length")
		h["Transfer-Encoding"] = []string{"chunked"}
	default:
		h["Content-Length"] = []string{strconv.FormatInt(n, 10)}
	}
	if _, ok := h["Content-Type"]; !ok && len(first) > 0 {
		h["Content-Type"] = []string{http.DetectContentType(first)}
	}
}

// bodyAllowed reports whether status may have a body (RFC 9110 §6.4.1).
func bodyAllowed(status int) bool {
	return status != http.StatusNoContent && status != http.StatusNotModified && status >= 200
}

// validFieldName reports whether k is an RFC 9110 token.
func validFieldName(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		if c := k[i]; c >= 0x80 || !tokenChar[c] {
			return false
		}
	}
	return true
}

var tokenChar = func() (t [128]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	for _, c := range "!#$%&'*+-.^_`|~" {
		t[c] = true
	}
	return t
}()

// writeFieldValue writes v with CR and LF as spaces, as net/http does, so
// that no value can end the header early.
func writeFieldValue(bw *bufio.Writer, v string) {
	for {
		i := strings.IndexAny(v, "\r\n")
		if i < 0 {
			bw.WriteString(v)
			return
		}
		bw.WriteString(v[:i])
		bw.WriteByte(' ')
		v = v[i+1:]
	}
}
