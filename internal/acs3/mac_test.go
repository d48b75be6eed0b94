package acs3

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"testing"
)

// TestVerifyAfterSecretRotation: the verifier's reused HMAC states are keyed
// by secret, not by access key, so a rotated secret takes effect at once.
func TestVerifyAfterSecretRotation(t *testing.T) {
	secret := testSecret
	v := &Verifier{
		Lookup: func(context.Context, string) (string, error) { return secret, nil },
		Now:    newTestVerifier(testDate).Now,
	}
	body := []byte(`{"key":"value"}`)
	signedBy := func(secret, nonce string) (*http.Request, []byte) {
		req := newClientRequest(t, http.MethodPost, "http://127.0.0.1:9000/2023-03-30/functions/hello/invocations", body)
		sign(req, body, testAccessKeyID, secret, testDate, nonce)
		return fromWire(t, toWire(t, req, body))
	}
	steps := []struct {
		signer, current string
		want            error
	}{
		{testSecret, testSecret, nil},
		{testSecret, testSecret, nil}, // a reused state
		{testSecret, "rotated", ErrSignatureMismatch},
		{"rotated", "rotated", nil},
		{testSecret, "rotated", ErrSignatureMismatch},
	}
	for i, s := range steps {
		secret = s.current
		r, b := signedBy(s.signer, fmt.Sprintf("%064x", i))
		if _, err := v.Verify(context.Background(), r, b); !errors.Is(err, s.want) {
			t.Errorf("step %d: signed with %q, server knows %q: Verify = %v, want %v", i, s.signer, s.current, err, s.want)
		}
	}
}

// TestMacCache: states come back keyed with the secret of the key asked
// for (also after the key's secret changed), the cache keeps at most
// maxMacKeys keys, and forget drops a key's states.
func TestMacCache(t *testing.T) {
	var c macCache
	msg := []byte("string to sign")
	check := func(id, secret string) {
		t.Helper()
		mac := c.get(id, secret)
		mac.Reset()
		mac.Write(msg)
		want := hmac.New(sha256.New, []byte(secret))
		want.Write(msg)
		if !hmac.Equal(mac.Sum(nil), want.Sum(nil)) {
			t.Fatalf("get(%q, %q) is keyed with another secret", id, secret)
		}
		c.put(id, secret, mac)
	}
	entries := func() int {
		n := 0
		c.entries.Range(func(any, any) bool { n++; return true })
		return n
	}
	for i := range 2*maxMacKeys + 3 {
		id := fmt.Sprint("key-", i%(maxMacKeys+7))
		check(id, "secret-"+id)
		check(id, "rotated-"+id) // the same key, a new secret
		if n := entries(); n > maxMacKeys {
			t.Fatalf("after %d keys the cache holds %d, want ≤ %d", i+1, n, maxMacKeys)
		}
	}
	check("k", "s")
	c.forget("k")
	if _, ok := c.entries.Load("k"); ok {
		t.Errorf("forget(k) left its states")
	}
	if n := entries(); n != c.n {
		t.Errorf("the cache holds %d entries and counts %d", n, c.n)
	}
}
