package async

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"
)

// errNoTask: the bucket has no record under the key.
var errNoTask = errors.New("no task record")

// errNoChange, returned by an update's change function, leaves the record as
// it is.
var errNoChange = errors.New("no change")

// maxConflicts bounds the compare-and-set rounds of one update. Only the
// executor and StopAsyncTask write a record at the same time, so a few
// rounds always suffice.
const maxConflicts = 16

// taskStore keeps task records in the KV bucket. Every change is a
// compare-and-set on the record's revision, so transitions made by the
// executor and by StopAsyncTask (on any node) are linearized.
type taskStore struct {
	kv jetstream.KeyValue
}

func (s *taskStore) get(ctx context.Context, key string) (*record, uint64, error) {
	e, err := s.kv.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return nil, 0, errNoTask
	}
	if err != nil {
		return nil, 0, fmt.Errorf("task %s: %w", key, err)
	}
	r := new(record)
	if err := json.Unmarshal(e.Value(), r); err != nil {
		return nil, 0, fmt.Errorf("task %s: decode: %w", key, err)
	}
	return r, e.Revision(), nil
}

// create stores a new record; it fails with jetstream.ErrKeyExists if the key
// has one.
func (s *taskStore) create(ctx context.Context, key string, r *record) error {
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("task %s: encode: %w", key, err)
	}
	if _, err := s.kv.Create(ctx, key, b); err != nil {
		return fmt.Errorf("task %s: create: %w", key, err)
	}
	return nil
}

// update applies change to the current record and stores the result, again
// on a conflicting write. It returns the record as stored (or as found, when
// change answers errNoChange). Other errors of change are returned as they are.
func (s *taskStore) update(ctx context.Context, key string, change func(*record) error) (*record, error) {
	for range maxConflicts {
		r, rev, err := s.get(ctx, key)
		if err != nil {
			return nil, err
		}
		switch err := change(r); {
		case errors.Is(err, errNoChange):
			return r, nil
		case err != nil:
			return r, err
		}
		b, err := json.Marshal(r)
		if err != nil {
			return nil, fmt.Errorf("task %s: encode: %w", key, err)
		}
		_, err = s.kv.Update(ctx, key, b, rev)
		if errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("task %s: update: %w", key, err)
		}
		return r, nil
	}
	return nil, fmt.Errorf("task %s: update: %d conflicting writes in a row", key, maxConflicts)
}

// putBlob stores a payload or result beside the record.
func (s *taskStore) putBlob(ctx context.Context, key, suffix string, data []byte) error {
	if _, err := s.kv.Put(ctx, key+suffix, data); err != nil {
		return fmt.Errorf("task %s: put %s: %w", key, suffix, err)
	}
	return nil
}

// blob returns a payload or result; nil when there is none.
func (s *taskStore) blob(ctx context.Context, key, suffix string) ([]byte, error) {
	e, err := s.kv.Get(ctx, key+suffix)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("task %s: get %s: %w", key, suffix, err)
	}
	return e.Value(), nil
}

// list returns every record of the function (not their payloads), read in
// one pass over the bucket's subjects.
func (s *taskStore) list(ctx context.Context, f fnRef) ([]*record, error) {
	w, err := s.kv.Watch(ctx, f.keyFilter(), jetstream.IgnoreDeletes())
	if err != nil {
		return nil, fmt.Errorf("tasks of %s: watch: %w", f, err)
	}
	defer w.Stop()
	var out []*record
	for {
		select {
		case e := <-w.Updates():
			if e == nil {
				return out, nil
			}
			r := new(record)
			if err := json.Unmarshal(e.Value(), r); err != nil {
				return nil, fmt.Errorf("task %s: decode: %w", e.Key(), err)
			}
			out = append(out, r)
		case <-ctx.Done():
			return nil, fmt.Errorf("tasks of %s: %w", f, ctx.Err())
		}
	}
}
