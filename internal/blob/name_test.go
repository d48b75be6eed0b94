package blob

import (
	"strings"
	"testing"
)

func TestCleanName(t *testing.T) {
	tests := []struct {
		raw, want, err string
	}{
		{raw: "a.js", want: "a.js"},
		{raw: "./a/./b//c/", want: "a/b/c"},
		{raw: `a\b\c.js`, want: "a/b/c.js"},
		{raw: "./", want: ""},
		{raw: "a..b/..c", want: "a..b/..c"},
		{raw: "..", err: "escapes"},
		{raw: "a/..", err: "escapes"},
		{raw: `a\..`, err: "escapes"},
		{raw: "/a", err: "absolute"},
		{raw: `\a`, err: "absolute"},
		{raw: "Z:/a", err: "absolute"},
		{raw: "", err: "empty name"},
		{raw: strings.Repeat("a/", 2048), err: "longer than 4095"},
	}
	for _, tc := range tests {
		t.Run(tc.raw, func(t *testing.T) {
			got, err := cleanName(tc.raw)
			checkClean(t, got, err, tc.want, tc.err)
		})
	}
}

func TestCleanLinkTarget(t *testing.T) {
	tests := []struct {
		name, target, want, err string
	}{
		{name: "l", target: "a.js", want: "a.js"},
		{name: "l", target: "./", want: "."},
		{name: "a/b/l", target: "../../c", want: "../../c"},
		{name: "a/l", target: `..\c\d`, want: "../c/d"},
		{name: "a/l", target: "../../c", err: "escapes"},
		{name: "l", target: "..", err: "escapes"},
		{name: "a/l", target: "b/../..", err: `".." after a name`},
		{name: "a/l", target: "b/..", err: `".." after a name`},
		{name: "l", target: "/", err: "absolute"},
		{name: "l", target: "c:", err: "absolute"},
		{name: "l", target: "", err: "empty"},
		{name: "l", target: "a\x00", err: "NUL"},
	}
	for _, tc := range tests {
		t.Run(tc.name+"->"+tc.target, func(t *testing.T) {
			got, err := cleanLinkTarget(tc.name, tc.target)
			checkClean(t, got, err, tc.want, tc.err)
		})
	}
}

func checkClean(t *testing.T, got string, err error, want, wantErr string) {
	t.Helper()
	switch {
	case wantErr == "" && err != nil:
		t.Errorf("got error %v, want %q", err, want)
	case wantErr == "" && got != want:
		t.Errorf("got %q, want %q", got, want)
	case wantErr != "" && (err == nil || !strings.Contains(err.Error(), wantErr)):
		t.Errorf("got %q, %v; want an error containing %q", got, err, wantErr)
	}
}
