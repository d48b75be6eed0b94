package process

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
	"sync"
)

// request is what the transport sends. Headers are written in order of
// precedence, and a name written once is skipped later: the instance's
// common x-fc-* headers, the per-request ones, extra (Invocation.Header),
// then header (a passed-through request's own).
type request struct {
	method, target string
	host           string      // the Host line; "" means the runtime's address
	common         []byte      // the instance's headers, already in the wire format
	commonKeys     http.Header // the same headers, to look names up
	extra, header  http.Header
	requestID      string
	control        []string
	octet          bool // Content-Type: application/octet-stream (FC's event)

	body []byte // sent with Content-Length
	// stream, when non-nil, is sent instead of body as it is read:
	// streamLen bytes with Content-Length, or chunked when streamLen < 0.
	stream    io.Reader
	streamLen int64
}

// replayable says whether req can be sent again on another connection.
func (req *request) replayable() bool { return req.stream == nil }

// sourceError is a failure to read a streamed request body: the caller's,
// not the runtime's.
type sourceError struct{ err error }

func (e *sourceError) Error() string { return "read the request body: " + e.err.Error() }
func (e *sourceError) Unwrap() error { return e.err }

// skippedHeaders are never taken from extra or header: the transport
// frames the request itself.
var skippedHeaders = map[string]bool{"Host": true, "Content-Length": true, "Transfer-Encoding": true,
	"Connection": true, "Keep-Alive": true, "Te": true, "Trailer": true, "Upgrade": true, "Proxy-Connection": true}

// write sends req on bw and flushes.
func (req *request) write(bw *bufio.Writer, addr string) error {
	host := req.host
	if host == "" {
		host = addr
	}
	bw.WriteString(req.method)
	bw.WriteByte(' ')
	bw.WriteString(req.target)
	bw.WriteString(" HTTP/1.1\r\nHost: ")
	bw.WriteString(host)
	bw.WriteString("\r\n")
	bw.Write(req.common)
	req.writeOwn(bw)
	userAgent := req.writeOthers(bw)
	if !userAgent {
		bw.WriteString("User-Agent: Go-http-client/1.1\r\n")
	}
	switch {
	case req.stream != nil && req.streamLen < 0:
		bw.WriteString("Transfer-Encoding: chunked\r\n\r\n")
		return req.writeChunked(bw)
	case req.stream != nil:
		writeField(bw, "Content-Length", strconv.FormatInt(req.streamLen, 10))
		bw.WriteString("\r\n")
		return req.writeStream(bw)
	case req.body != nil || sendsBody(req.method):
		writeField(bw, "Content-Length", strconv.Itoa(len(req.body)))
	}
	bw.WriteString("\r\n")
	bw.Write(req.body)
	return bw.Flush()
}

// sendsBody says whether a method's requests carry Content-Length even
// when empty, as net/http sends them.
func sendsBody(method string) bool {
	return method == http.MethodPost || method == http.MethodPut || method == http.MethodPatch
}

// writeOwn writes the per-request headers.
func (req *request) writeOwn(bw *bufio.Writer) {
	if req.requestID != "" {
		writeField(bw, headerRequestID, req.requestID)
	}
	for _, v := range req.control {
		writeField(bw, headerControlPath, v)
	}
	if req.octet {
		bw.WriteString("Content-Type: application/octet-stream\r\n")
	}
}

// writeOthers writes extra, then header, skipping the names written
// already; it reports whether a User-Agent was among them.
func (req *request) writeOthers(bw *bufio.Writer) (userAgent bool) {
	for k, vs := range req.extra {
		if req.taken(k) {
			continue
		}
		userAgent = userAgent || k == "User-Agent"
		writeValues(bw, k, vs)
	}
	for k, vs := range req.header {
		if req.taken(k) || req.extra[k] != nil {
			continue
		}
		userAgent = userAgent || k == "User-Agent"
		writeValues(bw, k, vs)
	}
	return userAgent
}

// taken says whether the header k must not come from extra or header.
func (req *request) taken(k string) bool {
	switch {
	case skippedHeaders[k] || !validFieldName(k):
		return true
	case k == headerRequestID && req.requestID != "", k == headerControlPath && req.control != nil,
		k == "Content-Type" && req.octet:
		return true
	}
	_, ok := req.commonKeys[k]
	return ok
}

// writeValues writes one header line per value.
func writeValues(bw *bufio.Writer, k string, vs []string) {
	for _, v := range vs {
		writeField(bw, k, v)
	}
}

// writeField writes "k: v\r\n"; line breaks in v become spaces, as
// net/http sends them.
func writeField(bw *bufio.Writer, k, v string) {
	if strings.ContainsAny(v, "\r\n") {
		v = strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ").Replace(v)
	}
	bw.WriteString(k)
	bw.WriteString(": ")
	bw.WriteString(textproto.TrimString(v))
	bw.WriteString("\r\n")
}

// appendHeader appends h in the wire format, names canonical.
func appendHeader(b []byte, h http.Header) []byte {
	var sb strings.Builder
	bw := bufio.NewWriter(&sb)
	for k, vs := range h {
		writeValues(bw, http.CanonicalHeaderKey(k), vs)
	}
	bw.Flush()
	return append(b, sb.String()...)
}

// validFieldName says whether k is an HTTP token.
func validFieldName(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("\"(),/:;<=>?@[\\]{}", c) >= 0 {
			return false
		}
	}
	return true
}

// copyBuffers are the buffers of streamed request bodies.
var copyBuffers = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// writeStream sends exactly streamLen bytes of stream, flushing after every
// read so that the runtime gets the body as it arrives.
func (req *request) writeStream(bw *bufio.Writer) error {
	if err := bw.Flush(); err != nil {
		return err
	}
	src := &io.LimitedReader{R: req.stream, N: req.streamLen}
	if err := copyFlushed(bw, src, false); err != nil {
		return err
	}
	if src.N > 0 {
		return &sourceError{fmt.Errorf("%w: %d bytes short of Content-Length", io.ErrUnexpectedEOF, src.N)}
	}
	return nil
}

// writeChunked sends stream in chunked encoding, a chunk per read.
func (req *request) writeChunked(bw *bufio.Writer) error {
	if err := copyFlushed(bw, req.stream, true); err != nil {
		return err
	}
	bw.WriteString("0\r\n\r\n")
	return bw.Flush()
}

// copyFlushed copies src to bw, each read as one chunk when chunked, and
// flushes after every read. Read errors are sourceErrors.
func copyFlushed(bw *bufio.Writer, src io.Reader, chunked bool) error {
	bp := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(bp)
	buf := *bp
	for {
		n, rerr := src.Read(buf)
		if n > 0 {
			if chunked {
				bw.WriteString(strconv.FormatInt(int64(n), 16))
				bw.WriteString("\r\n")
			}
			bw.Write(buf[:n])
			if chunked {
				bw.WriteString("\r\n")
			}
			if err := bw.Flush(); err != nil {
				return err
			}
		}
		switch {
		case errors.Is(rerr, io.EOF):
			return nil
		case rerr != nil:
			return &sourceError{rerr}
		}
	}
}
