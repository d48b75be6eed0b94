package api

import (
	"io"
	"net/http"

	"github.com/yun-fc/yun/internal/fc"
)

// checkWebLimits applies FC's web-function request limits (fc3-api.md
// §8.4): headers up to 8 KB, the function's path and query up to 4 KB.
func checkWebLimits(r *http.Request, rawPath string) error {
	if n := len(rawPath) + len(r.URL.RawQuery); n > fc.MaxWebPathQuery {
		return fc.InvalidArgument("the request path and query have %d bytes, at most %d are allowed", n, fc.MaxWebPathQuery)
	}
	if n := headerBytes(r); n > fc.MaxWebHeader {
		return fc.InvalidArgument("the request headers have %d bytes, at most %d are allowed", n, fc.MaxWebHeader)
	}
	return nil
}

// headerBytes is the size of the header block as sent: "Name: value\r\n".
func headerBytes(r *http.Request) int {
	n := len("Host: \r\n") + len(r.Host)
	for k, vs := range r.Header {
		for _, v := range vs {
			n += len(k) + len(v) + 4
		}
	}
	return n
}

// readWebBody reads the whole body, up to FC's synchronous payload limit.
func readWebBody(r *http.Request) ([]byte, error) {
	const limit = fc.MaxSyncPayload
	tooLarge := fc.InvalidArgument("the request body exceeds the maximum allowed size (%d bytes)", limit)
	if r.ContentLength > limit {
		return nil, tooLarge
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, fc.InvalidArgument("the request body could not be read: %v", err)
	}
	if len(body) > limit {
		return nil, tooLarge
	}
	return body, nil
}
