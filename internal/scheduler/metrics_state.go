package scheduler

import "github.com/prometheus/client_golang/prometheus"

var (
	descQueueLength = prometheus.NewDesc("yun_queue_length",
		"Requests waiting for an instance slot.", []string{"function"}, nil)
	descInstances = prometheus.NewDesc("yun_instances",
		"Instances by state (starting, idle, busy, draining) and kind (provisioned, on-demand).",
		[]string{"function", "state", "kind"}, nil)
	descProvisionedTarget = prometheus.NewDesc("yun_provisioned_target",
		"Provisioned instances the function's current Keys are kept at.", []string{"function"}, nil)
	descMemoryReserved = prometheus.NewDesc("yun_node_memory_reserved_megabytes",
		"Memory the node's instances reserve (their memorySize).", nil, nil)
	descMemoryCapacity = prometheus.NewDesc("yun_node_memory_capacity_megabytes",
		"Memory the node lends to instances; 0 means unlimited.", nil, nil)
)

// stateCollector reports the scheduler's state at scrape time, one pool at a
// time, so that gauges never go stale and deleted functions disappear.
type stateCollector struct{ s *Scheduler }

func (c stateCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descQueueLength, descInstances, descProvisionedTarget, descMemoryReserved, descMemoryCapacity} {
		ch <- d
	}
}

// instanceSeries identifies one yun_instances series.
type instanceSeries struct{ function, state, kind string }

func (c stateCollector) Collect(ch chan<- prometheus.Metric) {
	queued := make(map[string]int)
	provisioned := make(map[string]int)
	instances := make(map[instanceSeries]int)
	for _, p := range c.s.livePools() {
		p.observe(queued, provisioned, instances)
	}
	for fn, n := range queued {
		ch <- prometheus.MustNewConstMetric(descQueueLength, prometheus.GaugeValue, float64(n), fn)
	}
	for fn, n := range provisioned {
		ch <- prometheus.MustNewConstMetric(descProvisionedTarget, prometheus.GaugeValue, float64(n), fn)
	}
	for k, n := range instances {
		ch <- prometheus.MustNewConstMetric(descInstances, prometheus.GaugeValue, float64(n), k.function, k.state, k.kind)
	}
	_, l := c.s.capacity.snapshot()
	ch <- prometheus.MustNewConstMetric(descMemoryReserved, prometheus.GaugeValue, float64(l.usedMB))
	ch <- prometheus.MustNewConstMetric(descMemoryCapacity, prometheus.GaugeValue, float64(l.memoryMB))
}

// observe adds the pool's queue, provisioned target and instances to the
// totals of its function.
func (p *pool) observe(queued, provisioned map[string]int, instances map[instanceSeries]int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fn := p.target.Function
	queued[fn] += p.queue.len()
	provisioned[fn] += p.provisioned
	for _, in := range p.instances {
		instances[instanceSeries{fn, metricState(in), in.kind.String()}]++
	}
}

// metricState splits ready into idle and busy.
func metricState(in *instance) string {
	switch {
	case in.state != StateReady:
		return in.state.String()
	case in.busy == 0:
		return "idle"
	}
	return "busy"
}
