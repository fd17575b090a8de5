package desk

import "github.com/ticketdesk/ticket/index"

// Peek decodes the ticket like Load but keeps nothing on l, so a search that
// looks at many tickets once (to apply --query) holds only those it keeps.
func (l Loadable) Peek() (*Loaded, error) {
	r := *l.res
	t, err := r.Load()
	if err != nil {
		return nil, err
	}
	return l.d.checkLoaded(index.Result{Path: l.Path, Ticket: t})
}
