package api

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/yun-fc/yun/internal/store"
)

// putDoc stores v as a JSON document.
func (s *Server) putDoc(ctx context.Context, account, kind, name string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return s.store.PutDoc(ctx, &store.Doc{AccountID: account, Kind: kind, Name: name, Value: b})
}

// deleteDocs removes every document of a kind whose name starts with
// prefix, as when a function goes away with its configs.
func (s *Server) deleteDocs(ctx context.Context, account, kind, prefix string) error {
	docs, err := s.store.ListDocs(ctx, account, kind, prefix, "", 0)
	if err != nil {
		return err
	}
	for _, d := range docs {
		if err := ignoreNotFound(s.store.DeleteDoc(ctx, account, kind, d.Name)); err != nil {
			return err
		}
	}
	return nil
}

// lastSeq reads a sequence document (version and layer ids, never reused);
// a missing one is 0.
func (s *Server) lastSeq(ctx context.Context, account, kind, name string) (int, error) {
	d, err := s.store.GetDoc(ctx, account, kind, name)
	if errors.Is(err, store.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	var seq struct{ Last int }
	return seq.Last, json.Unmarshal(d.Value, &seq)
}

func ignoreNotFound(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}
