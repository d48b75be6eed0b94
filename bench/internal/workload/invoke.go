package workload

import (
	"context"
	"errors"
	"fmt"

	"github.com/yun-fc/yun/bench/internal/load"
	"github.com/yun-fc/yun/internal/client"
)

// Failure classes of requests that got no FC answer.
const (
	CodeTimeout   = "ClientTimeout"
	CodeTransport = "TransportError"
)

// maxValue bounds the part of an answer a Sample keeps.
const maxValue = 32

// Invoke returns a load.Do that invokes the function name with body through
// c, a signed InvokeFunction per request.
func Invoke(c *client.Client, name string, body []byte) load.Do {
	return func(ctx context.Context) load.Outcome {
		res, err := c.Invoke(ctx, name, client.InvokeOptions{Body: body})
		if err != nil {
			return Classify(ctx, err)
		}
		out := load.Outcome{Status: res.Status, Code: res.ErrorType}
		out.Value = string(res.Body[:min(len(res.Body), maxValue)])
		return out
	}
}

// Classify turns a failed call into an Outcome: FC's error code, an HTTP
// status when the body had none, or a transport failure class.
func Classify(ctx context.Context, err error) load.Outcome {
	var apiErr *client.Error
	switch {
	case errors.As(err, &apiErr) && apiErr.Code != "":
		return load.Outcome{Status: apiErr.Status, Code: apiErr.Code}
	case errors.As(err, &apiErr):
		return load.Outcome{Status: apiErr.Status, Code: fmt.Sprintf("HTTP%d", apiErr.Status)}
	case ctx.Err() != nil:
		return load.Outcome{Code: CodeTimeout}
	}
	return load.Outcome{Code: CodeTransport}
}
