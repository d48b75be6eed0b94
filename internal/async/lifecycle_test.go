package async

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/yun-fc/yun/internal/fc"
)

func TestCloseDrainsRunningExecutions(t *testing.T) {
	gate := make(chan struct{})
	inv := newFake(blockUntil(gate))
	cfg := testConfig(t)
	s, err := New(cfg, inv, &fakeConfigs{}, testLogger(t))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	startService(t, s)
	submit(t, s, "fn", "t1", "p")
	eventually(t, "the execution to start", func() (bool, string) { return inv.count("fn", "t1") == 1, "not yet" })

	closed := make(chan error, 1)
	go func() { closed <- s.Close(context.Background()) }()
	eventually(t, "Submit refused while closing", func() (bool, string) {
		_, err := s.Submit(context.Background(), &Submission{AccountID: testAccount, Function: "fn"})
		return errors.Is(err, ErrClosed), "Submit answered " + errString(err)
	})
	close(gate) // the execution finishes; Close may complete
	if err := <-closed; err != nil {
		t.Errorf("Close: got %v, want nil after a full drain", err)
	}
	if err := s.Close(context.Background()); err != nil {
		t.Errorf("second Close: got %v, want the first's nil", err)
	}

	reopened := newService(t, cfg, inv, &fakeConfigs{}, false)
	task, err := reopened.GetTask(context.Background(), testAccount, "fn", "t1")
	if err != nil || task.Status != fc.AsyncSucceeded {
		t.Errorf("after reopening: got %v, %v; want the drained task Succeeded", task, err)
	}
}

func errString(err error) string {
	if err == nil {
		return "nil"
	}
	return err.Error()
}

func TestCloseDeadlineAbandonsToRunAgain(t *testing.T) {
	inv := newFake(blockUntil(nil)) // runs until cancelled
	cfg := testConfig(t)
	s, err := New(cfg, inv, &fakeConfigs{}, testLogger(t))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	startService(t, s)
	submit(t, s, "fn", "t1", "p")
	eventually(t, "the execution to start", func() (bool, string) { return inv.count("fn", "t1") == 1, "not yet" })
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := s.Close(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Close: got %v, want the deadline's error", err)
	}

	inv.behave = nil // the next run succeeds
	reopened := newService(t, cfg, inv, &fakeConfigs{}, true)
	task := waitStatus(t, reopened, "fn", "t1", fc.AsyncSucceeded)
	if n := inv.count("fn", "t1"); n != 2 {
		t.Errorf("got %d runs, want 2 (the abandoned one and its rerun)", n)
	}
	if task.AlreadyRetriedTimes != 0 {
		t.Errorf("got alreadyRetriedTimes %d, want 0: a rerun after a shutdown is not a retry", task.AlreadyRetriedTimes)
	}
}

func TestStartAfterCloseRefused(t *testing.T) {
	s, err := New(testConfig(t), newFake(nil), &fakeConfigs{}, testLogger(t))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if err := s.Close(context.Background()); err != nil {
		t.Fatalf("Close: %v", err)
	}
	wantFCError(t, s.Start(context.Background()), http.StatusServiceUnavailable, fc.CodeServiceUnavailable)
}

// TestExternalNATS runs the same code against a separate NATS server, as a
// cluster deployment does.
func TestExternalNATS(t *testing.T) {
	ns, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: server.RANDOM_PORT, JetStream: true,
		StoreDir: filepath.Join(t.TempDir(), "js"), NoSigs: true, NoLog: true})
	if err != nil {
		t.Fatalf("nats server: %v", err)
	}
	ns.Start()
	t.Cleanup(func() { ns.Shutdown(); ns.WaitForShutdown() })
	if !ns.ReadyForConnections(30 * time.Second) {
		t.Fatalf("nats server not ready")
	}
	cfg := testConfig(t)
	cfg.StoreDir, cfg.EmbeddedListen, cfg.NATSURL = "", "", ns.ClientURL()
	s := newService(t, cfg, newFake(failFirst(1)), &fakeConfigs{}, true)
	submit(t, s, "fn", "t1", "p")
	task := waitStatus(t, s, "fn", "t1", fc.AsyncSucceeded)
	if task.AlreadyRetriedTimes != 1 {
		t.Errorf("got alreadyRetriedTimes %d, want 1", task.AlreadyRetriedTimes)
	}
}
