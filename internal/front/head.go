package front

import (
	"bufio"
	"bytes"
)

// requestHead is a request head as the client sent it, up to and
// including the blank line; it lives in the connection's read buffer and
// is valid only until the request is read.
type requestHead []byte

// requestLine returns the method and protocol of h's request line.
func (h requestHead) requestLine() (method, proto []byte) {
	line, _, _ := bytes.Cut(h, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	method, rest, _ := bytes.Cut(line, []byte(" "))
	_, proto, _ = bytes.Cut(rest, []byte(" ")) // after the target
	return method, proto
}

// plain reports whether h is a request the lean loop may take: HTTP/1.1,
// not HEAD, exactly one Host with a valid value, at most one
// Content-Length, header names that are tokens, and none of the headers
// that change how a request is framed or answered (Expect,
// Transfer-Encoding, Upgrade, TE, Trailer). Header lines that fold onto
// the next line are not plain either. Anything else goes to net/http,
// which answers what it refuses with 400.
func (h requestHead) plain() bool {
	method, proto := h.requestLine()
	if string(proto) != "HTTP/1.1" || string(method) == "HEAD" || len(method) == 0 {
		return false
	}
	_, rest, _ := bytes.Cut(h, []byte("\n"))
	hosts, lengths := 0, 0
	for len(rest) > 0 {
		var line []byte
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) == 0 {
			break
		}
		if line[0] == ' ' || line[0] == '\t' {
			return false
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok || !validFieldName(string(name)) { // net/http refuses what textproto lets through, e.g. "Name :"
			return false
		}
		switch {
		case bytes.EqualFold(name, []byte("Host")):
			if !validHost(bytes.Trim(value, " \t")) {
				return false
			}
			hosts++
		case bytes.EqualFold(name, []byte("Content-Length")):
			lengths++
		case bytes.EqualFold(name, []byte("Expect")), bytes.EqualFold(name, []byte("Transfer-Encoding")),
			bytes.EqualFold(name, []byte("Upgrade")), bytes.EqualFold(name, []byte("TE")),
			bytes.EqualFold(name, []byte("Trailer")):
			return false
		}
	}
	return hosts == 1 && lengths <= 1
}

// peekHead waits for a whole request head in br's buffer without consuming
// it. ok is false when the head does not fit the buffer; err is the
// connection's (io.EOF when the client closed it between requests).
func peekHead(br *bufio.Reader) (h requestHead, ok bool, err error) {
	if _, err := br.Peek(1); err != nil {
		return nil, false, err
	}
	searched := 0
	for {
		buf, _ := br.Peek(br.Buffered())
		if end := headEnd(buf, searched); end >= 0 {
			return requestHead(buf[:end]), true, nil
		}
		if len(buf) == br.Size() {
			return nil, false, nil
		}
		searched = max(len(buf)-3, 0)
		if _, err := br.Peek(len(buf) + 1); err != nil {
			return nil, false, err
		}
	}
}

// headEnd is the length of the head in buf (through "\n\r\n" or "\n\n",
// as net/textproto accepts both), or -1; the search starts at from.
func headEnd(buf []byte, from int) int {
	for i := from; i < len(buf); i++ {
		j := bytes.IndexByte(buf[i:], '\n')
		if j < 0 {
			return -1
		}
		i += j
		switch {
		case i+1 < len(buf) && buf[i+1] == '\n':
			return i + 2
		case i+2 < len(buf) && buf[i+1] == '\r' && buf[i+2] == '\n':
			return i + 3
		}
	}
	return -1
}

// validHost reports whether v may be a Host header's value, as net/http's
// server checks it (httpguts.ValidHostHeader).
func validHost(v []byte) bool {
	for _, c := range v {
		if c >= 0x80 || !hostChar[c] {
			return false
		}
	}
	return true
}

var hostChar = asciiTable("!$%&'()*+,-.:;=[]_~")

// asciiTable marks the digits, the letters and the bytes of extra.
func asciiTable(extra string) (t [128]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	for _, c := range extra {
		t[c] = true
	}
	return t
}
