package acs3

import (
	"context"
	"fmt"
	"net/http"
	"testing"
)

// BenchmarkVerify checks one signed InvokeFunction request as the API does
// (a fresh nonce each, so every one is accepted), with and without a query.
func BenchmarkVerify(b *testing.B) {
	for _, target := range []string{"/invocations", "/invocations?qualifier=LATEST"} {
		b.Run(target, func(b *testing.B) {
			const batch = 1 << 14
			body := []byte("ping")
			reqs := make([]*http.Request, batch)
			for i := range reqs {
				t := &testing.T{}
				req := newClientRequest(t, http.MethodPost, "http://127.0.0.1:9000/2023-03-30/functions/hello"+target, body)
				sign(req, body, testAccessKeyID, testSecret, testDate, fmt.Sprintf("%064x", i))
				reqs[i], _ = fromWire(t, toWire(t, req, body))
			}
			ctx := context.Background()
			v := newTestVerifier(testDate)
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				if i%batch == 0 && i > 0 {
					b.StopTimer()
					v = newTestVerifier(testDate) // the nonces may be used again
					b.StartTimer()
				}
				if _, err := v.Verify(ctx, reqs[i%batch], body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
