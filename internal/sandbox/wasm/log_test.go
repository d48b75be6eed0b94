package wasm

import (
	"strings"
	"testing"
)

func TestInvocationLogLines(t *testing.T) {
	long := strings.Repeat("x", maxLine+5)
	tests := []struct {
		name   string
		writes []string
		want   []string
	}{
		{"whole lines", []string{"a\nb\n"}, []string{"a", "b"}},
		{"split writes", []string{"par", "tial\nnext", "\n"}, []string{"partial", "next"}},
		{"no final newline", []string{"last"}, []string{"last"}},
		{"empty line", []string{"\n"}, []string{""}},
		{"long line", []string{long + "\n"}, []string{long[:maxLine], "xxxxx"}},
		{"long partial", []string{long[:maxLine-1], "yy\n"}, []string{long[:maxLine-1] + "y", "y"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newInvocationLog(nil, "id", true)
			for _, w := range tt.writes {
				if n, err := l.Write([]byte(w)); n != len(w) || err != nil {
					t.Fatalf("Write(%q) = %d, %v; want %d, nil", w, n, err, len(w))
				}
			}
			got := string(l.end("end"))
			want := strings.Join(append(append([]string{"FC Invoke Start RequestId: id"}, tt.want...), "end"), "\n") + "\n"
			if len(want) > 4096 {
				want = want[len(want)-4096:]
			}
			if got != want {
				t.Errorf("log = %q, want %q", clip(got), clip(want))
			}
		})
	}
}

func clip(s string) string {
	if len(s) > 120 {
		return s[:60] + "…" + s[len(s)-60:]
	}
	return s
}
