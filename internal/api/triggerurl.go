package api

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/yun-fc/yun/internal/fc"
)

// triggerPrefix starts the URL of every HTTP trigger. A trigger is reached
// on the API's own port at
//
//	/yun/http/{accountId}/{functionName}/{qualifier}/{path…}
//
// where qualifier is the trigger's (LATEST when it has none) and path, with
// its query, is what the function sees as the request: GET
// /yun/http/1234/shop/prod/cart?id=7 gives the function rawPath "/cart" and
// the query id=7. The URL names the function and qualifier, not the trigger,
// so it stays the same when a trigger is re-created or renamed, and FC's
// one-HTTP-trigger-per-qualifier rule makes it unambiguous. Yun's own
// non-FC paths all live under /yun/, so no FC path can collide.
const triggerPrefix = "/yun/http/"

// triggerTarget is what a trigger URL names.
type triggerTarget struct {
	account, function, qualifier string
	rest                         string // escaped, starts with '/'
}

// parseTriggerPath splits an escaped path under triggerPrefix.
func parseTriggerPath(escaped string) (triggerTarget, error) {
	parts := strings.SplitN(strings.TrimPrefix(escaped, triggerPrefix), "/", 4)
	if len(parts) < 3 {
		return triggerTarget{}, noTriggerAt(escaped)
	}
	account, err := url.PathUnescape(parts[0])
	if err != nil || account == "" || fc.ValidName(parts[1]) != nil || fc.ValidQualifier(parts[2]) != nil {
		return triggerTarget{}, noTriggerAt(escaped)
	}
	t := triggerTarget{account: account, function: parts[1], qualifier: parts[2], rest: "/"}
	if len(parts) == 4 {
		t.rest += parts[3]
	}
	return t, nil
}

func noTriggerAt(path string) *fc.Error {
	return fc.Errorf(http.StatusNotFound, "TriggerNotFound",
		"no HTTP trigger at '%s': trigger URLs are %s{accountId}/{functionName}/{qualifier}/…", path, triggerPrefix)
}

// triggerURL is the base URL of the HTTP trigger of a function qualifier.
func (s *Server) triggerURL(r *http.Request, account, function, qualifier string) string {
	return s.baseURL(r) + triggerPrefix + url.PathEscape(account) + "/" + function + "/" + qualifier
}
