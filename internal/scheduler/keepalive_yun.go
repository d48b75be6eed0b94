package scheduler

import (
	"math"
	"slices"
	"sort"
	"strconv"
	"time"
)

// YunConfig tunes Yun's keep-alive policy. The zero value is the default.
type YunConfig struct {
	// ColdStartCost is what one cold start is worth in memory held idle,
	// in megabyte-seconds: the policy keeps a Key warm over an idle gap
	// when holding its memory costs less than this. Default
	// DefaultColdStartCost.
	ColdStartCost float64
	// NewKeepAlive, when set, keeps the instance of a Key with fewer than
	// MinSamples idle times for this long. Default: the Key's break-even
	// time (see NewYunPolicy).
	NewKeepAlive time.Duration
	// MaxKeepAlive bounds the break-even time. Default 4h.
	MaxKeepAlive time.Duration
	// MinSamples is the fewest idle times the policy learns from.
	// Default 1.
	MinSamples int
	// History is how many recent idle times each Key keeps. Default 64.
	History int
	// DefaultMemoryMB weighs a Key whose memory is unknown. Default 128.
	DefaultMemoryMB int
}

func (c YunConfig) withDefaults() YunConfig {
	c.ColdStartCost = cmpOr(c.ColdStartCost, DefaultColdStartCost)
	c.MaxKeepAlive = cmpOr(c.MaxKeepAlive, 4*time.Hour)
	c.MinSamples = cmpOr(c.MinSamples, 1)
	c.History = cmpOr(c.History, 64)
	c.DefaultMemoryMB = cmpOr(c.DefaultMemoryMB, 128)
	return c
}

// DefaultColdStartCost is what Yun's policy weighs a cold start at, in
// megabyte-seconds of idle memory: a 256 MB instance held for about 33
// minutes. It was chosen on the 500-function Azure sample (see
// docs/benchmarks/keepalive.md) as the cost at which the policy is well
// ahead of both baselines at once: a quarter fewer cold starts than the
// hybrid histogram policy and a quarter less idle memory than a fixed
// 10-minute keep-alive.
const DefaultColdStartCost = 500_000

// Tolerances of Yun's windows: a predicted call may come this much
// earlier or later than the idle time it was learned from.
const (
	yunSlackRatio = 0.02
	yunSlack      = time.Second
	// yunLead starts a pre-warm this many (average) start times early.
	yunLead = 2
)

// NewYunPolicy returns Yun's keep-alive policy. Like the hybrid policy it
// learns each Key's idle times, but instead of two percentiles of a
// minute-binned histogram it chooses the plan of windows (see
// keepalive_window.go) that would have cost least over the Key's last
// History idle times, at their own resolution, weighing each cold start at
// ColdStartCost against the megabyte-seconds its instance would have been
// held idle (Key memory × time); see cheapestPlan. So a timer-like Key
// (identical idle times) gets a window of a few seconds around its next
// call, pre-warmed two start times (the Key's observed start time) before
// it; a Key with two periods gets two windows; a Key whose gaps are long
// and irregular is not kept at all when its memory makes waiting dearer
// than a cold start; a large Key is kept for less time than a small one
// with the same pattern. A plan that keeps the last instance from the start
// keeps it, beyond the longest idle time seen, for the Key's break-even
// time (ColdStartCost ÷ memory, within MaxKeepAlive): the ski-rental rule
// for gaps it has no data on. A Key with fewer than MinSamples idle times
// is kept for NewKeepAlive, or its break-even time.
func NewYunPolicy(cfg YunConfig) AdaptivePolicy {
	cfg = cfg.withDefaults()
	initial := func(mem int) []window {
		return []window{{end: cfg.newKeepAlive(cmpOr(mem, cfg.DefaultMemoryMB))}}
	}
	return newWindowed(yunName(cfg.ColdStartCost), initial, yunLead, func() model {
		return &costModel{cfg: &cfg}
	})
}

// costModel is Yun's model of one Key: its recent idle times.
type costModel struct {
	cfg    *YunConfig
	ring   []time.Duration
	next   int // where the next idle time goes once the ring is full
	plan   []window
	misses int // idle times outside the plan since it was chosen
	fresh  int // idle times learned since the plan was chosen
}

func (m *costModel) learn(it time.Duration, k *keyState) []window {
	if len(m.ring) < m.cfg.History {
		m.ring = append(m.ring, it)
	} else {
		m.ring[m.next] = it
		m.next = (m.next + 1) % len(m.ring)
	}
	mem := cmpOr(k.memoryMB, m.cfg.DefaultMemoryMB)
	if len(m.ring) < m.cfg.MinSamples {
		return []window{{end: m.cfg.newKeepAlive(mem)}}
	}
	m.fresh++
	if !covers(m.plan, it) {
		m.misses++
	}
	// A Key whose calls keep landing in its plan re-plans only every
	// eighth idle time.
	if m.misses > 0 || m.fresh >= 8 || len(m.ring) <= 8 {
		m.plan = cheapestPlan(m.ring, float64(mem), m.cfg.ColdStartCost, yunLead*k.startTook)
		m.misses, m.fresh = 0, 0
	}
	if len(m.plan) == 1 && m.plan[0].pre == 0 {
		// Beyond the idle times seen, keep the instance until holding it
		// would have cost a cold start (ski rental).
		return []window{{end: max(m.plan[0].end, m.cfg.breakEven(mem))}}
	}
	return m.plan
}

// covers reports whether idle time it falls in one of plan's windows.
func covers(plan []window, it time.Duration) bool {
	for _, w := range plan {
		if it >= w.pre && it <= w.end {
			return true
		}
	}
	return false
}

// breakEven is how long an idle instance of mem megabytes costs as much as
// a cold start, within MaxKeepAlive.
func (c *YunConfig) breakEven(mem int) time.Duration {
	d := time.Duration(c.ColdStartCost / float64(mem) * float64(time.Second))
	return min(max(d, time.Minute), c.MaxKeepAlive)
}

// newKeepAlive is the keep-alive of a Key not yet learned.
func (c *YunConfig) newKeepAlive(mem int) time.Duration {
	if c.NewKeepAlive > 0 {
		return c.NewKeepAlive
	}
	return c.breakEven(mem)
}

// cheapestPlan returns the windows that would have cost least over the idle
// times its, each cold start costing coldCost and each second an instance
// is held idle costing memMB. The sorted idle times fall into clusters
// (split where the gap to the next is more than a quarter of the idle time
// and more than twice the slack plus the lead); a window spans one or more
// consecutive clusters, from just before its first idle time to just after
// its last. A window pays for the time its instance is held while calls in
// it wait, and for its whole width (and a pre-warm's lead) for every idle
// time beyond it; it saves a cold start for each call in it. Windows that do
// not overlap cost independently, so the best plan is a weighted interval
// scheduling over the clusters. A window that would open within the lead
// time opens at once (pre 0: the last instance is kept). A pre-warmed
// window needs two idle times in it, or all of them. Gaps between clusters
// that the plan leaves uncovered are charged as if one more idle time fell
// in each (so as not to over-fit the samples seen).
func cheapestPlan(its []time.Duration, memMB, coldCost float64, lead time.Duration) []window {
	s := make([]float64, len(its))
	for i, it := range its {
		s[i] = it.Seconds()
	}
	slices.Sort(s)
	n := len(s)
	prefix := make([]float64, n+1)
	for i, v := range s {
		prefix[i+1] = prefix[i] + v
	}
	slack, leadS := yunSlack.Seconds(), lead.Seconds()
	var starts []int // first index of each cluster
	for i := range s {
		if i == 0 || s[i]-s[i-1] > max(0.25*s[i-1], 2*slack+leadS) {
			starts = append(starts, i)
		}
	}
	k := len(starts)
	starts = append(starts, n)
	// The next idle time is as likely to fall between any two of the n
	// seen as anywhere else: a plan that leaves such a gap uncovered
	// expects a cold start there (n/(n+1) of one over n idle times).
	gap := coldCost * float64(n) / float64(n+1)
	// span returns the window over clusters a..b and what it saves; kept
	// keeps the last instance from the start instead of pre-warming.
	span := func(a, b int, kept bool) (window, float64) {
		lo, hi := starts[a], starts[b+1]
		pre := s[lo]*(1-yunSlackRatio) - slack
		end := s[hi-1]*(1+yunSlackRatio) + slack
		extra := leadS
		if pre <= leadS || kept {
			pre, extra = 0, 0
			lo = 0
		}
		count := hi - lo
		if pre > 0 && count < 2 && count < n {
			return window{}, math.Inf(-1)
		}
		after := n - sort.SearchFloat64s(s, end+1e-9)
		held := prefix[hi] - prefix[lo] - float64(count)*(pre-extra) + float64(after)*(end-pre+extra)
		covered := b - a // gaps between clusters inside the window
		if a == 0 && pre == 0 {
			covered++ // and the one before the first idle time
		}
		return window{pre: seconds(pre), end: seconds(end)}, float64(count)*coldCost - held*memMB + float64(covered)*gap
	}
	// best[b] is the most saved with clusters before b; choice[b] the
	// window ending just before b (from cluster from[b]) or none.
	best := make([]float64, k+1)
	from := make([]int, k+1)
	kept := make([]bool, k+1)
	for b := 1; b <= k; b++ {
		best[b], from[b] = best[b-1], -1
		for a := 0; a < b; a++ {
			if _, v := span(a, b-1, false); best[a]+v > best[b] {
				best[b], from[b], kept[b] = best[a]+v, a, false
			}
		}
		if _, v := span(0, b-1, true); v > best[b] {
			best[b], from[b], kept[b] = v, 0, true
		}
	}
	var plan []window
	for b := k; b > 0; {
		if from[b] < 0 {
			b--
			continue
		}
		w, _ := span(from[b], b-1, kept[b])
		plan = append(plan, w)
		b = from[b]
	}
	slices.Reverse(plan)
	return plan
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// yunName names the policy as ParseKeepAlivePolicy takes it.
func yunName(cost float64) string {
	if cost == DefaultColdStartCost {
		return "yun"
	}
	return "yun:" + strconv.FormatFloat(cost, 'f', -1, 64)
}
