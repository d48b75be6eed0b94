package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/store"
)

// Document kinds of layers.
const (
	kindLayer    = "layer"    // {layerName}/{version, zero-padded}: fc.Layer
	kindLayerSeq = "layerseq" // {layerName}: the last version handed out
)

func layerDocName(name string, version int) string { return fmt.Sprintf("%s/%010d", name, version) }

func (s *Server) layerRoutes() {
	p := "/2023-03-30"
	s.handle("POST "+p+"/layers/{layerName}/versions", s.createLayerVersion)
	s.handle("GET "+p+"/layers/{layerName}/versions", s.listLayerVersions)
	s.handle("GET "+p+"/layers/{layerName}/versions/{version}", s.getLayerVersion)
	s.handle("DELETE "+p+"/layers/{layerName}/versions/{version}", s.deleteLayerVersion)
	s.handle("GET "+p+"/layerarn/{arn}", s.getLayerVersionByArn)
	s.handle("GET "+p+"/layers", s.listLayers)
	s.handle("PUT "+p+"/layers/{layerName}/acl", s.putLayerACL)
}

// createLayerVersion validates the package like function code and publishes
// the layer's next version (versions are never reused).
func (s *Server) createLayerVersion(w http.ResponseWriter, r *http.Request) error {
	ctx, account, name := r.Context(), accountID(r.Context()), r.PathValue("layerName")
	if err := fc.ValidLayerName(name); err != nil {
		return err
	}
	var in fc.CreateLayerVersionInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if in.Code == nil {
		return fc.InvalidArgument("code is required: send code.zipFile (a base64 zip)")
	}
	if err := fc.ValidCompatibleRuntimes(in.CompatibleRuntime); err != nil {
		return err
	}
	pkg, err := checkCode(in.Code)
	if err != nil {
		return err
	}
	s.versionMu.Lock()
	defer s.versionMu.Unlock()
	s.codeRefs.RLock() // innermost: see Server.codeRefs
	defer s.codeRefs.RUnlock()
	if err := s.blobs.Put(ctx, pkg.checksum, pkg.data); err != nil {
		return fmt.Errorf("store layer %q: %w", name, err)
	}
	last, err := s.lastSeq(ctx, account, kindLayerSeq, name)
	if err != nil {
		return err
	}
	l := &fc.Layer{LayerName: name, Version: last + 1, LayerVersionArn: fc.LayerARN(s.cfg.Region, account, name, last+1),
		CompatibleRuntime: in.CompatibleRuntime, ACL: fc.LayerPrivate, CodeChecksum: pkg.checksum,
		CodeSize: int64(len(pkg.data)), CreateTime: s.now().UTC().Format(timeFormat)}
	if l.CompatibleRuntime == nil {
		l.CompatibleRuntime = []string{}
	}
	setIfString(&l.Description, in.Description)
	setIfString(&l.License, in.License)
	if err := s.putDoc(ctx, account, kindLayerSeq, name, map[string]int{"last": l.Version}); err != nil {
		return err
	}
	if err := s.putDoc(ctx, account, kindLayer, layerDocName(name, l.Version), l); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.withLocation(r, l))
	return nil
}

func setIfString(dst *string, src *string) {
	if src != nil {
		*dst = *src
	}
}

// withLocation adds the download link; it is not stored since it expires.
func (s *Server) withLocation(r *http.Request, l *fc.Layer) *fc.Layer {
	out := *l
	token := s.codeToken(l.CodeChecksum, s.now().Add(s.cfg.CodeURLTTL))
	out.Code = fc.OutputCodeLocation{Location: s.baseURL(r) + codePath + token, RepositoryType: "Yun"}
	return &out
}

// layer reads a layer version that the account may use: its own, or a
// public one of another account.
func (s *Server) layer(ctx context.Context, caller string, ref fc.LayerRef) (*fc.Layer, error) {
	what := fmt.Sprintf("'%s' version %d", ref.Name, ref.Version)
	d, err := s.store.GetDoc(ctx, ref.AccountID, kindLayer, layerDocName(ref.Name, ref.Version))
	if errors.Is(err, store.ErrNotFound) {
		return nil, fc.LayerNotFound(what)
	}
	if err != nil {
		return nil, err
	}
	l := new(fc.Layer)
	if err := json.Unmarshal(d.Value, l); err != nil {
		return nil, err
	}
	if ref.AccountID != caller && l.ACL != fc.LayerPublic {
		return nil, fc.LayerNotFound(what) // another account's private layer: not found, names do not leak
	}
	return l, nil
}

func (s *Server) getLayerVersion(w http.ResponseWriter, r *http.Request) error {
	v, err := strconv.Atoi(r.PathValue("version"))
	if err != nil || v < 1 {
		return fc.LayerNotFound(fmt.Sprintf("'%s' version %s", r.PathValue("layerName"), r.PathValue("version")))
	}
	account := accountID(r.Context())
	l, err := s.layer(r.Context(), account, fc.LayerRef{AccountID: account, Name: r.PathValue("layerName"), Version: v})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.withLocation(r, l))
	return nil
}

func (s *Server) getLayerVersionByArn(w http.ResponseWriter, r *http.Request) error {
	ref, err := fc.ParseLayerARN(r.PathValue("arn"))
	if err != nil {
		return err
	}
	l, err := s.layer(r.Context(), accountID(r.Context()), ref)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.withLocation(r, l))
	return nil
}

// deleteLayerVersion removes a version; functions that already list it keep
// running on the unpacked copy, and new functions can no longer use it.
func (s *Server) deleteLayerVersion(w http.ResponseWriter, r *http.Request) error {
	ctx, account, name := r.Context(), accountID(r.Context()), r.PathValue("layerName")
	v, err := strconv.Atoi(r.PathValue("version"))
	if err != nil || v < 1 {
		return fc.LayerNotFound(fmt.Sprintf("'%s' version %s", name, r.PathValue("version")))
	}
	l, err := s.layer(ctx, account, fc.LayerRef{AccountID: account, Name: name, Version: v})
	if err != nil {
		return err
	}
	if err := s.store.DeleteDoc(ctx, account, kindLayer, layerDocName(name, v)); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	s.collectCode(l.CodeChecksum)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// listLayerVersions pages by version: startVersion is the first to return,
// nextVersion the first of the next page.
func (s *Server) listLayerVersions(w http.ResponseWriter, r *http.Request) error {
	ctx, account, name := r.Context(), accountID(r.Context()), r.PathValue("layerName")
	p, err := parseList(r.URL.Query())
	if err != nil {
		return err
	}
	start := 1
	if v := r.URL.Query().Get("startVersion"); v != "" {
		if start, err = strconv.Atoi(v); err != nil || start < 1 {
			return fc.InvalidArgument("startVersion %q is invalid: a version number", v)
		}
	}
	docs, err := s.store.ListDocs(ctx, account, kindLayer, name+"/", layerDocName(name, start-1), p.limit+1)
	if err != nil {
		return err
	}
	out := &fc.ListLayerVersionOutput{Layers: []*fc.Layer{}}
	for _, d := range docs {
		l := new(fc.Layer)
		if err := json.Unmarshal(d.Value, l); err != nil {
			return err
		}
		out.Layers = append(out.Layers, s.withLocation(r, l))
	}
	if len(out.Layers) > p.limit {
		out.NextVersion = out.Layers[p.limit].Version
		out.Layers = out.Layers[:p.limit]
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// listLayers lists the newest version of each of the account's layers, or
// with public=true of every public layer.
func (s *Server) listLayers(w http.ResponseWriter, r *http.Request) error {
	ctx, account, q := r.Context(), accountID(r.Context()), r.URL.Query()
	p, err := parseList(q)
	if err != nil {
		return err
	}
	var docs []*store.Doc
	if q.Get("public") == "true" {
		docs, err = s.store.ListKind(ctx, kindLayer)
	} else {
		docs, err = s.store.ListDocs(ctx, account, kindLayer, p.prefix, "", 0)
	}
	if err != nil {
		return err
	}
	newest := map[string]*fc.Layer{} // "{account}/{name}" -> newest version
	var order []string
	for _, d := range docs {
		l := new(fc.Layer)
		if err := json.Unmarshal(d.Value, l); err != nil {
			return err
		}
		if (q.Get("public") == "true" && l.ACL != fc.LayerPublic) || !strings.HasPrefix(l.LayerName, p.prefix) {
			continue
		}
		key := d.AccountID + "/" + l.LayerName
		if newest[key] == nil {
			order = append(order, key)
		}
		newest[key] = l // docs come in version order
	}
	out := &fc.ListLayersOutput{Layers: []*fc.Layer{}}
	last := ""
	for _, key := range order { // sorted: documents come in key order
		if key <= p.startAfter {
			continue
		}
		if len(out.Layers) == p.limit {
			out.NextToken = nextToken(last)
			break
		}
		out.Layers = append(out.Layers, s.withLocation(r, newest[key]))
		last = key
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// putLayerACL makes every version of a layer public (acl=1 or public=true)
// or private again.
func (s *Server) putLayerACL(w http.ResponseWriter, r *http.Request) error {
	ctx, account, name, q := r.Context(), accountID(r.Context()), r.PathValue("layerName"), r.URL.Query()
	acl := fc.LayerPrivate
	if q.Get("acl") == fc.LayerPublic || q.Get("public") == "true" {
		acl = fc.LayerPublic
	}
	docs, err := s.store.ListDocs(ctx, account, kindLayer, name+"/", "", 0)
	if err != nil {
		return err
	}
	if len(docs) == 0 {
		return fc.LayerNotFound("'" + name + "'")
	}
	for _, d := range docs {
		l := new(fc.Layer)
		if err := json.Unmarshal(d.Value, l); err != nil {
			return err
		}
		l.ACL = acl
		if err := s.putDoc(ctx, account, kindLayer, d.Name, l); err != nil {
			return err
		}
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// functionLayers resolves the layer ARNs a function lists: at most
// fc.MaxLayers, each usable by the account and compatible with the runtime.
func (s *Server) functionLayers(ctx context.Context, account, runtime string, arns []string) ([]fc.FunctionLayer, error) {
	if len(arns) > fc.MaxLayers {
		return nil, fc.InvalidArgument("layers lists %d layers, at most %d are allowed", len(arns), fc.MaxLayers)
	}
	out := make([]fc.FunctionLayer, 0, len(arns))
	for _, arn := range arns {
		ref, err := fc.ParseLayerARN(arn)
		if err != nil {
			return nil, err
		}
		l, err := s.layer(ctx, account, ref)
		if err != nil {
			return nil, err
		}
		if !fc.LayerCompatible(l, runtime) {
			return nil, fc.InvalidArgument("layer %s is not compatible with runtime %s (it supports %v)", arn, runtime, l.CompatibleRuntime)
		}
		out = append(out, fc.FunctionLayer{Arn: arn, Size: l.CodeSize, CodeChecksum: l.CodeChecksum})
	}
	return out, nil
}

// fillLayerChecksums records the code package of each of f's layers that
// does not name it yet (functions saved by Yun before layers carried their
// checksum). A layer version deleted since then can no longer be found.
func (s *Server) fillLayerChecksums(ctx context.Context, account string, f *fc.Function) error {
	for i := range f.Layers {
		l := &f.Layers[i]
		if l.CodeChecksum != "" {
			continue
		}
		ref, err := fc.ParseLayerARN(l.Arn)
		if err != nil {
			return err
		}
		lv, err := s.layer(ctx, account, ref)
		if err != nil {
			return err
		}
		l.CodeChecksum = lv.CodeChecksum
	}
	return nil
}

// layerUsesCode says whether any layer version of any account refers to the
// code package.
func (s *Server) layerUsesCode(ctx context.Context, checksum string) (bool, error) {
	return s.docsUseCode(ctx, kindLayer, checksum, func(v []byte) ([]string, error) {
		var l struct {
			CodeChecksum string `json:"codeChecksum"`
		}
		err := json.Unmarshal(v, &l)
		return []string{l.CodeChecksum}, err
	})
}

// versionUsesCode says whether any published function version of any
// account refers to the code package, as its code or a layer's.
func (s *Server) versionUsesCode(ctx context.Context, checksum string) (bool, error) {
	return s.docsUseCode(ctx, kindVersion, checksum, func(v []byte) ([]string, error) {
		var vd versionDoc
		if err := json.Unmarshal(v, &vd); err != nil {
			return nil, err
		}
		return append(layerChecksums(vd.Function.Layers), vd.Function.CodeChecksum), nil
	})
}

// docsUseCode says whether a document of kind refers to checksum; uses lists
// the code packages one document refers to. Unreadable documents count as
// users, so a package is never deleted on a guess.
func (s *Server) docsUseCode(ctx context.Context, kind, checksum string, uses func([]byte) ([]string, error)) (bool, error) {
	docs, err := s.store.ListKind(ctx, kind)
	if err != nil {
		return false, err
	}
	for _, d := range docs {
		sums, err := uses(d.Value)
		if err != nil || slices.Contains(sums, checksum) {
			return true, nil
		}
	}
	return false, nil
}
