package replay

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/yun-fc/yun/internal/scheduler"
)

var (
	full   = flag.Bool("full", false, "replay the whole trace samples with every policy (minutes)")
	traces = flag.String("traces", "../../../../shared/traces", "directory of the Azure trace samples")
	out    = flag.String("out", "", "with -full: write the results as JSON to this file")
	only   = flag.String("policy", "", "with -full: replay only these policies, comma-separated (as --keep-alive-policy takes them)")
)

// replay runs Run in a synctest bubble and fills in the wall-clock time.
func replay(t *testing.T, tr *Trace, policy scheduler.KeepAlivePolicy) *Result {
	t.Helper()
	var r *Result
	wall := time.Now()
	synctest.Test(t, func(t *testing.T) {
		var err error
		if r, err = Run(tr, policy, Options{}); err != nil {
			t.Fatalf("replay %s with %s: %v", tr.Name, scheduler.PolicyName(policy), err)
		}
	})
	r.Elapsed = time.Since(wall)
	t.Logf("%s %-12s calls %d cold %d (p50 %.1f%% p75 %.1f%%) prewarms %d waited %d wasted %.0f MB·s in %v",
		r.Trace, r.Policy, r.Invocations, r.ColdStarts, r.AppColdP50, r.AppColdP75, r.Prewarms, r.Waited, r.WastedMBs, r.Elapsed.Round(time.Millisecond))
	return r
}

func policy(t *testing.T, name string) scheduler.KeepAlivePolicy {
	t.Helper()
	p, err := scheduler.ParseKeepAlivePolicy(name, 0)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Policies the full replay compares: the fixed keep-alive frontier, the
// hybrid histogram policy and Yun's.
var fullPolicies = []string{"fixed:5m", "fixed:10m", "fixed:20m", "fixed:30m", "fixed:1h", "fixed:2h", "hybrid", "yun"}

// FullResults is what -out writes.
type FullResults struct {
	Sample2019 []*Result `json:"sample2019"`
	Sample2021 []*Result `json:"sample2021"`
}

func TestReplayFull(t *testing.T) {
	if !*full {
		t.Skip("the full replay runs with -full")
	}
	tr2019, err := Load2019(filepath.Join(*traces, "azure2019_dirigent_sample500"))
	if err != nil {
		t.Fatal(err)
	}
	tr2021, err := Load2021(filepath.Join(*traces, "azure2021_invitro_sample", "AzureFunctionsInvocationTraceForTwoWeeksJan2021.head998.csv"), 128)
	if err != nil {
		t.Fatal(err)
	}
	var res FullResults
	names := fullPolicies
	if *only != "" {
		names = strings.Split(*only, ",")
	}
	for _, name := range names {
		res.Sample2019 = append(res.Sample2019, replay(t, tr2019, policy(t, name)))
		res.Sample2021 = append(res.Sample2021, replay(t, tr2021, policy(t, name)))
	}
	if *out != "" {
		data, _ := json.MarshalIndent(res, "", "  ")
		if err := os.WriteFile(*out, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestReplayWindow replays an hour of a quarter of the 2019 sample's apps
// (testdata) through the scheduler with each policy and checks what must
// hold whatever the policy: every call reaches the scheduler and succeeds,
// every app's first call is a cold start, a fixed policy never pre-warms.
// Which policy wins is for the full replay: an hour is too short for the
// histograms to settle.
func TestReplayWindow(t *testing.T) {
	tr, err := Load2019("testdata/azure2019_window")
	if err != nil {
		t.Fatal(err)
	}
	apps := make(map[int]bool)
	for _, c := range tr.Invocations() {
		apps[c.App] = true
	}
	for _, name := range []string{"fixed:10m", "hybrid", "yun"} {
		t.Run(name, func(t *testing.T) {
			r := replay(t, tr, policy(t, name))
			if r.Invocations != len(tr.Invocations()) || r.Sent != r.Invocations || r.Failed != 0 {
				t.Errorf("scheduler admitted %d calls of %d sent, %d failed; want all %d, none failed",
					r.Invocations, r.Sent, r.Failed, len(tr.Invocations()))
			}
			if r.Apps != len(apps) || r.ColdStarts < len(apps) {
				t.Errorf("got %d apps with calls and %d cold starts; want %d apps, at least one cold start each", r.Apps, r.ColdStarts, len(apps))
			}
			if r.Waited < r.ColdStarts {
				t.Errorf("got %d calls that waited for a start, fewer than the %d cold starts", r.Waited, r.ColdStarts)
			}
			if strings.HasPrefix(name, "fixed") && r.Prewarms != 0 {
				t.Errorf("fixed keep-alive pre-warmed %d instances, want 0", r.Prewarms)
			}
			if r.WastedMBs <= 0 {
				t.Errorf("got wasted memory %.0f MB·s, want some: instances idle between calls", r.WastedMBs)
			}
		})
	}
}
