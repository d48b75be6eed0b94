package blob

import (
	"strings"
	"testing"
)

func TestLimitsValidate(t *testing.T) {
	tests := []struct {
		name string
		lim  Limits
		want string // "" for valid
	}{
		{"zero", Limits{}, ""},
		{"set", Limits{MaxUnpacked: 1, MaxFiles: 1, MaxRatio: 1}, ""},
		{"negative unpacked", Limits{MaxUnpacked: -5}, "MaxUnpacked -5"},
		{"negative files", Limits{MaxFiles: -1}, "MaxFiles -1"},
		{"negative ratio", Limits{MaxRatio: -2}, "MaxRatio -2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.lim.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("Validate: got %v, want nil", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("Validate: got %v, want an error naming %q", err, tc.want)
			}
		})
	}
}

func TestLimitsDefaults(t *testing.T) {
	got, err := Limits{MaxFiles: 7}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	want := Limits{MaxUnpacked: 500 << 20, MaxFiles: 7, MaxRatio: 1000}
	if got != want {
		t.Errorf("withDefaults: got %+v, want %+v", got, want)
	}
}

func TestRatioExceeded(t *testing.T) {
	lim := Limits{MaxRatio: 1000}
	tests := []struct {
		name                 string
		unpacked, compressed uint64
		want                 bool
	}{
		{"small entries are not checked", ratioFloor, 0, false},
		{"at the ratio", 2000 << 20, 2 << 20, false},
		{"above the ratio", 2001 << 20, 2 << 20, true},
		{"nothing compressed", ratioFloor + 1, 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := lim.ratioExceeded(tc.unpacked, tc.compressed); got != tc.want {
				t.Errorf("ratioExceeded(%d, %d) = %v, want %v", tc.unpacked, tc.compressed, got, tc.want)
			}
		})
	}
}
