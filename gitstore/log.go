package gitstore

import (
	"container/heap"
	"fmt"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Commit is one entry of a file's history.
type Commit struct {
	Hash    string
	Author  string
	Email   string
	When    time.Time // author time
	Message string
}

// Log returns the commits that changed the file (or folder) at path,
// relative to the desk, newest first, at most limit of them (0 for all).
//
// It follows git log's default history simplification: a commit is shown
// when the path's blob differs from its parent's; a merge whose path equals
// one of its parents' is skipped and only that parent is followed. Only the
// one path is resolved in each tree, with trees decoded once each, which is
// what makes it fast next to a generic diff-based path filter.
func (s *Store) Log(path string, limit int) ([]Commit, error) {
	rel, err := cleanRel(path)
	if err != nil {
		return nil, err
	}
	full := joinPrefix(s.prefix, rel)
	hd, err := s.readHead()
	if err != nil {
		return nil, err
	}
	if hd.hash.IsZero() {
		return nil, nil
	}
	w := &logWalk{
		s:       s,
		full:    full,
		paths:   newPathLookup(s.repo.Storer, full),
		commits: make(map[plumbing.Hash]*object.Commit),
		at:      make(map[plumbing.Hash]plumbing.Hash),
		seen:    make(map[plumbing.Hash]bool),
	}
	if err := w.push(hd.hash); err != nil {
		return nil, err
	}
	var out []Commit
	for w.q.Len() > 0 && (limit <= 0 || len(out) < limit) {
		c := heap.Pop(&w.q).(queued).c
		delete(w.commits, c.Hash) // only its path hash is needed from now on
		h, err := w.pathHash(c.Hash)
		if err != nil {
			return nil, err
		}
		show := false
		switch len(c.ParentHashes) {
		case 0:
			show = !h.IsZero()
		case 1:
			ph, err := w.pathHash(c.ParentHashes[0])
			if err != nil {
				return nil, err
			}
			show = ph != h
			if err := w.push(c.ParentHashes[0]); err != nil {
				return nil, err
			}
		default:
			same := plumbing.ZeroHash
			for _, p := range c.ParentHashes {
				ph, err := w.pathHash(p)
				if err != nil {
					return nil, err
				}
				if ph == h {
					same = p
					break
				}
			}
			parents := c.ParentHashes
			if !same.IsZero() {
				parents = []plumbing.Hash{same}
			} else {
				show = true
			}
			for _, p := range parents {
				if err := w.push(p); err != nil {
					return nil, err
				}
			}
		}
		if show {
			out = append(out, Commit{
				Hash:    c.Hash.String(),
				Author:  c.Author.Name,
				Email:   c.Author.Email,
				When:    c.Author.When,
				Message: c.Message,
			})
		}
	}
	return out, nil
}

type logWalk struct {
	s       *Store
	full    string
	paths   *pathLookup
	commits map[plumbing.Hash]*object.Commit
	at      map[plumbing.Hash]plumbing.Hash // commit -> object at path
	seen    map[plumbing.Hash]bool
	q       commitQueue
	seq     int
}

func (w *logWalk) commit(h plumbing.Hash) (*object.Commit, error) {
	if c, ok := w.commits[h]; ok {
		return c, nil
	}
	c, err := w.s.repo.CommitObject(h)
	if err != nil {
		return nil, fmt.Errorf("commit %s: %w", h, err)
	}
	w.commits[h] = c
	return c, nil
}

// pathHash is the id of what the commit holds at the path, zero if nothing.
func (w *logWalk) pathHash(h plumbing.Hash) (plumbing.Hash, error) {
	if v, ok := w.at[h]; ok {
		return v, nil
	}
	c, err := w.commit(h)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	v := c.TreeHash
	if w.full != "" {
		if v, err = w.paths.at(c.TreeHash); err != nil {
			return plumbing.ZeroHash, fmt.Errorf("%s at %s: %w", w.full, h, err)
		}
	}
	w.at[h] = v
	return v, nil
}

func (w *logWalk) push(h plumbing.Hash) error {
	if w.seen[h] {
		return nil
	}
	w.seen[h] = true
	c, err := w.commit(h)
	if err != nil {
		return err
	}
	w.seq++
	heap.Push(&w.q, queued{c: c, seq: w.seq})
	return nil
}

// commitQueue orders commits newest committer date first, like git log,
// with ties broken by discovery order.
type queued struct {
	c   *object.Commit
	seq int
}

type commitQueue []queued

func (q commitQueue) Len() int { return len(q) }
func (q commitQueue) Less(i, j int) bool {
	a, b := q[i].c.Committer.When, q[j].c.Committer.When
	if !a.Equal(b) {
		return a.After(b)
	}
	return q[i].seq < q[j].seq
}
func (q commitQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *commitQueue) Push(x any)   { *q = append(*q, x.(queued)) }
func (q *commitQueue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}
