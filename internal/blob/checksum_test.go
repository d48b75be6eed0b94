package blob

import (
	"errors"
	"testing"
)

func TestChecksum(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		// CRC-64/XZ check value 0x995DC9BBDF1939FA.
		{"check vector", "123456789", "11051210869376104954"},
		{"empty", "", "0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Checksum([]byte(tc.data)); got != tc.want {
				t.Errorf("Checksum(%q) = %s, want %s", tc.data, got, tc.want)
			}
		})
	}
}

func TestValidateChecksum(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"0", true},
		{"11051210869376104954", true},
		{"18446744073709551615", true},
		{"18446744073709551616", false}, // 2^64
		{"", false},
		{"007", false},
		{"+7", false},
		{"-7", false},
		{"7 ", false},
		{"0x10", false},
		{"1e3", false},
		{"../1", false},
		{"1/2", false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			err := ValidateChecksum(tc.in)
			if tc.ok && err != nil {
				t.Errorf("ValidateChecksum(%q) = %v, want nil", tc.in, err)
			}
			if !tc.ok && !errors.Is(err, ErrInvalidChecksum) {
				t.Errorf("ValidateChecksum(%q) = %v, want ErrInvalidChecksum", tc.in, err)
			}
		})
	}
}

func TestCheckPut(t *testing.T) {
	data := []byte("package")
	if err := CheckPut(Checksum(data), data); err != nil {
		t.Errorf("CheckPut of the right checksum: got %v, want nil", err)
	}
	if err := CheckPut(Checksum([]byte("other")), data); !errors.Is(err, ErrChecksumMismatch) {
		t.Errorf("CheckPut of a wrong checksum: got %v, want ErrChecksumMismatch", err)
	}
	if err := CheckPut("x", data); !errors.Is(err, ErrInvalidChecksum) {
		t.Errorf("CheckPut of a malformed checksum: got %v, want ErrInvalidChecksum", err)
	}
}
