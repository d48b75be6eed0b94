package api

import (
	"net/http"
	"strings"
	"sync"
)

// functionLocks orders a function's deletion with the writes that add to
// it or change it (versions, aliases, triggers, configs, its code): each
// such write holds its function's lock shared, from its check that the
// function exists to its last store write; DeleteFunction holds it
// exclusively. So nothing is added to a function while it is being deleted,
// to be left behind or inherited by a new function of the same name.
// Functions share 64 locks by a hash of their names: a write waits only
// while a DeleteFunction of a function sharing its lock waits or runs.
// Bodies are read (and bounded) before any handler runs, so a slow client
// holds no lock.
type functionLocks [64]sync.RWMutex

func (l *functionLocks) of(account, name string) *sync.RWMutex {
	h := uint32(2166136261) // FNV-1a
	for _, s := range [...]string{account, "/", name} {
		for i := 0; i < len(s); i++ {
			h = (h ^ uint32(s[i])) * 16777619
		}
	}
	return &l[h%uint32(len(l))]
}

// lockFunction wraps the handler of a route under /functions/{name} that
// writes: DeleteFunction holds the function's lock exclusively, the other
// writes shared (see functionLocks). Reads and invocations take no lock;
// CreateFunction, whose name is in its body, takes it itself.
func (s *Server) lockFunction(pattern string, h handlerFunc) handlerFunc {
	method, path, _ := strings.Cut(pattern, " ")
	_, rest, isFunction := strings.Cut(path, "/functions/{name}")
	switch {
	case !isFunction, method == http.MethodGet, rest == "/invocations", strings.HasPrefix(rest, "/async-tasks"):
		return h
	case method == http.MethodDelete && rest == "":
		return func(w http.ResponseWriter, r *http.Request) error {
			l := s.functionLocks.of(accountID(r.Context()), r.PathValue("name"))
			l.Lock()
			defer l.Unlock()
			return h(w, r)
		}
	}
	return func(w http.ResponseWriter, r *http.Request) error {
		l := s.functionLocks.of(accountID(r.Context()), r.PathValue("name"))
		l.RLock()
		defer l.RUnlock()
		return h(w, r)
	}
}
