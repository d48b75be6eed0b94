package acs3

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var sentinels = []error{
	ErrMissingAuthorization, ErrUnknownAccessKey, ErrSignatureMismatch,
	ErrBodyHash, ErrClockSkew, ErrNonceReplayed,
}

// TestVerifySDKCapture verifies the official SDK's own request (fc3-api.md
// §7.4) as it arrived on the wire, chunked.
func TestVerifySDKCapture(t *testing.T) {
	raw, err := os.ReadFile("testdata/sdk-invoke.txt")
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, line := range strings.Split(string(raw), "\n") {
		if !strings.HasPrefix(line, "#") {
			lines = append(lines, line)
		}
	}
	head, body, _ := strings.Cut(strings.Join(lines, "\n"), "\n\n")
	body = strings.TrimSuffix(body, "\n")
	wire := strings.ReplaceAll(head, "\n", "\r\n") + "\r\n\r\n" +
		fmt.Sprintf("%x\r\n%s\r\n0\r\n\r\n", len(body), body)
	r, gotBody := fromWire(t, wire)

	v := newTestVerifier(time.Date(2026, 11, 23, 19, 40, 47, 0, time.UTC))
	id, err := v.Verify(context.Background(), r, gotBody)
	if err != nil {
		t.Fatalf("Verify(SDK request) = %v, want nil", err)
	}
	if id != testAccessKeyID {
		t.Errorf("access key = %q, want %q", id, testAccessKeyID)
	}
}

// TestVerifyTampering changes one thing on the wire (or in the server) and
// expects the matching refusal.
func TestVerifyTampering(t *testing.T) {
	replace := func(old, new string) func(string) string {
		return func(s string) string {
			if !strings.Contains(s, old) {
				panic(fmt.Sprintf("wire has no %q", old))
			}
			return strings.Replace(s, old, new, 1)
		}
	}
	addHeader := func(line string) func(string) string { return replace("\r\n\r\n", "\r\n"+line+"\r\n\r\n") }
	tests := []struct {
		name   string
		tamper func(string) string
		keys   map[string]string // nil: the test key
		now    time.Time         // zero: testDate
		want   error             // nil: accepted
	}{
		{name: "untouched", tamper: replace("", "")},
		{name: "unsigned x-fc header added", tamper: addHeader("X-Fc-Log-Type: Tail")},
		{name: "clock 15 minutes behind", tamper: replace("", ""), now: testDate.Add(-DefaultMaxSkew)},
		{name: "clock 15 minutes ahead", tamper: replace("", ""), now: testDate.Add(DefaultMaxSkew)},
		{name: "unknown access key", tamper: replace("Credential="+testAccessKeyID, "Credential=LTAI5tOtherAccessKeyId"), want: ErrUnknownAccessKey},
		{name: "wrong secret", tamper: replace("", ""), keys: map[string]string{testAccessKeyID: "other"}, want: ErrSignatureMismatch},
		{name: "body", tamper: replace(`"value"`, `"VALUE"`), want: ErrBodyHash},
		{name: "body and its hash", tamper: func(s string) string {
			s = replace(`"value"`, `"VALUE"`)(s)
			return replace(hashHex([]byte(`{"key":"value"}`)), hashHex([]byte(`{"key":"VALUE"}`)))(s)
		}, want: ErrSignatureMismatch},
		{name: "signed header", tamper: replace("X-Acs-Action: InvokeFunction", "X-Acs-Action: DeleteFunction"), want: ErrSignatureMismatch},
		{name: "content-type", tamper: replace("application/octet-stream", "application/json"), want: ErrSignatureMismatch},
		{name: "method", tamper: replace("POST ", "PUT "), want: ErrSignatureMismatch},
		{name: "path", tamper: replace("/hello/", "/hellO/"), want: ErrSignatureMismatch},
		{name: "path escaping", tamper: replace("/hello/", "/hell%6F/"), want: ErrSignatureMismatch},
		{name: "query value", tamper: replace("qualifier=LATEST", "qualifier=prod"), want: ErrSignatureMismatch},
		{name: "query value added", tamper: replace("qualifier=LATEST", "qualifier=LATEST&qualifier=prod"), want: ErrSignatureMismatch},
		{name: "host", tamper: replace("Host: 127.0.0.1:9000", "Host: 127.0.0.1:9001"), want: ErrSignatureMismatch},
		{name: "signature", tamper: replace("Signature=3", "Signature=4"), want: ErrSignatureMismatch},
		{name: "unsigned x-acs header added", tamper: addHeader("X-Acs-Security-Token: t"), want: ErrMissingAuthorization},
		{name: "signed header removed", tamper: replace("X-Acs-Credentials-Provider: static_ak\r\n", ""), want: ErrMissingAuthorization},
		{name: "no Authorization", tamper: func(s string) string {
			start := strings.Index(s, "Authorization:")
			end := start + strings.Index(s[start:], "\r\n") + 2
			return s[:start] + s[end:]
		}, want: ErrMissingAuthorization},
		{name: "legacy ROA signature", tamper: replace("Authorization: ACS3-HMAC-SHA256 ", "Authorization: acs LTAI:x "), want: ErrMissingAuthorization},
		{name: "upper-case signature", tamper: func(s string) string {
			i := strings.Index(s, "Signature=") + len("Signature=")
			return s[:i] + strings.ToUpper(s[i:i+64]) + s[i+64:]
		}, want: ErrMissingAuthorization},
		{name: "malformed date", tamper: replace("2024-05-01T08:00:00Z", "2024-05-01 08:00:00"), want: ErrMissingAuthorization},
		{name: "clock far behind", tamper: replace("", ""), now: testDate.Add(-DefaultMaxSkew - time.Second), want: ErrClockSkew},
		{name: "clock far ahead", tamper: replace("", ""), now: testDate.Add(DefaultMaxSkew + time.Second), want: ErrClockSkew},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := tt.now
			if now.IsZero() {
				now = testDate
			}
			v := newTestVerifier(now)
			if tt.keys != nil {
				v.Lookup = lookupOf(tt.keys)
			}
			r, body := fromWire(t, tt.tamper(signedWire(t)))
			id, err := v.Verify(context.Background(), r, body)
			if !matchesOnly(err, tt.want) {
				t.Fatalf("Verify = %v, want %v", err, tt.want)
			}
			if tt.want == nil && id != testAccessKeyID {
				t.Errorf("access key = %q, want %q", id, testAccessKeyID)
			}
		})
	}
}

// matchesOnly reports whether err is nil when want is, or wraps want and no
// other sentinel.
func matchesOnly(err, want error) bool {
	if want == nil || err == nil {
		return err == want
	}
	for _, s := range sentinels {
		if errors.Is(err, s) != (s == want) {
			return false
		}
	}
	return true
}

func TestVerifyReplay(t *testing.T) {
	v := newTestVerifier(testDate)
	wire := signedWire(t)
	for i, want := range []error{nil, ErrNonceReplayed, ErrNonceReplayed} {
		r, body := fromWire(t, wire)
		if _, err := v.Verify(context.Background(), r, body); !matchesOnly(err, want) {
			t.Fatalf("attempt %d: Verify = %v, want %v", i+1, err, want)
		}
	}
	body := []byte(`{"key":"value"}`)
	req := newClientRequest(t, http.MethodPost, "http://127.0.0.1:9000/2023-03-30/functions/hello/invocations?qualifier=LATEST", body)
	Sign(req, body, testAccessKeyID, testSecret, testDate)
	r, body := fromWire(t, toWire(t, req, body))
	if _, err := v.Verify(context.Background(), r, body); err != nil {
		t.Errorf("same request with a fresh nonce: Verify = %v, want nil", err)
	}
}

// TestVerifyRequiredSignedHeaders signs correctly over a list that leaves a
// header out: the signature is right, the coverage is not.
func TestVerifyRequiredSignedHeaders(t *testing.T) {
	for _, omit := range []string{"host", "x-acs-content-sha256", "x-acs-date", "x-acs-signature-nonce", "content-type", "x-acs-action"} {
		t.Run(omit, func(t *testing.T) {
			body := []byte(`{"key":"value"}`)
			req := newClientRequest(t, http.MethodPost, "http://127.0.0.1:9000/2023-03-30/functions/hello/invocations", body)
			sign(req, body, testAccessKeyID, testSecret, testDate, testNonce)
			resignWithout(req, body, omit)
			r, gotBody := fromWire(t, toWire(t, req, body))
			_, err := newTestVerifier(testDate).Verify(context.Background(), r, gotBody)
			if !matchesOnly(err, ErrMissingAuthorization) {
				t.Fatalf("Verify = %v, want %v", err, ErrMissingAuthorization)
			}
			if !strings.Contains(err.Error(), omit) {
				t.Errorf("error %q does not name %s", err, omit)
			}
		})
	}
}

// resignWithout replaces req's Authorization with a valid signature over
// every signable header but omit.
func resignWithout(req *http.Request, body []byte, omit string) {
	var signed []string
	for _, name := range signableHeaders(req.Header) {
		if name != omit {
			signed = append(signed, name)
		}
	}
	canonical := messageOf(req).canonical(signed, hashHex(body))
	auth := authorization{accessKeyID: testAccessKeyID, signed: signed, signature: signature(testSecret, stringToSign(canonical))}
	req.Header.Set("Authorization", auth.String())
}

func TestVerifyErrorsDoNotLeak(t *testing.T) {
	wire := strings.Replace(signedWire(t), "qualifier=LATEST", "qualifier=prod", 1)
	r, body := fromWire(t, wire)
	_, err := newTestVerifier(testDate).Verify(context.Background(), r, body)
	if !errors.Is(err, ErrSignatureMismatch) {
		t.Fatalf("Verify = %v, want %v", err, ErrSignatureMismatch)
	}
	want := signature(testSecret, stringToSign(mustMessage(t, r).canonical(strings.Split(signedList, ";"), hashHex(body))))
	for _, secret := range []string{want, testSecret} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("error %q contains %q", err, secret)
		}
	}
}

const signedList = "content-type;host;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;x-acs-version"

func mustMessage(t *testing.T, r *http.Request) message {
	t.Helper()
	msg, err := messageFromWire(r)
	if err != nil {
		t.Fatal(err)
	}
	return msg
}

func TestVerifyLookupFailure(t *testing.T) {
	storeDown := errors.New("store unavailable")
	v := newTestVerifier(testDate)
	v.Lookup = func(context.Context, string) (string, error) { return "", storeDown }
	r, body := fromWire(t, signedWire(t))
	_, err := v.Verify(context.Background(), r, body)
	if !errors.Is(err, storeDown) {
		t.Fatalf("Verify = %v, want it to wrap %v", err, storeDown)
	}
	for _, s := range sentinels {
		if errors.Is(err, s) {
			t.Errorf("Verify = %v, which wraps %v; want an internal error", err, s)
		}
	}
}

func TestVerifierValidate(t *testing.T) {
	lookup := lookupOf(nil)
	tests := []struct {
		name    string
		v       *Verifier
		wantErr string
	}{
		{"defaults", &Verifier{Lookup: lookup}, ""},
		{"no lookup", &Verifier{}, "Lookup"},
		{"negative skew", &Verifier{Lookup: lookup, MaxSkew: -time.Second}, "MaxSkew -1s"},
		{"negative nonces", &Verifier{Lookup: lookup, MaxNonces: -1}, "MaxNonces -1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.v.Validate()
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("Validate() = %v, want error containing %q", err, tt.wantErr)
			}
		})
	}
}

// TestVerifyConcurrentReplay sends one signed request from many goroutines
// at once to a fresh Verifier: exactly one is accepted.
func TestVerifyConcurrentReplay(t *testing.T) {
	v := newTestVerifier(testDate)
	wire := signedWire(t)
	var accepted atomic.Int32
	var wg sync.WaitGroup
	for range 16 {
		r, body := fromWire(t, wire)
		wg.Go(func() {
			_, err := v.Verify(context.Background(), r, body)
			switch {
			case err == nil:
				accepted.Add(1)
			case !errors.Is(err, ErrNonceReplayed):
				t.Errorf("Verify = %v, want nil or %v", err, ErrNonceReplayed)
			}
		})
	}
	wg.Wait()
	if n := accepted.Load(); n != 1 {
		t.Errorf("accepted %d times, want 1", n)
	}
}
