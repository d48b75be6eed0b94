package front

import (
	"bufio"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
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
	body     *requestBody // the request's
	header   http.Header
	status   int
	kept     []byte // the answer's body, kept until the head goes out
	headSent bool
	close    bool // the connection closes after the answer
	chunked  bool
	length   int64 // Content-Length once the head is out; -1 chunked
	written  int64 // body bytes written after the head
}

func (w *response) Header() http.Header { return w.header }

func (w *response) WriteHeader(status int) {
	if status < 100 || status > 999 {
		panic(fmt.Sprintf("invalid WriteHeader code %v", status)) // as net/http
	}
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
	if n, ok := declaredLength(w.header); ok && w.kept == nil {
		w.writeHead(n, p)
		return w.writeBody(p)
	}
	w.kept = append(w.kept, p...)
	if len(w.kept) <= bufferLimit {
		return len(p), nil
	}
	kept := w.kept
	w.kept = nil
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
		w.writeHead(n, w.kept)
		if bodyAllowed(w.status) {
			if _, err := w.writeBody(w.kept); err != nil {
				return err
			}
		}
		w.kept = nil
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
		w.writeHead(int64(len(w.kept)), w.kept)
		if bodyAllowed(w.status) {
			w.writeBody(w.kept)
		}
	case w.chunked:
		bw.WriteString("0\r\n\r\n")
	}
	complete := w.chunked || !bodyAllowed(w.status) || w.written == w.length
	return bw.Flush() == nil && complete && !w.close
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
// sniffed Content-Type, and Connection: close when the connection will
// close after the answer: the client or the handler asked, the server is
// shutting down, or more of the request's body is unread than the loop
// would read away.
func (w *response) prepareHeader(n int64, first []byte) {
	h := w.header
	if _, ok := h["Date"]; !ok {
		h["Date"] = w.c.s.date.now()
	}
	delete(h, "Transfer-Encoding")
	w.close = w.req.Close || hasToken(h["Connection"], "close") || w.c.s.shuttingDown() || w.body.rest() > drainLimit
	if w.close {
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

var tokenChar = asciiTable("!#$%&'*+-.^_`|~")

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

// hasToken reports whether a comma-separated header value lists token.
func hasToken(values []string, token string) bool {
	for _, v := range values {
		for f := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(f), token) {
				return true
			}
		}
	}
	return false
}

// dateCache formats the Date header once a second.
type dateCache struct {
	last atomic.Pointer[dateValue]
}

type dateValue struct {
	sec   int64
	value []string // shared by the answers of that second; never modified
}

func (d *dateCache) now() []string {
	t := time.Now()
	if v := d.last.Load(); v != nil && v.sec == t.Unix() {
		return v.value
	}
	v := &dateValue{sec: t.Unix(), value: []string{t.UTC().Format(http.TimeFormat)}}
	d.last.Store(v)
	return v.value
}
