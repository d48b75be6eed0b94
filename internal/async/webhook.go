package async

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// webhook POSTs destination records to http(s) URLs, a Yun extension of
// FC's destinations.
type webhook struct {
	client   *http.Client
	timeout  time.Duration // per attempt
	attempts int
	backoff  time.Duration // before the second attempt, doubling after
}

func newWebhook(cfg *Config) *webhook {
	client := &http.Client{
		// A redirect would turn the POST into a GET: take it as the answer.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return &webhook{client: client, timeout: cfg.WebhookTimeout, attempts: cfg.WebhookAttempts, backoff: cfg.RetryBase}
}

// post delivers body to url: any 2xx answer is success. Network errors, 408,
// 429 and 5xx are tried again, up to attempts in all; other answers are final.
func (w *webhook) post(ctx context.Context, url string, body []byte, requestID string) error {
	var err error
	for i := range w.attempts {
		if i > 0 {
			if err := sleep(ctx, w.backoff<<(i-1)); err != nil {
				return err
			}
		}
		var again bool
		if again, err = w.once(ctx, url, body, requestID); err == nil || !again {
			return err
		}
	}
	return err
}

func (w *webhook) once(ctx context.Context, url string, body []byte, requestID string) (again bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, w.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return false, fmt.Errorf("webhook %s: %w", url, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "yun-async-destination")
	req.Header.Set("X-Fc-Request-Id", requestID)
	resp, err := w.client.Do(req)
	if err != nil {
		return true, fmt.Errorf("webhook %s: %w", url, err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	switch c := resp.StatusCode; {
	case c >= 200 && c < 300:
		return false, nil
	case c == http.StatusRequestTimeout || c == http.StatusTooManyRequests || c >= 500:
		return true, fmt.Errorf("webhook %s: %s", url, resp.Status)
	default:
		return false, fmt.Errorf("webhook %s: %s", url, resp.Status)
	}
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
