package process_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/sandbox"
	"github.com/yun-fc/yun/internal/sandbox/process"
)

// threadCount is this process's number of OS threads.
func threadCount(t *testing.T) int {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "Threads:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(v))
			return n
		}
	}
	t.Fatal("no Threads: line in /proc/self/status")
	return 0
}

// TestDialHoldsNoThread: a custom runtime that listens but never accepts
// makes every further connection to it wait in connect. The waits must not
// each hold an OS thread of Yun's (Go ends a process past 10,000 threads):
// only the socket is made on a thread in the jail's namespace.
func TestDialHoldsNoThread(t *testing.T) {
	e := newEngine(t, process.IsolationSandbox)
	code := t.TempDir()
	src := "#!/usr/bin/python3\nimport socket, time, os\ns = socket.socket()\ns.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n" +
		"s.bind(('127.0.0.1', int(os.environ['FC_CUSTOM_LISTEN_PORT'])))\ns.listen(0)\ntime.sleep(3600)\n"
	if err := os.WriteFile(filepath.Join(code, "bootstrap"), []byte(src), 0o555); err != nil {
		t.Fatal(err)
	}
	inst := startSpec(t, e, &sandbox.Spec{Runtime: "custom.debian12", Handler: "x", CodeDir: code, MemoryMB: 128,
		Timeout: 10 * time.Second})
	before := threadCount(t)
	var peak atomic.Int64
	stop, sampled := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
				if n := int64(threadCount(t)); n > peak.Load() {
					peak.Store(n)
				}
			}
		}
	}()
	const calls = 100
	var wg sync.WaitGroup
	var failed atomic.Int64
	for i := range calls {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			defer cancel()
			res, err := inst.Invoke(ctx, &sandbox.Invocation{RequestID: "r" + strconv.Itoa(i), Body: []byte("{}")})
			if err != nil || res.ErrorType != "" {
				failed.Add(1)
			}
		})
	}
	wg.Wait()
	close(stop)
	<-sampled
	t.Logf("threads: %d before, peak %d during %d invocations (%d failed, as they must)", before, peak.Load(), calls, failed.Load())
	if failed.Load() != calls {
		t.Errorf("%d of %d invocations of a runtime that never answers succeeded", calls-failed.Load(), calls)
	}
	if grew := peak.Load() - int64(before); grew > 30 {
		t.Errorf("%d invocations waiting to connect took %d more OS threads", calls, grew)
	}
}
