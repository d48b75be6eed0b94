package report

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/yun-fc/yun/bench/internal/load"
)

func TestDoc(t *testing.T) {
	var d Doc
	d.Heading(2, "Result")
	d.Table([]string{"a", "b"}, [][]string{{"x|y", "1"}})
	d.Bullets("one", "two")
	d.Code("sh", "go run x\n")
	want := "## Result\n\n| a | b |\n| --- | --- |\n| x\\|y | 1 |\n\n- one\n- two\n\n```sh\ngo run x\n```\n\n"
	if got := d.String(); got != want {
		t.Errorf("Doc =\n%q\nwant\n%q", got, want)
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"Ms", Ms(52340 * time.Microsecond), "52.3"},
		{"Us", Us(1499 * time.Nanosecond), "1"},
		{"Codes none", Codes(nil), "-"},
		{"Codes sorted", Codes(map[string]int{"b": 1, "a": 2}), "a 2, b 1"},
		{"Count unknown", Count(-1), "n/a"},
		{"Count", Count(3), "3"},
		{"YesNo", YesNo(false), "**not met**"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

func TestWriteSamples(t *testing.T) {
	path := filepath.Join(t.TempDir(), "raw", "x.csv")
	samples := []load.Sample{{Phase: "p", Scheduled: time.Millisecond, Start: 2 * time.Millisecond,
		End: 5 * time.Millisecond, Status: 503, Code: "ResourceThrottled", Value: "a,b"}}
	if err := WriteSamples(path, samples); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"p", "1000", "2000", "5000", "4000", "503", "ResourceThrottled", "a,b"}
	if len(rows) != 2 || strings.Join(rows[1], "|") != strings.Join(want, "|") {
		t.Errorf("rows = %v, want header and %v", rows, want)
	}
}

func TestDetectMachine(t *testing.T) {
	m := DetectMachine(context.Background(), t.TempDir())
	if m.Cores < 1 || m.Go == "" || m.Date.IsZero() {
		t.Errorf("DetectMachine = %+v, want cores, Go version and date", m)
	}
	if m.Yun != "unknown" {
		t.Errorf("revision of a directory outside git = %q, want unknown", m.Yun)
	}
	var d Doc
	m.Write(&d, "go run ./bench/cmd/yunbench x")
	if !strings.Contains(d.String(), "go run ./bench/cmd/yunbench x") || !strings.Contains(d.String(), "| kernel |") {
		t.Errorf("machine section lacks the command or the kernel:\n%s", d.String())
	}
}

func TestBusyNote(t *testing.T) {
	tests := []struct {
		name, load string
		wantNote   bool
	}{
		{"idle", "0.50 0.40 0.30", false},
		{"busy", "12.00 3.00 1.00", true},
		{"unknown", "unknown", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Machine{Cores: 2, LoadAvg: tt.load}
			if got := m.busyNote() != ""; got != tt.wantNote {
				t.Errorf("busyNote(%q) given = %v, want %v", tt.load, got, tt.wantNote)
			}
		})
	}
}
