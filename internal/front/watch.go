package front

import (
	"context"
	"errors"
	"os"
	"time"
)

type watcherKey struct{}

// Watcher returns, for a request the lean loop serves, a function that
// starts watching its client while the request waits: if the client
// closes the connection meanwhile, the request's context is cancelled.
// The returned stop ends the watch and must be called before the request
// goes on. It returns nil for other requests, whose context net/http
// already cancels when their client goes away.
func Watcher(ctx context.Context) func() (stop func()) {
	w, _ := ctx.Value(watcherKey{}).(*watcher)
	if w == nil {
		return nil
	}
	return w.start
}

// watcher reads ahead on a request's connection while the request waits,
// as net/http's background read does for every request.
type watcher struct {
	c      *conn
	body   *requestBody
	cancel context.CancelFunc
}

// aLongTimeAgo is a read deadline that ends a blocked read at once.
var aLongTimeAgo = time.Unix(1, 0)

// start watches the connection in a goroutine. Nothing can be watched
// while the request's body is unread (its bytes are not the client's
// next ones) or when the next request is already buffered (the client is
// there).
func (w *watcher) start() (stop func()) {
	c := w.c
	if !w.body.consumed() || c.br.Buffered() > 0 || c.r.hasByte {
		return func() {}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		var b [1]byte
		n, err := c.nc.Read(b[:])
		switch {
		case n == 1: // the client's next request: it is still there
			c.r.ahead, c.r.hasByte = b[0], true
		case err != nil && !errors.Is(err, os.ErrDeadlineExceeded):
			w.cancel()
		}
	}()
	return func() {
		c.nc.SetReadDeadline(aLongTimeAgo)
		<-done
		c.nc.SetReadDeadline(time.Time{})
		c.readDL = false
	}
}
