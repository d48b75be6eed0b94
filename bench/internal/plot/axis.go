package plot

import (
	"math"
	"strconv"
)

// axis maps data values to pixels, linearly or logarithmically.
type axis struct {
	lo, hi   float64 // data range, as drawn (log10 of it for a log axis)
	log      bool
	from, to float64 // pixel range
}

// newAxis fits the values into [from, to], rounding the range out to tick
// values. With no usable value the range is [0, 1].
func newAxis(values []float64, log bool, from, to float64) axis {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range values {
		if usable(v, log) {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	a := axis{log: log, from: from, to: to}
	switch {
	case math.IsInf(lo, 1) && log:
		a.lo, a.hi = 0, 1
	case math.IsInf(lo, 1):
		a.lo, a.hi = 0, 1
	case log:
		a.lo, a.hi = math.Floor(math.Log10(lo)), math.Ceil(math.Log10(hi))
	default:
		step := niceStep(hi - math.Min(lo, 0))
		a.lo, a.hi = math.Floor(math.Min(lo, 0)/step)*step, math.Ceil(hi/step)*step
	}
	if a.hi <= a.lo {
		a.hi = a.lo + 1
	}
	return a
}

// pos is the pixel of value v.
func (a axis) pos(v float64) float64 {
	if a.log {
		v = math.Log10(v)
	}
	return a.from + (v-a.lo)/(a.hi-a.lo)*(a.to-a.from)
}

// ticks are the values to label: about five nice steps, or 1-2-5 per decade
// on a log axis (only the powers of ten when there are many decades).
func (a axis) ticks() []float64 {
	var out []float64
	if a.log {
		mults := []float64{1, 2, 5}
		if a.hi-a.lo > 3 {
			mults = []float64{1}
		}
		for e := a.lo; e <= a.hi; e++ {
			for _, m := range mults {
				if v := m * math.Pow(10, e); math.Log10(v) <= a.hi+1e-9 {
					out = append(out, v)
				}
			}
		}
		return out
	}
	step := niceStep(a.hi - a.lo)
	for v := a.lo; v <= a.hi+step/1e6; v += step {
		out = append(out, math.Round(v/step)*step)
	}
	return out
}

// niceStep is a 1, 2 or 5 × 10^k step that cuts span into about five.
func niceStep(span float64) float64 {
	if span <= 0 {
		return 1
	}
	raw := span / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			return m * mag
		}
	}
	return 10 * mag
}

// label prints a tick value briefly: 1280, 0.5, 1e+06.
func label(v float64) string {
	return strconv.FormatFloat(v, 'g', 4, 64)
}
