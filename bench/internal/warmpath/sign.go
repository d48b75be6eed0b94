package warmpath

import (
	"bytes"
	"net/http"
	"time"

	"github.com/yun-fc/yun/bench/internal/harness"
	"github.com/yun-fc/yun/internal/acs3"
)

// Bounds of the signing measurement.
const (
	signOps  = 200_000
	signTime = 500 * time.Millisecond
)

// signCost is the mean time the client takes to sign one InvokeFunction
// request like the benchmark's (ACS3-HMAC-SHA256 with a fresh nonce), on one
// goroutine with nothing else running.
func signCost(endpoint string, body []byte) time.Duration {
	url := endpoint + "/2023-03-30/functions/" + functionName + "/invocations"
	start := time.Now()
	n := 0
	for n < signOps && time.Since(start) < signTime {
		req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return 0
		}
		req.Header.Set("x-acs-action", "InvokeFunction")
		req.Header.Set("x-fc-invocation-type", "Sync")
		req.Header.Set("content-type", "application/octet-stream")
		acs3.Sign(req, body, harness.AccessKeyID, harness.AccessKeySecret, time.Now())
		n++
	}
	return time.Since(start) / time.Duration(n)
}
