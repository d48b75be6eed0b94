package client

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/yun-fc/yun/internal/acs3"
)

// apiPrefix starts every FC 3.0 path.
const apiPrefix = "/2023-03-30"

// Client calls one FC 3.0 endpoint with one access key. It is safe for
// concurrent use.
type Client struct {
	// HTTPClient sends the requests. New sets one with connect, TLS and
	// idle-connection time-outs but no overall time-out.
	HTTPClient *http.Client
	// Now is the signing clock. Nil means time.Now.
	Now func() time.Time

	base        *url.URL
	baseErr     error // a bad endpoint fails every call
	accessKeyID string
	secret      string
}

// New returns a client of endpoint, a URL such as http://127.0.0.1:9000 or,
// as the SDK takes it, a bare host:port (then http is assumed). An invalid
// endpoint makes every call fail with an error that says why.
func New(endpoint, accessKeyID, secret string) *Client {
	base, err := parseEndpoint(endpoint)
	return &Client{
		HTTPClient:  newHTTPClient(),
		base:        base,
		baseErr:     err,
		accessKeyID: accessKeyID,
		secret:      secret,
	}
}

func parseEndpoint(endpoint string) (*url.URL, error) {
	if !strings.Contains(endpoint, "://") {
		endpoint = "http://" + endpoint
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		return nil, fmt.Errorf("endpoint %q: %w", endpoint, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || u.RawQuery != "" {
		return nil, fmt.Errorf("endpoint %q: want http[s]://host[:port][/path]", endpoint)
	}
	return u, nil
}

func newHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = 10 * time.Second
	t.IdleConnTimeout = 90 * time.Second
	t.MaxIdleConnsPerHost = 16
	return &http.Client{Transport: t}
}

// CloseIdleConnections closes the connections kept alive for reuse. The
// client stays usable.
func (c *Client) CloseIdleConnections() { c.HTTPClient.CloseIdleConnections() }

// send signs and sends one request. A status >= 400 is returned as an
// *Error; otherwise the caller owns the response body.
func (c *Client) send(ctx context.Context, op Op, body []byte, header http.Header) (*http.Response, error) {
	req, err := c.newRequest(ctx, op, body, header)
	if err != nil {
		return nil, err
	}
	acs3.Sign(req, body, c.accessKeyID, c.secret, c.now())
	resp, err := c.HTTPClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op.Action, err)
	}
	if resp.StatusCode >= 400 {
		defer resp.Body.Close()
		return nil, errorFrom(resp)
	}
	return resp, nil
}

func (c *Client) newRequest(ctx context.Context, op Op, body []byte, header http.Header) (*http.Request, error) {
	if c.baseErr != nil {
		return nil, fmt.Errorf("%s: %w", op.Action, c.baseErr)
	}
	u, err := c.url(op)
	if err != nil {
		return nil, err
	}
	var reader io.Reader // nil for no body: a POST then sends Content-Length: 0
	if len(body) > 0 {
		reader = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, op.Method, u.String(), reader)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op.Action, err)
	}
	for name, values := range header {
		req.Header[http.CanonicalHeaderKey(name)] = slices.Clone(values)
	}
	req.Header.Set("accept", "application/json")
	req.Header.Set("user-agent", "yun-client")
	req.Header.Set("x-acs-action", op.Action)
	return req, nil
}

// url is the endpoint's URL for op, keeping op.Path's escaping on the wire.
func (c *Client) url(op Op) (*url.URL, error) {
	u := *c.base
	prefix := apiPrefix
	if op.Prefix != "" {
		prefix = op.Prefix
	}
	rawPath := strings.TrimSuffix(c.base.EscapedPath(), "/") + prefix + op.Path
	path, err := url.PathUnescape(rawPath)
	if err != nil {
		return nil, fmt.Errorf("%s: path %q: %w", op.Action, op.Path, err)
	}
	u.Path, u.RawPath = path, rawPath
	u.RawQuery = strings.ReplaceAll(op.Query.Encode(), "+", "%20")
	return &u, nil
}

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}
