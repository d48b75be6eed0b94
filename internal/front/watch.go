package front

import (
	"context"
	"errors"
	"os"
	"sync"
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
// as net/http's background read does for every request. Its mutex orders
// start, stop and end, from whatever goroutines they come.
type watcher struct {
	c      *conn
	body   *requestBody
	cancel context.CancelFunc

	mu    sync.Mutex
	state int           // watchIdle, watchOn or watchEnded
	gen   int           // counts the watches, so that a stale stop does nothing
	done  chan struct{} // closed when the reading goroutine is done
}

const (
	watchIdle  = iota
	watchOn    // a goroutine reads ahead
	watchEnded // the request is over: the connection is the loop's again
)

// aLongTimeAgo is a read deadline that ends a blocked read at once.
var aLongTimeAgo = time.Unix(1, 0)

// start watches the connection in a goroutine. Nothing is watched while
// the request's body is unread (its bytes are not the client's next
// ones), when the next request is already buffered (the client is there),
// while another watch runs, or after the request ended.
func (w *watcher) start() (stop func()) {
	w.mu.Lock()
	defer w.mu.Unlock()
	c := w.c
	if w.state != watchIdle || !w.body.consumed() || c.br.Buffered() > 0 || c.r.hasByte {
		return func() {}
	}
	w.state, w.done = watchOn, make(chan struct{})
	w.gen++
	gen, done := w.gen, w.done
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
		w.mu.Lock()
		defer w.mu.Unlock()
		if w.state == watchOn && w.gen == gen {
			w.halt()
			w.state = watchIdle
		}
	}
}

// halt ends the reading goroutine and waits for it; w.mu is held.
func (w *watcher) halt() {
	w.c.nc.SetReadDeadline(aLongTimeAgo)
	<-w.done
	w.c.nc.SetReadDeadline(w.c.readDL) // the handler's, if it set one
}

// end refuses later watches, and halts one the handler left running: the
// request is over, the connection is the loop's again.
func (w *watcher) end() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.state == watchOn {
		w.halt()
	}
	w.state = watchEnded
}
