package wasm

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"time"
)

// spareDirs is how many empty scratch directories wait for instances.
const spareDirs = 8

// scratchDirs hands out empty private directories, one per instance for its
// /tmp. Making a directory costs a few hundred microseconds on a slow disk,
// a good part of a cold start, so run makes a few ahead of time. The
// directories are numbered, not named after instances: the name is never
// shown to the guest.
type scratchDirs struct {
	dir   string
	log   *slog.Logger
	seq   atomic.Uint64
	ready chan string // made and unused
	quit  chan struct{}
	done  chan struct{}
}

func newScratchDirs(dir string, log *slog.Logger) *scratchDirs {
	return &scratchDirs{dir: dir, log: log, ready: make(chan string, spareDirs),
		quit: make(chan struct{}), done: make(chan struct{})}
}

// take returns a new empty directory, made ahead if one is ready.
func (s *scratchDirs) take() (string, error) {
	select {
	case d := <-s.ready:
		return d, nil
	default:
		return s.make()
	}
}

func (s *scratchDirs) make() (string, error) {
	d := filepath.Join(s.dir, strconv.FormatUint(s.seq.Add(1), 10))
	if err := os.Mkdir(d, 0o700); err != nil {
		return "", fmt.Errorf("scratch dir: %w", err)
	}
	return d, nil
}

// run keeps spare directories ready until close. After a failure it waits
// a little before trying again; take makes its own meanwhile.
func (s *scratchDirs) run() {
	defer close(s.done)
	for {
		d, err := s.make()
		if err != nil {
			s.log.Warn("cannot make a spare scratch dir", "err", err)
			select {
			case <-time.After(time.Second):
				continue
			case <-s.quit:
				return
			}
		}
		select {
		case s.ready <- d:
		case <-s.quit:
			os.Remove(d)
			return
		}
	}
}

// close stops run and removes the spare directories.
func (s *scratchDirs) close() {
	close(s.quit)
	<-s.done
	for {
		select {
		case d := <-s.ready:
			os.Remove(d)
		default:
			return
		}
	}
}
