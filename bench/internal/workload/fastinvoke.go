package workload

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/yun-fc/yun/bench/internal/load"
	"github.com/yun-fc/yun/internal/acs3"
	"github.com/yun-fc/yun/internal/client"
)

// Invoker sends signed InvokeFunction requests for one function and one
// body, and does per request only the work that changes: the date (formatted
// once a second), the nonce (a random prefix and a counter), the canonical
// request's varying lines and one HMAC from a pool. It is the load
// generator's client: every microsecond it spends is taken from the yun
// server it measures, which shares the machine's cores. The signature is the
// one acs3.Sign makes for the same request (see the tests).
type Invoker struct {
	hc      *http.Client
	url     string
	body    []byte
	header  http.Header // constant headers; each request gets a copy
	prefix  string      // canonical request before the date
	signed  string      // the SignedHeaders list
	payload string      // hex sha256 of body
	authPre string      // Authorization up to the signature
	macs    sync.Pool
	nonce   [48]byte // random hex prefix of every nonce
	counter atomic.Uint64
	date    atomic.Pointer[dateStamp]
}

type dateStamp struct {
	unix int64
	text string
}

// NewInvoker prepares the requests to function name on endpoint, signed
// with the key pair, sent through hc.
func NewInvoker(hc *http.Client, endpoint, accessKeyID, secret, name string, body []byte) (*Invoker, error) {
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("invoker: endpoint %q: not a URL with a host", endpoint)
	}
	path := "/" + acs3.APIVersion + "/functions/" + client.PathEscape(name) + "/invocations"
	sum := sha256.Sum256(body)
	v := &Invoker{hc: hc, url: u.Scheme + "://" + u.Host + path, body: body, payload: hex.EncodeToString(sum[:])}
	v.header = http.Header{
		"Accept":               {"application/json"},
		"User-Agent":           {"yun-bench"},
		"X-Acs-Action":         {"InvokeFunction"},
		"X-Acs-Version":        {acs3.APIVersion},
		"X-Acs-Content-Sha256": {v.payload},
		"X-Fc-Invocation-Type": {"Sync"},
		"Content-Type":         {"application/octet-stream"},
	}
	// Signed headers, sorted: content-type, host, x-acs-action,
	// x-acs-content-sha256, x-acs-date, x-acs-signature-nonce, x-acs-version.
	v.signed = "content-type;host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version"
	v.prefix = "POST\n" + path + "\n\n" +
		"content-type:application/octet-stream\n" +
		"host:" + u.Host + "\n" +
		"x-acs-action:InvokeFunction\n" +
		"x-acs-content-sha256:" + v.payload + "\n" +
		"x-acs-date:"
	v.authPre = acs3.Algorithm + " Credential=" + accessKeyID + ",SignedHeaders=" + v.signed + ",Signature="
	key := []byte(secret)
	v.macs.New = func() any { return hmac.New(sha256.New, key) }
	var r [24]byte
	_, _ = rand.Read(r[:])
	hex.Encode(v.nonce[:], r[:])
	return v, nil
}

// dateText is now as x-acs-date, formatted once per second.
func (v *Invoker) dateText(now time.Time) string {
	sec := now.Unix()
	if d := v.date.Load(); d != nil && d.unix == sec {
		return d.text
	}
	d := &dateStamp{unix: sec, text: now.UTC().Format(acs3.DateLayout)}
	v.date.Store(d)
	return d.text
}

// newNonce is 64 hex digits, as the SDK sends: the random prefix and a
// 16-digit counter, unique within the process.
func (v *Invoker) newNonce() string {
	var b [64]byte
	copy(b[:], v.nonce[:])
	n := v.counter.Add(1)
	const digits = "0123456789abcdef"
	for i := 63; i >= 48; i-- {
		b[i] = digits[n&0xf]
		n >>= 4
	}
	return string(b[:])
}

// sign returns the date, nonce and Authorization of one request.
func (v *Invoker) sign(now time.Time, nonce string) (date, auth string) {
	date = v.dateText(now)
	var buf [512]byte
	c := append(buf[:0], v.prefix...)
	c = append(c, date...)
	c = append(c, "\nx-acs-signature-nonce:"...)
	c = append(c, nonce...)
	c = append(c, "\nx-acs-version:"+acs3.APIVersion+"\n\n"...)
	c = append(c, v.signed...)
	c = append(c, '\n')
	c = append(c, v.payload...)
	sum := sha256.Sum256(c)
	var sts [len(acs3.Algorithm) + 1 + 64]byte
	copy(sts[:], acs3.Algorithm+"\n")
	hex.Encode(sts[len(acs3.Algorithm)+1:], sum[:])
	mac := v.macs.Get().(hash.Hash)
	mac.Reset()
	mac.Write(sts[:])
	var sig [32]byte
	mac.Sum(sig[:0])
	v.macs.Put(mac)
	var out [64]byte
	hex.Encode(out[:], sig[:])
	return date, v.authPre + string(out[:])
}

// Sign is what Do spends on signing one request sent at now: its date, a
// fresh nonce and its Authorization.
func (v *Invoker) Sign(now time.Time) (date, nonce, auth string) {
	nonce = v.newNonce()
	date, auth = v.sign(now, nonce)
	return date, nonce, auth
}

// Do sends one request; it is a load.Do.
func (v *Invoker) Do(ctx context.Context) load.Outcome {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, v.url, bytes.NewReader(v.body))
	if err != nil {
		return load.Outcome{Code: CodeTransport}
	}
	h := make(http.Header, len(v.header)+3)
	for k, vals := range v.header {
		h[k] = vals
	}
	date, nonce, auth := v.Sign(time.Now())
	h["X-Acs-Date"] = []string{date}
	h["X-Acs-Signature-Nonce"] = []string{nonce}
	h["Authorization"] = []string{auth}
	req.Header = h
	req.ContentLength = int64(len(v.body))
	resp, err := v.hc.Do(req)
	if err != nil {
		return Classify(ctx, err)
	}
	defer resp.Body.Close()
	var buf [256]byte
	n, _ := io.ReadFull(resp.Body, buf[:])
	defer io.Copy(io.Discard, io.LimitReader(resp.Body, maxDrain)) // keep the connection reusable
	out := load.Outcome{Status: resp.StatusCode, Code: resp.Header.Get("x-fc-error-type")}
	if resp.StatusCode >= 400 {
		body := buf[:n]
		if n == len(buf) {
			rest, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
			body = append(body, rest...)
		}
		out.Code = errorCode(resp.StatusCode, body)
		return out
	}
	out.Value = string(buf[:min(n, maxValue)])
	return out
}

// Bounds of what Do reads of an answer beyond its first bytes.
const (
	maxErrorBody = 64 << 10
	maxDrain     = 1 << 20
)

// errorCode is FC's error Code in an error answer, or HTTPnnn without one.
func errorCode(status int, body []byte) string {
	var wire struct {
		Code string `json:"Code"`
	}
	if json.Unmarshal(body, &wire) == nil && wire.Code != "" {
		return wire.Code
	}
	return "HTTP" + strconv.Itoa(status)
}
