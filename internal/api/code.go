package api

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/yun-fc/yun/internal/blob"
	"github.com/yun-fc/yun/internal/fc"
)

// codePath serves code packages behind signed, expiring links, as FC hands
// out OSS links from GetFunctionCode.
const codePath = "/yun/code/"

// codePackage is a decoded and validated code.zipFile.
type codePackage struct {
	data     []byte
	checksum string
}

// checkCode decodes and validates an InputCodeLocation without storing it.
func checkCode(in *fc.InputCodeLocation) (*codePackage, error) {
	if in.OSSBucketName != "" || in.OSSObjectName != "" {
		return nil, fc.InvalidArgument("code.ossBucketName/ossObjectName are not supported by Yun: send the package as code.zipFile")
	}
	if in.ZipFile == "" {
		return nil, fc.InvalidArgument("code.zipFile is required")
	}
	if base64.StdEncoding.DecodedLen(len(in.ZipFile)) > fc.MaxZipFile+3 {
		return nil, codeTooLarge()
	}
	data, err := base64.StdEncoding.DecodeString(in.ZipFile)
	if err != nil {
		return nil, fc.InvalidArgument("code.zipFile is not valid base64: %v", err)
	}
	if len(data) > fc.MaxZipFile {
		return nil, codeTooLarge()
	}
	sum := blob.Checksum(data)
	if in.Checksum != "" && in.Checksum != sum {
		return nil, fc.InvalidArgument("code.checksum %s does not match the package's CRC-64 %s", in.Checksum, sum)
	}
	if _, err := blob.Inspect(data, blob.Limits{}); err != nil {
		return nil, err
	}
	return &codePackage{data: data, checksum: sum}, nil
}

func codeTooLarge() error {
	return fc.Errorf(http.StatusBadRequest, fc.CodeEntityTooLarge, "code.zipFile is larger than %d bytes once decoded", fc.MaxZipFile)
}

func (s *Server) getFunctionCode(w http.ResponseWriter, r *http.Request) error {
	res, err := s.resolve(r.Context(), accountID(r.Context()), r.PathValue("name"), r.URL.Query().Get("qualifier"))
	if err != nil {
		return err
	}
	f := res.fn
	token := s.codeToken(f.CodeChecksum, s.now().Add(s.cfg.CodeURLTTL))
	writeJSON(w, http.StatusOK, &fc.OutputFuncCode{URL: s.baseURL(r) + codePath + token, Checksum: f.CodeChecksum})
	return nil
}

// downloadCode serves a package to whoever holds a valid link.
func (s *Server) downloadCode(w http.ResponseWriter, r *http.Request) {
	checksum, err := s.checkCodeToken(r.PathValue("token"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	rc, err := s.blobs.Open(r.Context(), checksum)
	if err != nil {
		if errors.Is(err, blob.ErrNotFound) {
			err = fc.Errorf(http.StatusNotFound, "CodeNotFound", "the code package no longer exists")
		}
		s.writeError(w, r, err)
		return
	}
	defer rc.Close()
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("x-fc-code-checksum", checksum)
	io.Copy(w, rc)
}

// codeToken is hex(checksum) "." hex(expiry) "." hex(hmac).
func (s *Server) codeToken(checksum string, expiry time.Time) string {
	var exp [8]byte
	binary.BigEndian.PutUint64(exp[:], uint64(expiry.Unix()))
	payload := checksum + "." + hex.EncodeToString(exp[:])
	return payload + "." + s.codeMAC(payload)
}

func (s *Server) codeMAC(payload string) string {
	m := hmac.New(sha256.New, s.cfg.CodeURLKey)
	m.Write([]byte(payload))
	return hex.EncodeToString(m.Sum(nil))
}

func (s *Server) checkCodeToken(token string) (string, error) {
	denied := fc.Errorf(http.StatusForbidden, fc.CodeAccessDenied, "the code link is invalid or has expired")
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return "", denied
	}
	payload := parts[0] + "." + parts[1]
	if !hmac.Equal([]byte(parts[2]), []byte(s.codeMAC(payload))) {
		return "", denied
	}
	exp, err := hex.DecodeString(parts[1])
	if err != nil || len(exp) != 8 || s.now().Unix() > int64(binary.BigEndian.Uint64(exp)) {
		return "", denied
	}
	return parts[0], nil
}

// baseURL is where clients reach this server.
func (s *Server) baseURL(r *http.Request) string {
	if s.cfg.PublicURL != "" {
		return strings.TrimSuffix(s.cfg.PublicURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// newFunctionID makes a UUID-shaped random id.
func newFunctionID() string {
	b := randomBytes(16)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

func contextWithTimeout(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), d)
}
