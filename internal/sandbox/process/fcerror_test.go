package process

import (
	"testing"
	"time"
)

func TestEngineBodiesAndLines(t *testing.T) {
	tests := []struct{ name, got, want string }{
		{"timeout", string(timeoutBody(3 * time.Second)), `{"errorMessage":"Function timed out after 3 seconds"}`},
		{"fractional timeout", string(timeoutBody(1500 * time.Millisecond)), `{"errorMessage":"Function timed out after 1.5 seconds"}`},
		{"exit", string(exitBody(12*time.Millisecond+400*time.Microsecond, 5<<20)),
			`{"errorMessage":"Process exited unexpectedly before completing request (duration: 12ms, maxMemoryUsage: 5.00MB)"}`},
		{"error with type", string(errorBody("x", "InitializationError")), `{"errorMessage":"x","errorType":"InitializationError"}`},
		{"duration line", string(summary{elapsed: 17450 * time.Microsecond, memoryMB: 128, maxMemory: 32496148}.appendLine(nil)),
			"Duration: 17.45 ms, Billed Duration: 18 ms, Memory Size: 128 MB, Max Memory Used: 30.99 MB"},
		{"start line", string((&invLog{phase: phaseInitialize, id: "r"}).appendStart(nil)), "FC Initialize Start RequestId: r"},
		{"end line", string((&invLog{phase: phaseInvoke, id: "r"}).appendEnd(nil)), "FC Invoke End RequestId: r"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %s, want %s", tt.got, tt.want)
			}
		})
	}
}
