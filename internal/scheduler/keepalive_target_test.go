package scheduler

import (
	"testing"
	"testing/synctest"
	"time"
)

// A Target's own keep-alive policy decides for its instances, over the
// node's and over SetKeepAlivePolicy's.
func TestTargetKeepAliveOverridesTheNodes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		eng := &fakeEngine{}
		h := newHarness(t, Config{KeepAlivePolicy: FixedKeepAlive(10 * time.Minute)}, eng)
		defer h.close()
		short := target("acct/short", 1)
		short.KeepAlive = FixedKeepAlive(time.Minute)
		long := target("acct/long", 1)
		h.s.SetKeepAlivePolicy("acct/short", FixedKeepAlive(time.Hour))
		a := string(mustInvoke(t, h, short, "").Body)
		b := string(mustInvoke(t, h, long, "").Body)
		time.Sleep(2 * time.Minute)
		synctest.Wait()
		if !eng.byID(a).isStopped() {
			t.Errorf("the instance of the target with a 1-minute keep-alive is still running after 2 minutes")
		}
		if eng.byID(b).isStopped() {
			t.Errorf("the instance under the node's 10-minute keep-alive stopped after 2 minutes")
		}
	})
}
