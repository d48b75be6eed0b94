package process

import (
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/busypoll"
)

// An engine's exchanges poll when alone, and the answers are whole either way.
func TestTransportWithAnswerPoll(t *testing.T) {
	s := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Write(b)
	})
	tr := testTransport(addrOf(s.Server))
	tr.poll = busypoll.New(100 * time.Microsecond).Gate()
	for i := range 20 {
		body := []byte(string(rune('a' + i)))
		if rep := roundTripAll(t, tr, invokeReq(http.Header{}, body)); string(rep.body) != string(body) {
			t.Fatalf("exchange %d: %q, want %q", i, rep.body, body)
		}
	}
	if tr.poll != nil && !tr.poll.Quiet() {
		t.Fatal("after exchanges one at a time, the engine is not quiet: an exchange is still counted in")
	}
}
