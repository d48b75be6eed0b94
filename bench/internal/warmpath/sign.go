package warmpath

import (
	"bytes"
	"net/http"
	"time"

	"github.com/yun-fc/yun/bench/internal/harness"
	"github.com/yun-fc/yun/bench/internal/workload"
	"github.com/yun-fc/yun/internal/acs3"
)

// Bounds of each signing measurement.
const (
	signOps  = 200_000
	signTime = 500 * time.Millisecond
)

// signCosts is the mean time one InvokeFunction request like the benchmark's
// takes to sign (ACS3-HMAC-SHA256 with a fresh nonce), on one goroutine with
// nothing else running: by the load generator's signer, and by the Go
// client's acs3.Sign, as an SDK signs.
type signCosts struct{ generator, client time.Duration }

func measureSignCosts(endpoint string, v *workload.Invoker, body []byte) signCosts {
	url := endpoint + "/2023-03-30/functions/" + functionName + "/invocations"
	return signCosts{
		generator: meanTime(func() bool {
			v.Sign(time.Now())
			return true
		}),
		client: meanTime(func() bool {
			req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
			if err != nil {
				return false
			}
			req.Header.Set("x-acs-action", "InvokeFunction")
			req.Header.Set("x-fc-invocation-type", "Sync")
			req.Header.Set("content-type", "application/octet-stream")
			acs3.Sign(req, body, harness.AccessKeyID, harness.AccessKeySecret, time.Now())
			return true
		}),
	}
}

// meanTime is the mean time of op over at most signOps calls or signTime;
// 0 when op fails.
func meanTime(op func() bool) time.Duration {
	start := time.Now()
	n := 0
	for n < signOps && time.Since(start) < signTime {
		if !op() {
			return 0
		}
		n++
	}
	return time.Since(start) / time.Duration(n)
}
