package mailin

import (
	"sync"

	"github.com/ticketdesk/ticket/importers"
)

// Parallel parses messages on several goroutines — parsing, and language
// detection above all, is most of an import's work — while filing them
// strictly in the order they were added, so threading sees every message
// after the ones before it. Add blocks when the queue is full, which keeps
// memory bounded however large the archive.
type Parallel struct {
	im    *Importer
	done  func(Result)
	work  chan *job
	order chan *job
	wg    sync.WaitGroup
	filed chan struct{}
	err   error
}

type job struct {
	raw   []byte
	src   Source
	m     *importers.Message
	perr  error
	ready chan struct{}
}

// Parallel starts workers parsing goroutines; done is called for every
// filed message, in order, on one goroutine. Close must be called.
func (im *Importer) Parallel(workers int, done func(Result)) *Parallel {
	if workers < 1 {
		workers = 1
	}
	p := &Parallel{im: im, done: done, work: make(chan *job, 64*workers), order: make(chan *job, 64*workers), filed: make(chan struct{})}
	for range workers {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			for j := range p.work {
				if j.src.Err != nil {
					j.perr = j.src.Err
				} else {
					o := im.parseOptions()
					o.NoLanguage = true
					j.m, j.perr = importers.Parse(j.raw, o)
					if j.perr == nil && !im.stored[j.m.MessageID] && opensTicket(j.m) {
						// Here, on every core, rather than when filing,
						// which runs on one; a reply never needs it.
						j.m.Language = importers.DetectLanguage(j.m.Subject, j.m.Text)
					} else {
						j.src.noLanguage = true
					}
				}
				close(j.ready)
			}
		}()
	}
	go func() {
		defer close(p.filed)
		for j := range p.order {
			<-j.ready
			if p.err != nil {
				continue
			}
			r, err := im.addParsed(j.raw, j.m, j.perr, j.src)
			if err != nil {
				p.err = err
				continue
			}
			if p.done != nil {
				p.done(r)
			}
		}
	}()
	return p
}

// opensTicket guesses, before filing, whether a message will open a new
// ticket: it names no earlier message and no ticket tag (and the caller
// checks that it is not stored already, as in a re-import). A wrong guess
// costs only time: filing detects the language of a new ticket whose
// message was not guessed so.
func opensTicket(m *importers.Message) bool {
	if len(m.InReplyTo) > 0 || len(m.References) > 0 || m.Bounced != "" || m.Loop {
		return false
	}
	_, tagged := importers.SubjectTag(m.Subject)
	return !tagged
}

// Add queues one raw message. raw must not be changed afterwards.
func (p *Parallel) Add(raw []byte, src Source) {
	j := &job{raw: raw, src: src, ready: make(chan struct{})}
	p.order <- j
	p.work <- j
}

// Close waits until every queued message is filed and returns the first
// error of the run.
func (p *Parallel) Close() error {
	close(p.work)
	close(p.order)
	p.wg.Wait()
	<-p.filed
	return p.err
}
