package acs3

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// grammarRE is the Authorization grammar as fc3-api.md §5 writes it: the
// oracle splitAuthorization must agree with.
var grammarRE = regexp.MustCompile(`^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]{64})$`)

func FuzzSplitAuthorization(f *testing.F) {
	sig := strings.Repeat("ab", 32)
	for _, seed := range []string{
		"ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=host;x-acs-date,Signature=" + sig,
		"ACS3-HMAC-SHA256 Credential=A,K,SignedHeaders=host,Signature=" + sig,
		"ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=host,Signature=" + sig + "0",
		"ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=,Signature=" + sig,
		"ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=a,Signature=x,Signature=" + sig,
		"ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=host,Signature=" + strings.ToUpper(sig),
		"",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, header string) {
		if got, want := splitAuthorization(header), grammarRE.FindStringSubmatch(header); !reflect.DeepEqual(got, want) {
			t.Errorf("splitAuthorization(%q) = %q, the grammar says %q", header, got, want)
		}
	})
}
