package probe

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestParseStat(t *testing.T) {
	tests := []struct {
		name     string
		line     string
		wantPPID int
		wantCPU  time.Duration
		wantSys  time.Duration
		wantErr  bool
	}{
		{"plain", "42 (node) S 7 42 42 0 -1 4194560 100 0 0 0 150 50 0 0 20 0 11 0", 7, 2 * time.Second, 500 * time.Millisecond, false},
		{"name with spaces and parens", "42 (a (b) c) R 9 1 1 0 -1 0 0 0 0 0 3 2 0 0", 9, 50 * time.Millisecond, 20 * time.Millisecond, false},
		{"no name", "42 S 9", 0, 0, 0, true},
		{"too short", "42 (x) S 9 1", 0, 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseStat(tt.line)
			if (err != nil) != tt.wantErr {
				t.Fatalf("parseStat error = %v, want error %v", err, tt.wantErr)
			}
			if got.ppid != tt.wantPPID || got.cpu != tt.wantCPU || got.sys != tt.wantSys {
				t.Errorf("parseStat = ppid %d cpu %v sys %v, want ppid %d cpu %v sys %v",
					got.ppid, got.cpu, got.sys, tt.wantPPID, tt.wantCPU, tt.wantSys)
			}
		})
	}
}

func TestChildren(t *testing.T) {
	root := t.TempDir()
	procs := map[string]string{
		"10": "10 (yun) S 1 0 0 0 0 0 0 0 0 0 100 0 0 0",
		"11": "11 (node) S 10 0 0 0 0 0 0 0 0 0 20 10 0 0",
		"12": "12 (node) S 10 0 0 0 0 0 0 0 0 0 1 0 0 0",
		"13": "13 (other) S 1 0 0 0 0 0 0 0 0 0 5 0 0 0",
		"14": "14 (runtime) S 12 0 0 0 0 0 0 0 0 0 40 0 0 0", // the instance's runtime under its init
	}
	for pid, stat := range procs {
		os.MkdirAll(filepath.Join(root, pid), 0o755)
		os.WriteFile(filepath.Join(root, pid, "stat"), []byte(stat), 0o644)
	}
	os.MkdirAll(filepath.Join(root, "self"), 0o755) // not a pid: skipped
	got, err := children(root, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]time.Duration{11: 300 * time.Millisecond, 12: 410 * time.Millisecond}
	if len(got) != len(want) {
		t.Fatalf("children = %v, want %v", got, want)
	}
	for pid, cpu := range want {
		if got[pid] != cpu {
			t.Errorf("child %d cpu = %v, want %v", pid, got[pid], cpu)
		}
	}
}

func TestParseMetrics(t *testing.T) {
	text := `# HELP yun_cold_starts_total Cold starts.
# TYPE yun_cold_starts_total counter
yun_cold_starts_total{function="a"} 3
yun_cold_starts_total{function="b"} 2
yun_cold_start_duration_seconds_count 5
yun_instances{function="a",state="ready"} 2
yun_instances{function="b",state="starting"} 1
yun_instances{function="b",state="ready"} 1
yun_provisioned_target 4
malformed{
`
	got := parseMetrics(text)
	if !got.hasColdStarts || got.coldStarts != 5 {
		t.Errorf("cold starts = %v (found %v), want 5", got.coldStarts, got.hasColdStarts)
	}
	if got.byState["ready"] != 3 || got.byState["starting"] != 1 || len(got.byState) != 2 {
		t.Errorf("by state = %v, want ready 3, starting 1", got.byState)
	}
	if len(got.families) != 2 {
		t.Errorf("families = %v, want yun_cold_starts_total and yun_instances", got.families)
	}
	if none := parseMetrics("go_goroutines 12\n"); none.hasColdStarts || none.byState != nil || none.yun {
		t.Errorf("unrelated metrics parsed as %+v, want nothing found", none)
	}
	// Yun's page before any instance: no cold-start or instance series yet,
	// which means zero rather than unknown.
	if idle := parseMetrics("yun_node_memory_capacity_megabytes 1024\n"); !idle.yun || idle.hasColdStarts || idle.byState != nil {
		t.Errorf("an idle Yun's metrics parsed as %+v, want yun and nothing else", idle)
	}
}

func TestBetween(t *testing.T) {
	ticks := []Tick{
		{At: 0, Instances: 2, ColdStarts: 2},
		{At: time.Second, Instances: 2, ColdStarts: 2},
		{At: 2 * time.Second, Instances: 4, ColdStarts: 4},
		{At: 3 * time.Second, Instances: 3, ColdStarts: 4},
	}
	tests := []struct {
		name                string
		from, to            time.Duration
		wantCold, wantInsts int
	}{
		{"flat", 0, time.Second, 0, 2},
		{"growth", time.Second, 3 * time.Second, 2, 4},
		{"growth right after the start counts", 1500 * time.Millisecond, 3 * time.Second, 2, 4},
		{"no ticks in the span", 10 * time.Second, 11 * time.Second, -1, -1},
		{"nothing before", -time.Second, -time.Millisecond, -1, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cold, insts := Between(ticks, tt.from, tt.to)
			if cold != tt.wantCold || insts != tt.wantInsts {
				t.Errorf("Between = %d cold, %d instances; want %d, %d", cold, insts, tt.wantCold, tt.wantInsts)
			}
		})
	}
}

// TestSamplerSeesChildren runs a real child of this process and watches it.
func TestSamplerSeesChildren(t *testing.T) {
	s := Start(Config{Interval: 10 * time.Millisecond})
	if s.Source() != SourceProcess {
		t.Fatalf("Source = %q, want %q", s.Source(), SourceProcess)
	}
	child := startSleeper(t)
	deadline := time.Now().Add(10 * time.Second)
	for s.Latest().ColdStarts < 1 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	child.Process.Kill()
	child.Wait()
	ticks := s.Stop()
	last := ticks[len(ticks)-1]
	if last.ColdStarts < 1 {
		t.Errorf("cold starts = %d, want at least the one child started", last.ColdStarts)
	}
	if ticks[0].ColdStarts != 0 {
		t.Errorf("first tick cold starts = %d, want 0", ticks[0].ColdStarts)
	}
}

func TestMachineCPU(t *testing.T) {
	root := t.TempDir()
	// user nice system idle iowait irq softirq steal guest guest_nice
	stat := "cpu  100 5 40 900 7 3 2 1 50 0\ncpu0 50 2 20 450 3 1 1 0 25 0\n"
	if err := os.WriteFile(filepath.Join(root, "stat"), []byte(stat), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := MachineCPU(root)
	if want := 1510 * time.Millisecond; err != nil || got != want { // (100+5+40+3+2+1) ticks of 10 ms
		t.Errorf("MachineCPU = %v, %v; want %v", got, err, want)
	}
	os.WriteFile(filepath.Join(root, "stat"), []byte("intr 1 2 3\n"), 0o644)
	if _, err := MachineCPU(root); err == nil {
		t.Errorf("MachineCPU of a stat without a cpu line: got nil error, want one")
	}
}
