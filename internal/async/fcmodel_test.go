package async

// Tests of the async models in internal/fc (fc/async.go), kept here because
// this package is their first user.

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/yun-fc/yun/internal/fc"
)

func intp(v int) *int    { return &v }
func boolp(v bool) *bool { return &v }

func TestNewAsyncConfig(t *testing.T) {
	arn := "acs:fc:cn-yun:123:functions/sink"
	tests := []struct {
		name    string
		in      fc.PutAsyncInvokeConfigInput
		want    fc.AsyncConfig
		mention string // of the InvalidArgument; "" = valid
	}{
		{"empty takes FC's defaults", fc.PutAsyncInvokeConfigInput{},
			fc.AsyncConfig{MaxAsyncRetryAttempts: 3, MaxAsyncEventAgeInSeconds: 86400}, ""},
		{"zero retries is kept", fc.PutAsyncInvokeConfigInput{MaxAsyncRetryAttempts: intp(0), AsyncTask: boolp(true)},
			fc.AsyncConfig{MaxAsyncRetryAttempts: 0, MaxAsyncEventAgeInSeconds: 86400, AsyncTask: true}, ""},
		{"empty destination dropped", fc.PutAsyncInvokeConfigInput{DestinationConfig: &fc.DestinationConfig{
			OnSuccess: &fc.Destination{Destination: " "}}},
			fc.AsyncConfig{MaxAsyncRetryAttempts: 3, MaxAsyncEventAgeInSeconds: 86400}, ""},
		{"nine retries", fc.PutAsyncInvokeConfigInput{MaxAsyncRetryAttempts: intp(9)}, fc.AsyncConfig{}, "maxAsyncRetryAttempts"},
		{"age zero", fc.PutAsyncInvokeConfigInput{MaxAsyncEventAgeInSeconds: intp(0)}, fc.AsyncConfig{}, "maxAsyncEventAgeInSeconds"},
		{"age over a week", fc.PutAsyncInvokeConfigInput{MaxAsyncEventAgeInSeconds: intp(604801)}, fc.AsyncConfig{}, "maxAsyncEventAgeInSeconds"},
		{"MNS destination", fc.PutAsyncInvokeConfigInput{DestinationConfig: &fc.DestinationConfig{
			OnFailure: &fc.Destination{Destination: "acs:mns:cn-yun:123:/queues/q/messages"}}}, fc.AsyncConfig{}, "onFailure"},
		{"URL with credentials", fc.PutAsyncInvokeConfigInput{DestinationConfig: &fc.DestinationConfig{
			OnSuccess: &fc.Destination{Destination: "https://u:p@example.com/"}}}, fc.AsyncConfig{}, "onSuccess"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := fc.NewAsyncConfig(&tc.in)
			if tc.mention != "" {
				wantFCError(t, err, http.StatusBadRequest, fc.CodeInvalidArgument)
				if err != nil && !strings.Contains(err.Error(), tc.mention) {
					t.Errorf("got %v, want it to name %s", err, tc.mention)
				}
				return
			}
			if err != nil {
				t.Fatalf("got %v, want valid", err)
			}
			if got.MaxAsyncRetryAttempts != tc.want.MaxAsyncRetryAttempts || got.MaxAsyncEventAgeInSeconds != tc.want.MaxAsyncEventAgeInSeconds ||
				got.AsyncTask != tc.want.AsyncTask || got.DestinationConfig != nil {
				t.Errorf("got %+v, want %+v", *got, tc.want)
			}
		})
	}
	t.Run("destinations kept", func(t *testing.T) {
		got, err := fc.NewAsyncConfig(&fc.PutAsyncInvokeConfigInput{DestinationConfig: &fc.DestinationConfig{
			OnSuccess: &fc.Destination{Destination: arn}, OnFailure: &fc.Destination{Destination: "https://hooks.example.com/x"}}})
		if err != nil || got.DestinationConfig.OnSuccess.Destination != arn || got.DestinationConfig.OnFailure == nil {
			t.Errorf("got %+v, %v; want both destinations", got, err)
		}
	})
}

func TestParseFunctionARN(t *testing.T) {
	tests := []struct {
		arn  string
		want fc.FunctionRef
		ok   bool
	}{
		{"acs:fc:cn-shanghai:123:functions/f1", fc.FunctionRef{Region: "cn-shanghai", AccountID: "123", Name: "f1"}, true},
		{"acs:fc:cn-yun:123:functions/f1/prod", fc.FunctionRef{Region: "cn-yun", AccountID: "123", Name: "f1", Qualifier: "prod"}, true},
		{"acs:fc:cn-yun:123:functions/f1/LATEST", fc.FunctionRef{Region: "cn-yun", AccountID: "123", Name: "f1", Qualifier: "LATEST"}, true},
		{"acs:fc:cn-yun:123:functions/1f", fc.FunctionRef{}, false},
		{"acs:fc:cn-yun:123/functions/f1", fc.FunctionRef{}, false},
		{"acs:fc:cn-yun:123:services/s/functions/f1", fc.FunctionRef{}, false},
		{"acs:mns:cn-yun:123:functions/f1", fc.FunctionRef{}, false},
		{"acs:fc:cn-yun:123:functions/f1/a/b", fc.FunctionRef{}, false},
		{"", fc.FunctionRef{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.arn, func(t *testing.T) {
			got, err := fc.ParseFunctionARN(tc.arn)
			if (err == nil) != tc.ok || got != tc.want {
				t.Errorf("got %+v, %v; want %+v, ok %v", got, err, tc.want, tc.ok)
			}
		})
	}
}

func TestValidTaskID(t *testing.T) {
	tests := []struct {
		id string
		ok bool
	}{
		{"a", true}, {"_x", true}, {"Job-1_2", true}, {"j" + strings.Repeat("x", 127), true},
		{"", false}, {"1job", false}, {"-job", false}, {"j" + strings.Repeat("x", 128), false},
		{"job.1", false}, {"job 1", false}, {"jöb", false},
	}
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			if err := fc.ValidTaskID(tc.id); (err == nil) != tc.ok {
				t.Errorf("got %v, want ok %v", err, tc.ok)
			}
		})
	}
}

func TestAsyncTaskWireNames(t *testing.T) {
	b, err := json.Marshal(fc.AsyncTask{TaskID: "t", StartedTime: 1633449590000, EndTime: 1633449591000, DurationMs: 1000,
		AlreadyRetriedTimes: 2, Events: []fc.AsyncTaskEvent{{EventID: 1, Status: "Enqueued", Timestamp: 1633449590000}}})
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	for k, want := range map[string]float64{"startedTime": 1633449590000, "endTime": 1633449591000,
		"durationMs": 1000, "alreadyRetriedTimes": 2} {
		if got, ok := m[k].(float64); !ok || got != want {
			t.Errorf("got %s = %#v, want the number %v", k, m[k], want)
		}
	}
	ev := m["events"].([]any)[0].(map[string]any)
	if ev["eventId"] != float64(1) || ev["timestamp"] != float64(1633449590000) || ev["status"] != "Enqueued" {
		t.Errorf("got event %v, want eventId, status and timestamp as FC names them", ev)
	}
}

func TestParseTimerTriggerConfig(t *testing.T) {
	tests := []struct {
		name, text string
		want       fc.TimerTriggerConfig
		ok         bool
	}{
		{"full", `{"cronExpression":"@every 5m","enable":false,"payload":"p"}`,
			fc.TimerTriggerConfig{CronExpression: "@every 5m", Payload: "p"}, true},
		{"enable defaults to true", `{"cronExpression":"0 0 4 * * *"}`,
			fc.TimerTriggerConfig{CronExpression: "0 0 4 * * *", Enable: true}, true},
		{"no expression", `{"enable":true}`, fc.TimerTriggerConfig{}, false},
		{"not JSON", `cron(0 0 4 * * *)`, fc.TimerTriggerConfig{}, false},
		{"payload not a string", `{"cronExpression":"@every 1m","payload":{"a":1}}`, fc.TimerTriggerConfig{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := fc.ParseTimerTriggerConfig(tc.text)
			if !tc.ok {
				wantFCError(t, err, http.StatusBadRequest, fc.CodeInvalidArgument)
				return
			}
			if err != nil || *got != tc.want {
				t.Errorf("got %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}
