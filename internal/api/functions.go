package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"

	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/store"
)

// timeFormat is FC's ISO-8601 UTC time.
const timeFormat = "2006-01-02T15:04:05Z"

func (s *Server) createFunction(w http.ResponseWriter, r *http.Request) error {
	ctx, account := r.Context(), accountID(r.Context())
	var in fc.FunctionInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	var f fc.Function
	if err := fc.Apply(&f, &in, true); err != nil {
		return err
	}
	if in.Code == nil {
		return fc.InvalidArgument("code is required: send code.zipFile (a base64 zip)")
	}
	pkg, err := checkCode(in.Code)
	if err != nil {
		return err
	}
	f.CodeChecksum, f.CodeSize = pkg.checksum, int64(len(pkg.data))
	if err := fc.Validate(&f, s.runtimes); err != nil {
		return err
	}
	if err := checkKeepAliveTag(&f); err != nil {
		return err
	}
	if in.Layers != nil {
		if f.Layers, err = s.functionLayers(ctx, account, f.Runtime, in.Layers); err != nil {
			return err
		}
	}
	l := s.functionLocks.of(account, f.FunctionName) // not while a function of this name is being deleted
	l.RLock()
	defer l.RUnlock()
	if _, err := s.store.GetFunction(ctx, account, f.FunctionName); err == nil {
		return functionExists(f.FunctionName)
	}
	if err := s.checkFunctionQuota(ctx, account); err != nil {
		return err
	}
	s.codeRefs.RLock()
	defer s.codeRefs.RUnlock()
	if err := s.blobs.Put(ctx, pkg.checksum, pkg.data); err != nil {
		return fmt.Errorf("store code of %q: %w", f.FunctionName, err)
	}
	now := s.now().UTC().Format(timeFormat)
	f.FunctionID = newFunctionID()
	f.FunctionArn = fc.FunctionARN(s.cfg.Region, account, f.FunctionName)
	f.State, f.LastUpdateStatus = fc.StateActive, fc.UpdateSuccessful
	f.CreatedTime, f.LastModifiedTime = now, now
	if err := s.store.CreateFunction(ctx, account, &f); err != nil {
		if errors.Is(err, store.ErrExists) {
			return functionExists(f.FunctionName)
		}
		return err
	}
	s.resolved.dropPrefix(qualifiedKey(account, f.FunctionName, ""))
	writeJSON(w, http.StatusOK, &f)
	return nil
}

func (s *Server) getFunction(w http.ResponseWriter, r *http.Request) error {
	res, err := s.resolve(r.Context(), accountID(r.Context()), r.PathValue("name"), r.URL.Query().Get("qualifier"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res.fn)
	return nil
}

func (s *Server) updateFunction(w http.ResponseWriter, r *http.Request) error {
	ctx, account, name := r.Context(), accountID(r.Context()), r.PathValue("name")
	var in fc.FunctionInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	var pkg *codePackage
	if in.Code != nil {
		var err error
		if pkg, err = checkCode(in.Code); err != nil {
			return err
		}
	}
	var layers []fc.FunctionLayer
	if in.Layers != nil {
		cur, err := s.store.GetFunction(ctx, account, name)
		if err != nil {
			return notFound(name, err)
		}
		runtime := cur.Runtime
		if in.Runtime != nil {
			runtime = *in.Runtime
		}
		if layers, err = s.functionLayers(ctx, account, runtime, in.Layers); err != nil {
			return err
		}
	}
	var replaced string // the code package the update replaces
	update := func(f *fc.Function) error {
		replaced = f.CodeChecksum
		if err := fc.Apply(f, &in, false); err != nil {
			return err
		}
		if in.Layers != nil {
			f.Layers = layers
		}
		if pkg != nil {
			f.CodeChecksum, f.CodeSize = pkg.checksum, int64(len(pkg.data))
		}
		if err := fc.Validate(f, s.runtimes); err != nil {
			return err
		}
		if err := checkKeepAliveTag(f); err != nil {
			return err
		}
		f.LastModifiedTime = s.now().UTC().Format(timeFormat)
		f.LastUpdateStatus = fc.UpdateSuccessful
		return nil
	}
	// Dry run first, so that bad input stores no code package.
	current, err := s.store.GetFunction(ctx, account, name)
	if err != nil {
		return notFound(name, err)
	}
	if err := update(current); err != nil {
		return err
	}
	f, err := s.storeUpdate(ctx, account, name, pkg, update)
	if err != nil {
		return err
	}
	s.resolved.dropPrefix(qualifiedKey(account, name, fc.Latest))
	s.sched.RetireKeys(qualifiedKey(account, name, fc.Latest) + "/")
	if pkg != nil && replaced != pkg.checksum {
		s.collectCode(replaced)
	}
	writeJSON(w, http.StatusOK, f)
	return nil
}

// storeUpdate stores the update's code package, if any, and then the
// updated function, holding codeRefs between the two.
func (s *Server) storeUpdate(ctx context.Context, account, name string, pkg *codePackage, update func(*fc.Function) error) (*fc.Function, error) {
	s.codeRefs.RLock()
	defer s.codeRefs.RUnlock()
	if pkg != nil {
		if err := s.blobs.Put(ctx, pkg.checksum, pkg.data); err != nil {
			return nil, fmt.Errorf("store code of %q: %w", name, err)
		}
	}
	f, err := s.store.UpdateFunction(ctx, account, name, update)
	return f, notFound(name, err)
}

func (s *Server) deleteFunction(w http.ResponseWriter, r *http.Request) error {
	ctx, account, name := r.Context(), accountID(r.Context()), r.PathValue("name")
	f, err := s.store.GetFunction(ctx, account, name)
	if err != nil {
		return notFound(name, err)
	}
	code, err := s.versionsCode(ctx, account, name)
	if err != nil {
		return err
	}
	if err := s.deleteVersionsAndAliases(ctx, account, name); err != nil {
		return err
	}
	if err := s.deleteAsyncConfigs(ctx, account, name); err != nil {
		return err
	}
	if err := s.deleteTriggers(ctx, account, name); err != nil {
		return err
	}
	if err := s.store.DeleteFunction(ctx, account, name); err != nil {
		return notFound(name, err)
	}
	s.resolved.dropPrefix(qualifiedKey(account, name, ""))
	s.sched.Retire(cacheKey(account, name))
	s.dropScaling(account, name)
	for _, sum := range slices.Compact(slices.Sorted(slices.Values(append(code, f.CodeChecksum)))) {
		s.collectCode(sum)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// cacheKey names a function across the scheduler: {account}/{name}.
func cacheKey(account, name string) string { return account + "/" + name }

// collectCode deletes a code package that no function, version or layer
// refers to any more. A failure only leaves an unused file behind, so it is logged,
// not returned.
func (s *Server) collectCode(checksum string) {
	ctx, cancel := contextWithTimeout(10 * time.Second)
	defer cancel()
	s.codeRefs.Lock() // no package is between being stored and being referred to
	defer s.codeRefs.Unlock()
	inUse, err := s.store.CodeInUse(ctx, checksum)
	if err == nil && !inUse {
		inUse, err = s.layerUsesCode(ctx, checksum)
	}
	if err == nil && !inUse {
		inUse, err = s.versionUsesCode(ctx, checksum)
	}
	if err == nil && !inUse {
		err = s.blobs.Delete(ctx, checksum)
	}
	if err != nil {
		s.log.Warn("collect unused code package", "checksum", checksum, "err", err)
	}
}

// notFound turns the store's not-found into FC's FunctionNotFound.
func notFound(name string, err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return fc.FunctionNotFound(name)
	}
	return err
}

func functionExists(name string) error {
	return fc.Errorf(http.StatusConflict, fc.CodeFunctionAlreadyExists, "function '%s' already exists", name)
}

// checkQualifier checks that a qualifier is well formed: LATEST, a version
// id or an alias name. Whether it exists is resolve's business.
func checkQualifier(q string) error {
	if q == "" || q == fc.Latest || fc.IsVersionID(q) || fc.ValidAliasName(q) == nil {
		return nil
	}
	return fc.InvalidArgument("qualifier %q is invalid: LATEST, a version id or an alias name", q)
}

// decodeJSON decodes a JSON request body strictly enough to catch wrong
// types, and names the offending field. An empty body decodes as {}.
func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			// No body at all: the SDK sends none when every field of the
			// request body is unset. Handlers check what they require.
			return nil
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return fc.InvalidArgument("field %s has the wrong type: got %s, want %s", te.Field, te.Value, te.Type)
		}
		return fc.InvalidArgument("request body is not valid JSON: %v", err)
	}
	if dec.More() {
		return fc.InvalidArgument("request body has trailing data after the JSON object")
	}
	return nil
}

// checkFunctionQuota refuses a new function beyond the account's quota.
func (s *Server) checkFunctionQuota(ctx context.Context, account string) error {
	a, err := s.account(ctx, account)
	if err != nil {
		return err
	}
	max := a.Limits.Or(s.cfg.Limits).MaxFunctions
	fns, err := s.store.ListFunctions(ctx, account, "", "", max)
	if err != nil {
		return err
	}
	if len(fns) >= max {
		return fc.Errorf(http.StatusBadRequest, "LimitExceededError", "account '%s' has %d functions, its quota", account, max)
	}
	return nil
}
