package scheduler

import (
	"math"
	"time"
)

// HybridConfig tunes the hybrid histogram policy. The zero value is the
// paper's configuration.
type HybridConfig struct {
	// Range and Bin shape each Key's idle-time histogram. Defaults 4h and
	// 1m: 240 bins.
	Range, Bin time.Duration
	// Head and Tail are the percentiles of idle time that open and close
	// the keep-alive window. Defaults 0.05 and 0.99.
	Head, Tail float64
	// Margin widens the window on both sides: the head shrinks and the
	// tail grows by it. Default 0.10.
	Margin float64
	// CVThreshold is the coefficient of variation of the bin counts below
	// which the histogram is not representative. Default 2.
	CVThreshold float64
	// MinSamples is the fewest in-range idle times a representative
	// histogram holds. Default 5.
	MinSamples int
	// OOBThreshold is the share of idle times beyond Range above which the
	// Key is predicted from its recent out-of-range idle times instead of
	// the histogram. Default 0.5.
	OOBThreshold float64
	// OOBMargin widens that prediction's window on both sides, as the
	// paper's ARIMA margin. Default 0.15.
	OOBMargin float64
	// Fallback is the standard keep-alive used while the histogram is not
	// representative (no pre-warm). Default Range, as in the paper.
	Fallback time.Duration
}

func (c HybridConfig) withDefaults() HybridConfig {
	c.Range = cmpOr(c.Range, 4*time.Hour)
	c.Bin = cmpOr(c.Bin, time.Minute)
	c.Head = cmpOr(c.Head, 0.05)
	c.Tail = cmpOr(c.Tail, 0.99)
	c.Margin = cmpOr(c.Margin, 0.10)
	c.CVThreshold = cmpOr(c.CVThreshold, 2)
	c.MinSamples = cmpOr(c.MinSamples, 5)
	c.OOBThreshold = cmpOr(c.OOBThreshold, 0.5)
	c.OOBMargin = cmpOr(c.OOBMargin, 0.15)
	c.Fallback = cmpOr(c.Fallback, c.Range)
	return c
}

func cmpOr[T int | float64 | time.Duration](v, def T) T {
	if v == 0 {
		return def
	}
	return v
}

// NewHybridPolicy returns the hybrid histogram policy of Shahrad et al.,
// "Serverless in the Wild" (USENIX ATC 2020), §4.2: per Key, a histogram of
// idle times in Bin-wide bins over Range. While it is representative
// (enough samples, bin counts' CV at least CVThreshold), an idle Key is
// unloaded, pre-warmed at the Head percentile of idle time (less Margin)
// and kept until the Tail percentile (plus Margin); with no head (the head
// bin is the first) the instance is simply kept until then. While it is
// not, the policy falls back to a fixed keep-alive of Fallback. When most
// idle times fall beyond Range the paper forecasts the next one with ARIMA;
// this policy uses the mean of the last ten out-of-range idle times
// instead, with the same margins (pre-warm at 85% of it, keep 30% of it).
func NewHybridPolicy(cfg HybridConfig) AdaptivePolicy {
	cfg = cfg.withDefaults()
	bins := int(cfg.Range / cfg.Bin)
	initial := func(int) []window { return []window{{end: cfg.Fallback}} }
	return newWindowed("hybrid", initial, 0, func() model {
		return &histogram{cfg: &cfg, bins: make([]int32, bins)}
	})
}

// histogram is the hybrid policy's model of one Key.
type histogram struct {
	cfg   *HybridConfig
	bins  []int32
	n     int     // idle times in range
	sumsq float64 // Σ bin count²
	oob   int     // idle times beyond range
	last  []time.Duration
}

func (h *histogram) learn(it time.Duration, _ *keyState) []window {
	if b := int(it / h.cfg.Bin); b < len(h.bins) {
		c := float64(h.bins[b])
		h.sumsq += 2*c + 1 // (c+1)² - c²
		h.bins[b]++
		h.n++
	} else {
		h.oob++
		if h.last = append(h.last, it); len(h.last) > 10 {
			h.last = h.last[1:]
		}
	}
	return []window{h.window()}
}

// window applies the paper's rules to the histogram as it is.
func (h *histogram) window() window {
	c := h.cfg
	if float64(h.oob) >= c.OOBThreshold*float64(h.n+h.oob) && h.oob > 0 {
		var sum time.Duration
		for _, it := range h.last {
			sum += it
		}
		pred := float64(sum) / float64(len(h.last))
		pre := time.Duration(pred * (1 - c.OOBMargin))
		return window{pre: pre, end: pre + time.Duration(pred*c.OOBMargin*2)}
	}
	if h.n < c.MinSamples || h.cv() < c.CVThreshold {
		return window{end: c.Fallback}
	}
	head, tail := h.percentile(c.Head), h.percentile(c.Tail)
	pre := time.Duration(float64(time.Duration(head)*c.Bin) * (1 - c.Margin))
	end := time.Duration(float64(time.Duration(tail+1)*c.Bin) * (1 + c.Margin))
	return window{pre: pre, end: end}
}

// cv is the coefficient of variation of the bin counts.
func (h *histogram) cv() float64 {
	b := float64(len(h.bins))
	mean := float64(h.n) / b
	if mean == 0 {
		return 0
	}
	variance := (h.sumsq - b*mean*mean) / (b - 1)
	return math.Sqrt(max(0, variance)) / mean
}

// percentile returns the first bin at which the cumulative share of
// in-range idle times reaches p.
func (h *histogram) percentile(p float64) int {
	need := p * float64(h.n)
	cum := 0
	for i, c := range h.bins {
		cum += int(c)
		if float64(cum) >= need {
			return i
		}
	}
	return len(h.bins) - 1
}
