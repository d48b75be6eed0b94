package coldstart

import (
	"testing"
	"time"
)

func TestCalledAt(t *testing.T) {
	want := time.UnixMicro(1_700_000_000_123_456)
	for _, body := range []string{`{"calledUs": 1700000000123456}`, `"{\"calledUs\":1700000000123456}"`} {
		got, err := calledAt([]byte(body))
		if err != nil || !got.Equal(want) {
			t.Errorf("calledAt(%s) = %v, %v; want %v", body, got, err, want)
		}
	}
	for _, body := range []string{``, `{}`, `"hello"`, `{"calledUs": "x"}`} {
		if _, err := calledAt([]byte(body)); err == nil {
			t.Errorf("calledAt(%s) = nil error, want one", body)
		}
	}
}

func TestSummarizeCountsHits(t *testing.T) {
	samples := []sample{{system: time.Millisecond, e2e: 2 * time.Millisecond, hit: true}, {system: 3 * time.Millisecond, e2e: 4 * time.Millisecond}}
	sys, end, hits := summarize(samples)
	if sys.N != 2 || sys.P99 != 3*time.Millisecond || end.P50 != 2*time.Millisecond || hits != 1 {
		t.Errorf("summarize = %+v %+v %d; want N 2, system p99 3ms, e2e p50 2ms, 1 hit", sys, end, hits)
	}
}
