package spike

import (
	"errors"
	"fmt"
	"testing"

	"github.com/yun-fc/yun/internal/client"
)

func TestUnsupported(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"501 OperationNotSupported", &client.Error{Status: 501, Code: "OperationNotSupported"}, true},
		{"400 PathNotSupported", &client.Error{Status: 400, Code: "PathNotSupported"}, true},
		{"404 without a code", &client.Error{Status: 404}, true},
		{"wrapped", fmt.Errorf("x: %w", &client.Error{Status: 501, Code: "OperationNotSupported"}), true},
		{"404 FunctionNotFound", &client.Error{Status: 404, Code: "FunctionNotFound"}, false},
		{"400 InvalidArgument", &client.Error{Status: 400, Code: "InvalidArgument"}, false},
		{"500 without a code", &client.Error{Status: 500}, false},
		{"transport", errors.New("connection refused"), false},
		{"nil", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := unsupported(tt.err); got != tt.want {
				t.Errorf("unsupported(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

func TestInFlight(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want []int
	}{
		{"defaults", Defaults(), []int{5, 20, 40}},
		{"baseline at least one", Config{Target: 1, Concurrency: 1, BaseFactor: 0.1, OverFactor: 3}, []int{1, 1, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.cfg.inFlight()
			for i, p := range got {
				if p.workers != tt.want[i] {
					t.Errorf("phase %s workers = %d, want %d", p.name, p.workers, tt.want[i])
				}
			}
		})
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		change  func(*Config)
		wantErr bool
	}{
		{"defaults", func(*Config) {}, false},
		{"no target", func(c *Config) { c.Target = 0 }, true},
		{"over not beyond", func(c *Config) { c.OverFactor = 1 }, true},
		{"short phase", func(c *Config) { c.Phase = 0 }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Defaults()
			tt.change(&c)
			if err := c.Validate(); (err != nil) != tt.wantErr {
				t.Errorf("Validate() = %v, want error %v", err, tt.wantErr)
			}
		})
	}
}
