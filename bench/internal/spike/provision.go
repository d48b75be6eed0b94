package spike

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/yun-fc/yun/internal/client"
)

// ErrUnsupported is returned when the server does not offer
// PutProvisionConfig yet.
var ErrUnsupported = errors.New("spike: the server does not support PutProvisionConfig yet")

// provisionConfig is the part of FC's ProvisionConfig the scenario reads.
type provisionConfig struct {
	Target  int `json:"target"`
	Current int `json:"current"`
}

func provisionOp(method, function string) client.Op {
	action := "PutProvisionConfig"
	if method == http.MethodGet {
		action = "GetProvisionConfig"
	}
	return client.Op{Action: action, Method: method, Path: "/functions/" + client.PathEscape(function) + "/provision-config",
		Query: url.Values{"qualifier": {"LATEST"}}}
}

// putProvision sets the target. A "not supported" answer (4xx or 501 with
// FC's OperationNotSupported or PathNotSupported, or a 404/405 without a
// code) becomes ErrUnsupported carrying the server's words.
func putProvision(ctx context.Context, c *client.Client, function string, target int) error {
	var out provisionConfig
	err := c.Do(ctx, provisionOp(http.MethodPut, function), map[string]int{"target": target}, &out)
	if unsupported(err) {
		return fmt.Errorf("%w: %v", ErrUnsupported, err)
	}
	if err != nil {
		return fmt.Errorf("spike: PutProvisionConfig target %d: %w", target, err)
	}
	return nil
}

func unsupported(err error) bool {
	var e *client.Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Code {
	case "OperationNotSupported", "PathNotSupported", "NotSupported", "NotImplemented":
		return e.Status >= 400 && e.Status < 500 || e.Status == http.StatusNotImplemented
	case "":
		return e.Status == http.StatusNotFound || e.Status == http.StatusMethodNotAllowed || e.Status == http.StatusNotImplemented
	}
	return false
}

// awaitProvisioned polls GetProvisionConfig until current reaches target, or
// falls back to count() (the probe's instance count) when the GET is not
// offered. It gives up after wait.
func awaitProvisioned(ctx context.Context, c *client.Client, function string, target int, wait time.Duration, count func() int) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	for {
		var out provisionConfig
		err := c.Do(ctx, provisionOp(http.MethodGet, function), nil, &out)
		switch {
		case err == nil && out.Current >= target:
			return fmt.Sprintf("GetProvisionConfig reported current %d", out.Current), nil
		case err != nil && !unsupported(err) && ctx.Err() == nil:
			return "", fmt.Errorf("spike: GetProvisionConfig: %w", err)
		case err != nil && count() >= target:
			return fmt.Sprintf("the probe counted %d instances", count()), nil
		}
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("spike: %d provisioned instances not ready within %v", target, wait)
		case <-time.After(200 * time.Millisecond):
		}
	}
}
