package daemon

import (
	"strings"
	"testing"
)

func TestMemTotalMB(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    int
		wantErr bool
	}{
		{"linux", "MemTotal:       24576000 kB\nMemFree:         1000 kB\n", 24000, false},
		{"missing", "MemFree: 1000 kB\n", 0, true},
		{"garbled", "MemTotal: lots kB\n", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := memTotalMB(strings.NewReader(tt.in))
			if got != tt.want || (err != nil) != tt.wantErr {
				t.Errorf("got %d, %v; want %d, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestMemoryReserveMB(t *testing.T) {
	tests := []struct{ total, want int }{{2048, 512}, {24000, 2400}, {128000, 4096}}
	for _, tt := range tests {
		if got := memoryReserveMB(tt.total); got != tt.want {
			t.Errorf("memoryReserveMB(%d): got %d, want %d", tt.total, got, tt.want)
		}
	}
}
