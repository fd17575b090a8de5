package desk

import (
	"runtime"
	"sync"

	"github.com/ticketdesk/ticket/gitstore"
	"github.com/ticketdesk/ticket/index"
	"github.com/ticketdesk/ticket/ticket"
)

// LoadHeads loads every ticket's front matter and the digest of its
// conversation (Loaded.Digest) without the conversation itself: through the
// index a listing of 100,000 tickets then reads a few megabytes, not the
// entries. Loaded.Full reads the entries of one ticket when a command needs
// them. Files that do not parse are reported to warn and skipped, as in
// LoadAll.
func (d *Desk) LoadHeads(r gitstore.Reader, warn func(error)) ([]*Loaded, error) {
	return d.LoadHeadsWhere(r, warn, nil)
}

// LoadHeadsWhere is LoadHeads keeping only tickets whose status passes
// keep (nil keeps all). Through the index the status is read before the
// rest of the head, so a listing of the active tickets does not decode
// the closed ones.
func (d *Desk) LoadHeadsWhere(r gitstore.Reader, warn func(error), keep func(ticket.Status) bool) ([]*Loaded, error) {
	if !noIndex() {
		res, ok, err := d.loadIndexed(r, true)
		if err != nil {
			return nil, err
		}
		if ok {
			if keep != nil {
				want := make([]bool, len(res))
				eachParallel(len(res), func(i int) {
					s, ok := res[i].Status()
					want[i] = !ok || keep(s)
				})
				n := 0
				for i := range res {
					if want[i] {
						res[n] = res[i]
						n++
					}
				}
				res = res[:n]
			}
			// One allocation for all the heads and one for the
			// Loaded values: 100,000 small ones cost more in the
			// allocator and the collector than the decoding.
			out := make([]*Loaded, len(res))
			errs := make([]error, len(res))
			heads := make([]ticket.Ticket, len(res))
			ls := make([]Loaded, len(res))
			eachParallel(len(res), func(i int) {
				t := &heads[i]
				dg, err := res[i].HeadInto(t)
				if err != nil {
					errs[i] = err
					return
				}
				if want := ticket.IDFromPath(res[i].Path); t.ID != want {
					_, errs[i] = d.checkLoaded(index.Result{Path: res[i].Path, Ticket: t})
					return
				}
				ls[i] = Loaded{Ticket: t, Path: res[i].Path, Digest: dg, res: &res[i]}
				out[i] = &ls[i]
			})
			kept := out[:0]
			for i, l := range out {
				if errs[i] != nil {
					if warn != nil {
						warn(errs[i])
					}
					continue
				}
				kept = append(kept, l)
			}
			return kept, nil
		}
	}
	all, err := d.LoadAll(r, warn)
	if err != nil {
		return nil, err
	}
	kept := all[:0]
	for _, l := range all {
		if keep == nil || keep(l.Status) {
			l.Digest = ticket.DigestOf(l.Ticket)
			kept = append(kept, l)
		}
	}
	return kept, nil
}

// Full makes sure the ticket holds its whole conversation, reading it from
// the index when it was loaded by LoadHeads.
func (l *Loaded) Full() error {
	if l.res == nil {
		return nil
	}
	t, err := l.res.Load()
	if err != nil {
		return err
	}
	l.Ticket, l.res = t, nil
	return nil
}

// Whole returns the ticket with its conversation without keeping the
// conversation on l, for commands that look at each ticket once.
func (l *Loaded) Whole() (*ticket.Ticket, error) {
	if l.res == nil {
		return l.Ticket, nil
	}
	return l.res.Decode()
}

// FullAll reads the conversations of many tickets on every core, reporting
// tickets that cannot be read to warn and leaving them out.
func FullAll(ls []*Loaded, warn func(error)) []*Loaded {
	errs := make([]error, len(ls))
	eachParallel(len(ls), func(i int) { errs[i] = ls[i].Full() })
	kept := ls[:0]
	for i, l := range ls {
		if errs[i] != nil {
			if warn != nil {
				warn(errs[i])
			}
			continue
		}
		kept = append(kept, l)
	}
	return kept
}

// eachParallel calls fn for 0..n-1 on every core.
func eachParallel(n int, fn func(i int)) {
	w := max(1, min(runtime.GOMAXPROCS(0), 8))
	if n < 256 {
		w = 1
	}
	var wg sync.WaitGroup
	for g := range w {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g * n / w; i < (g+1)*n/w; i++ {
				fn(i)
			}
		}()
	}
	wg.Wait()
}
