package probe

import (
	"math"
	"runtime"
	"syscall"
	"time"
)

// rusageThread is Linux's RUSAGE_THREAD: the calling thread's usage.
const rusageThread = 1

// threadCPU is the CPU time of the calling thread; 0 when unknown.
func threadCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(rusageThread, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// sample takes one Tick and appends it.
func (s *Sampler) sample() {
	// The sample's own CPU is measured on its thread, so that the load
	// generator's share of this process can be told from the probe's.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	before := threadCPU()
	s.mu.Lock()
	defer s.mu.Unlock()
	defer func() { s.probeCPU += threadCPU() - before }()
	first := len(s.ticks) == 0
	t := Tick{At: s.cfg.Clock.Now(), Instances: -1, ColdStarts: -1}
	yun, _ := CPUTime(pidString(s.cfg.PID))
	self, _ := CPUTime("self")
	kids, _ := children("/proc", s.parent())
	machine, merr := MachineCPU("/proc")
	if first {
		s.base = tickBase{yunCPU: yun, selfCPU: self, machine: machine, initial: map[int]bool{},
			childCPU: map[int]time.Duration{}, startCPU: map[int]time.Duration{}}
	}
	t.YunCPU, t.SelfCPU, t.ProbeCPU = yun-s.base.yunCPU, self-s.base.selfCPU, s.probeCPU
	t.MachineCPU = machine - s.base.machine
	if merr != nil {
		t.MachineCPU = -1
	}
	t.InstanceCPU = s.childCPU(kids, first)
	switch s.source {
	case SourceMetrics:
		s.fromMetrics(&t, first)
	case SourceProcess:
		t.Instances, t.ColdStarts = len(kids), s.newChildren()
	}
	s.ticks = append(s.ticks, t)
}

// childCPU folds the children's CPU times into the per-child maxima and
// returns the CPU used by all children since the first sample.
func (s *Sampler) childCPU(kids map[int]time.Duration, first bool) time.Duration {
	for pid, cpu := range kids {
		if first {
			s.base.initial[pid] = true
			s.base.startCPU[pid] = cpu
		}
		s.base.childCPU[pid] = max(s.base.childCPU[pid], cpu)
	}
	var total time.Duration
	for pid, cpu := range s.base.childCPU {
		total += cpu - s.base.startCPU[pid]
	}
	return total
}

// newChildren counts the children seen that were not there at first.
func (s *Sampler) newChildren() int {
	n := 0
	for pid := range s.base.childCPU {
		if !s.base.initial[pid] {
			n++
		}
	}
	return n
}

func (s *Sampler) fromMetrics(t *Tick, first bool) {
	sc, ok := s.scrape()
	if !ok {
		return
	}
	if first {
		s.base.cold = sc.coldStarts
	}
	if sc.hasColdStarts || sc.yun {
		t.ColdStarts = int(math.Round(sc.coldStarts - s.base.cold))
	}
	if sc.yun && sc.byState == nil {
		t.ByState, t.Instances = map[string]int{}, 0
	}
	if sc.byState != nil {
		t.ByState, t.Instances = map[string]int{}, 0
		for state, v := range sc.byState {
			t.ByState[state] = int(math.Round(v))
			if state != "stopped" && state != "failed" {
				t.Instances += int(math.Round(v))
			}
		}
	}
}
