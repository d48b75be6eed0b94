package api

import (
	"regexp"
	"strings"

	"github.com/yun-fc/yun/internal/fc"
)

// rewriter applies a custom-domain route's rewriteConfig to the decoded
// path: equal rules, then wildcard rules, then regex rules; the first rule
// that matches gives the whole new path (its replacement, with $1… standing
// for the wildcards or groups), as nginx's rewrite does.
type rewriter struct {
	equal map[string]string
	rules []pathRule // wildcard rules, then regex rules
}

type pathRule struct {
	re          *regexp.Regexp
	replacement string // in regexp.Expand syntax
}

var dollarGroupRE = regexp.MustCompile(`\$(\d+)`)

func newRewriter(c *fc.RewriteConfig) (*rewriter, error) {
	if c == nil || len(c.EqualRules)+len(c.WildcardRules)+len(c.RegexRules) == 0 {
		return nil, nil
	}
	rw := &rewriter{equal: map[string]string{}}
	for _, r := range c.EqualRules {
		if _, dup := rw.equal[r.Match]; !dup {
			rw.equal[r.Match] = r.Replacement
		}
	}
	for _, r := range c.WildcardRules {
		rw.rules = append(rw.rules, pathRule{re: regexp.MustCompile(wildcardPattern(r.Match)), replacement: expandable(r.Replacement)})
	}
	for _, r := range c.RegexRules {
		re, err := regexp.Compile(r.Match)
		if err != nil {
			return nil, fc.InvalidArgument("regex rule %q does not compile: %v", r.Match, err)
		}
		rw.rules = append(rw.rules, pathRule{re: re, replacement: expandable(r.Replacement)})
	}
	return rw, nil
}

// wildcardPattern turns "/api/*/x" into an anchored regexp, each '*' a group.
func wildcardPattern(match string) string {
	parts := strings.Split(match, "*")
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return "^" + strings.Join(parts, "(.*)") + "$"
}

// expandable writes $1 as ${1}, so "$1.html" keeps its suffix.
func expandable(replacement string) string {
	return dollarGroupRE.ReplaceAllString(replacement, "$${$1}")
}

// rewrite returns the new path and whether a rule matched.
func (rw *rewriter) rewrite(path string) (string, bool) {
	if rw == nil {
		return path, false
	}
	if to, ok := rw.equal[path]; ok {
		return to, true
	}
	for _, r := range rw.rules {
		if m := r.re.FindStringSubmatchIndex(path); m != nil {
			return string(r.re.ExpandString(nil, r.replacement, path, m)), true
		}
	}
	return path, false
}
