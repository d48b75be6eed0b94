package api

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/blob"
	"github.com/yun-fc/yun/internal/client"
	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/store"
)

// Tests of management writes that race: each hooks the store or the blob
// store at the point where another request can arrive, starts that request
// there, and gives it the time to finish (raceWindow) before going on.
// Without the ordering under test the other request completes in the
// window and leaves the wrong state; with it, it waits.

const raceWindow = 200 * time.Millisecond

// during runs req in its own goroutine and waits raceWindow for it; the
// returned wait gives its error once it ended.
func during(req func() error) (wait func() error) {
	done := make(chan error, 1)
	go func() { done <- req() }()
	select {
	case err := <-done:
		return func() error { return err }
	case <-time.After(raceWindow):
		return func() error { return <-done }
	}
}

// putHookBlobs runs afterPut once, right after a Put of a package.
type putHookBlobs struct {
	blob.Store
	once     sync.Once
	afterPut func()
}

func (b *putHookBlobs) Put(ctx context.Context, sum string, data []byte) error {
	err := b.Store.Put(ctx, sum, data)
	b.once.Do(b.afterPut)
	return err
}

// TestCodeStoredWhileCollected: function b is created with the same code as
// a while a is deleted, between b's storing the package and b's record.
// The collector of a's delete must not take the package from under b.
func TestCodeStoredWhileCollected(t *testing.T) {
	f := newWebFixture(t)
	f.createFunction("a", "nodejs20")
	ctx := context.Background()
	a, err := f.api.GetFunction(ctx, "a", "")
	if err != nil {
		t.Fatal(err)
	}
	var wait func() error
	hb := &putHookBlobs{Store: f.srv.blobs}
	hb.afterPut = func() { wait = during(func() error { return f.api.DeleteFunction(ctx, "a") }) }
	f.srv.blobs = hb
	f.createFunction("b", "nodejs20") // the same zip as a
	if err := wait(); err != nil {
		t.Fatalf("delete a: %v", err)
	}
	b, err := f.api.GetFunction(ctx, "b", "")
	if err != nil {
		t.Fatal(err)
	}
	if b.CodeChecksum != a.CodeChecksum {
		t.Fatalf("fixture: checksums differ %s %s", a.CodeChecksum, b.CodeChecksum)
	}
	if _, err := hb.Size(ctx, b.CodeChecksum); err != nil {
		t.Fatalf("function b refers to code %s, but the package is gone: %v", b.CodeChecksum, err)
	}
}

// TestReplacedCodeIsCollected: after deploy, publish, redeploy and delete,
// no package is left: the one a redeploy replaced is collected once the
// version that still held it goes with the function.
func TestReplacedCodeIsCollected(t *testing.T) {
	f := newWebFixture(t)
	ctx := context.Background()
	f.createFunction("a", "nodejs20")
	first, err := f.api.GetFunction(ctx, "a", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.do("POST", "/functions/a/versions", map[string]any{}, nil); err != nil {
		t.Fatal(err)
	}
	in := &fc.FunctionInput{Code: &fc.InputCodeLocation{ZipFile: zipOf(t, "exports.handler = async () => 2;\n")}}
	second, err := f.api.UpdateFunction(ctx, "a", in)
	if err != nil {
		t.Fatal(err)
	}
	if second.CodeChecksum == first.CodeChecksum {
		t.Fatal("fixture: same package")
	}
	if _, err := f.srv.blobs.Size(ctx, first.CodeChecksum); err != nil {
		t.Fatalf("the package version 1 still uses was collected: %v", err)
	}
	third, err := f.api.UpdateFunction(ctx, "a", &fc.FunctionInput{
		Code: &fc.InputCodeLocation{ZipFile: zipOf(t, "exports.handler = async () => 3;\n")}})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := f.srv.blobs.Size(ctx, second.CodeChecksum); err == nil {
		t.Errorf("package %s (%d bytes), replaced and used by nothing, is still stored", second.CodeChecksum, n)
	}
	if err := f.api.DeleteFunction(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	for _, sum := range []string{first.CodeChecksum, third.CodeChecksum} {
		if n, err := f.srv.blobs.Size(ctx, sum); err == nil {
			t.Errorf("package %s (%d bytes) of the deleted function and its version is still stored", sum, n)
		}
	}
}

func zipOf(t *testing.T, src string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create("index.js")
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, src)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}

// hookStore runs hook once, when armed, at the store call named at
// ("GetAccessKey AKWEB2", "GetAccount 1002", "GetFunction a",
// "DeleteFunction a"): right after a read has read the store (between a
// cache miss's read and its fill, say), just before a delete.
type hookStore struct {
	store.Store
	at    string
	armed atomic.Bool
	hook  func()
}

func (s *hookStore) fire(call string) {
	if call == s.at && s.armed.CompareAndSwap(true, false) {
		s.hook()
	}
}

func (s *hookStore) GetAccessKey(ctx context.Context, id string) (*store.AccessKey, error) {
	k, err := s.Store.GetAccessKey(ctx, id)
	s.fire("GetAccessKey " + id)
	return k, err
}

func (s *hookStore) GetAccount(ctx context.Context, id string) (*store.Account, error) {
	a, err := s.Store.GetAccount(ctx, id)
	s.fire("GetAccount " + id)
	return a, err
}

func (s *hookStore) GetFunction(ctx context.Context, account, name string) (*fc.Function, error) {
	f, err := s.Store.GetFunction(ctx, account, name)
	s.fire("GetFunction " + name)
	return f, err
}

func (s *hookStore) DeleteFunction(ctx context.Context, account, name string) error {
	s.fire("DeleteFunction " + name) // after deleteFunction removed the function's versions, aliases, configs and triggers
	return s.Store.DeleteFunction(ctx, account, name)
}

// TestDeleteFunctionOrdersChildWrites: a version published and a trigger
// created while the function is being deleted either come before the
// delete (and go with it) or after (and find no function); none is left
// for a new function of the same name to inherit.
func TestDeleteFunctionOrdersChildWrites(t *testing.T) {
	f := newWebFixture(t)
	ctx := context.Background()
	f.createFunction("a", "nodejs20")
	var publish, trigger func() error
	hs := &hookStore{Store: f.srv.store, at: "DeleteFunction a"}
	hs.hook = func() {
		publish = during(func() error { return f.do("POST", "/functions/a/versions", map[string]any{"description": "old"}, nil) })
		trigger = during(func() error {
			_, err := f.createTrigger("a", map[string]any{"triggerName": "tick", "triggerType": "timer",
				"triggerConfig": `{"cronExpression":"@every 1m","enable":true}`})
			return err
		})
	}
	f.srv.store = hs
	hs.armed.Store(true)
	if err := f.api.DeleteFunction(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	for what, wait := range map[string]func() error{"publish": publish, "trigger": trigger} {
		var ce *client.Error
		if err := wait(); !errors.As(err, &ce) || ce.Status != http.StatusNotFound {
			t.Errorf("%s during the delete: got %v, want 404 once the delete is done", what, err)
		}
	}
	f.createFunction("a", "nodejs20") // a new function
	var vs fc.ListVersionsOutput
	if err := f.do("GET", "/functions/a/versions", nil, &vs); err != nil {
		t.Fatal(err)
	}
	var ts fc.ListTriggersOutput
	if err := f.do("GET", "/functions/a/triggers", nil, &ts); err != nil {
		t.Fatal(err)
	}
	if len(vs.Versions) != 0 || len(ts.Triggers) != 0 {
		t.Errorf("the new function 'a' inherited %d versions and %d triggers of the deleted one",
			len(vs.Versions), len(ts.Triggers))
	}
}

// TestDisabledDuringItsLookupStaysDisabled: a key, or an account, disabled
// while a request of it is being authenticated must not come back enabled
// from that request's cache fill.
func TestDisabledDuringItsLookupStaysDisabled(t *testing.T) {
	for _, tc := range []struct {
		name, at, action, path string
		disabled               func(st store.Store) (bool, error) // in the store
	}{
		{"key", "GetAccessKey AKWEB2", "UpdateKey", "/keys/AKWEB2", func(st store.Store) (bool, error) {
			k, err := st.GetAccessKey(context.Background(), "AKWEB2")
			return err == nil && k.Disabled, err
		}},
		{"account", "GetAccount 1002", "UpdateAccount", "/accounts/1002", func(st store.Store) (bool, error) {
			a, err := st.GetAccount(context.Background(), "1002")
			return err == nil && a.Disabled, err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newWebFixture(t)
			ctx := context.Background()
			st := f.srv.store
			makeAdmin(t, st, "1001")
			hs := &hookStore{Store: st, at: tc.at}
			hs.hook = func() {
				op := client.Op{Action: tc.action, Method: "PUT", Prefix: client.AdminPrefix, Path: tc.path}
				if err := f.api.Do(ctx, op, map[string]any{"disabled": true}, nil); err != nil {
					t.Errorf("disable %s: %v", tc.path, err)
				}
			}
			f.srv.store = hs
			other := client.New(f.url, "AKWEB2", "secret-2") // account 1002's key
			hs.armed.Store(true)
			other.ListFunctions(ctx, client.ListOptions{}) // authenticated while it is disabled
			if disabled, err := tc.disabled(st); !disabled {
				t.Fatalf("fixture: %s not disabled in the store (%v)", tc.path, err)
			}
			if _, err := other.ListFunctions(ctx, client.ListOptions{}); err == nil {
				t.Errorf("a request of the disabled %s succeeded after the update returned", tc.path)
			}
		})
	}
}

func makeAdmin(t *testing.T, st store.Store, id string) {
	t.Helper()
	a, err := st.GetAccount(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	a.Admin = true
	if err := st.PutAccount(context.Background(), a); err != nil {
		t.Fatal(err)
	}
}

// TestPublishWhileTheCodeIsReplaced: a version published while an update
// replaces LATEST's code snapshots the old code; the update must not collect
// that package before the version refers to it.
func TestPublishWhileTheCodeIsReplaced(t *testing.T) {
	f := newWebFixture(t)
	ctx := context.Background()
	f.createFunction("a", "nodejs20")
	old, err := f.api.GetFunction(ctx, "a", "")
	if err != nil {
		t.Fatal(err)
	}
	var wait func() error
	hs := &hookStore{Store: f.srv.store, at: "GetFunction a"}
	hs.hook = func() {
		wait = during(func() error {
			_, err := f.api.UpdateFunction(ctx, "a", &fc.FunctionInput{
				Code: &fc.InputCodeLocation{ZipFile: zipOf(t, "exports.handler = async () => 2;\n")}})
			return err
		})
	}
	f.srv.store = hs
	hs.armed.Store(true)
	var v fc.Version
	if err := f.do("POST", "/functions/a/versions", map[string]any{}, &v); err != nil {
		t.Fatal(err)
	}
	if err := wait(); err != nil {
		t.Fatalf("update: %v", err)
	}
	if _, err := f.srv.blobs.Size(ctx, old.CodeChecksum); err != nil {
		t.Errorf("version %s refers to code %s, but the package is gone: %v", v.VersionID, old.CodeChecksum, err)
	}
}
