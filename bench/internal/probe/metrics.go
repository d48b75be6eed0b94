package probe

import (
	"bufio"
	"strconv"
	"strings"
)

// scrape is what a /metrics page says about instances.
type scrape struct {
	coldStarts    float64 // sum of the cold-start counters
	hasColdStarts bool
	byState       map[string]float64 // instances by state label; nil when none
	families      []string           // the metric families used, for the report
	// yun says the page is Yun's (a yun_ family): a missing cold-start
	// counter or instance gauge then means none yet, not an unknown.
	yun bool
}

// parseMetrics reads Prometheus text exposition. It sums every sample of a
// family whose name contains "cold_start" and ends in "_total", and every
// sample with a "state" label of a family whose name ends in "instances".
func parseMetrics(text string) scrape {
	var s scrape
	used := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		name, labels, value, ok := parseSample(sc.Text())
		if !ok {
			continue
		}
		if strings.HasPrefix(name, "yun_") {
			s.yun = true
		}
		switch state, hasState := labels["state"]; {
		case strings.Contains(name, "cold_start") && strings.HasSuffix(name, "_total"):
			s.coldStarts += value
			s.hasColdStarts = true
		case strings.HasSuffix(name, "instances") && hasState:
			if s.byState == nil {
				s.byState = map[string]float64{}
			}
			s.byState[state] += value
		default:
			continue
		}
		if !used[name] {
			used[name] = true
			s.families = append(s.families, name)
		}
	}
	return s
}

// parseSample splits `name{a="x",b="y"} value [timestamp]`. Label values
// with escaped quotes or commas are not needed here and not supported.
func parseSample(line string) (name string, labels map[string]string, value float64, ok bool) {
	line = strings.TrimSpace(line)
	if line == "" || line[0] == '#' {
		return "", nil, 0, false
	}
	rest := line
	if i := strings.IndexAny(line, "{ "); i >= 0 && line[i] == '{' {
		j := strings.IndexByte(line, '}')
		if j < i {
			return "", nil, 0, false
		}
		name, labels, rest = line[:i], parseLabels(line[i+1:j]), line[j+1:]
	} else if i >= 0 {
		name, rest = line[:i], line[i:]
	}
	fields := strings.Fields(rest)
	if name == "" || len(fields) == 0 {
		return "", nil, 0, false
	}
	v, err := strconv.ParseFloat(fields[0], 64)
	return name, labels, v, err == nil
}

func parseLabels(s string) map[string]string {
	out := map[string]string{}
	for _, pair := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(pair, "=")
		if ok {
			out[strings.TrimSpace(k)] = strings.Trim(strings.TrimSpace(v), `"`)
		}
	}
	return out
}
