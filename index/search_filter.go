package index

import (
	"database/sql/driver"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ticketdesk/ticket/ticket"
	"modernc.org/sqlite"
)

// A filtered search is answered inside SQLite: the docs table holds the
// front-matter fields that ticket.Filter looks at, and the SQL function
// ticket_keep rebuilds a ticket of those fields and asks Filter.Match. The
// filter's semantics stay in one place (ticket/filter.go); only its Query
// and SLA state, which need the whole ticket, are left to the caller.

// filterColumns are the values of the docs columns status … tags, in the
// order of the schema.
func filterColumns(t *ticket.Ticket) []any {
	return []any{string(t.Status), string(t.Priority), t.Assignee, t.Channel, t.Customer, t.Team, t.Language,
		t.Created.Unix(), int64(t.Created.Nanosecond()), strings.Join(t.Tags, "\n")}
}

const keepColumns = `docs.status, docs.priority, docs.assignee, docs.channel, docs.customer, docs.team, docs.lang, docs.created_s, docs.created_ns, docs.tags`

// columnsTicket is the inverse of filterColumns.
func columnsTicket(v []driver.Value) (*ticket.Ticket, error) {
	var s [7]string
	for i := range s {
		x, ok := v[i].(string)
		if !ok {
			return nil, fmt.Errorf("docs column %d is %T, not text", i, v[i])
		}
		s[i] = x
	}
	sec, ok1 := v[7].(int64)
	nsec, ok2 := v[8].(int64)
	tags, ok3 := v[9].(string)
	if !ok1 || !ok2 || !ok3 {
		return nil, fmt.Errorf("docs columns of another type: %T %T %T", v[7], v[8], v[9])
	}
	t := &ticket.Ticket{Status: ticket.Status(s[0]), Priority: ticket.Priority(s[1]), Assignee: s[2], Channel: s[3],
		Customer: s[4], Team: s[5], Language: s[6], Created: time.Unix(sec, nsec).UTC()}
	if tags != "" {
		t.Tags = strings.Split(tags, "\n")
	}
	return t, nil
}

// keeper is one filter in use by a query, found by its handle.
type keeper struct {
	f   ticket.Filter
	now time.Time
}

var (
	keepers    sync.Map // int64 → *keeper
	keeperNext atomic.Int64
)

func init() {
	sqlite.MustRegisterScalarFunction("ticket_keep", 11, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		h, _ := args[0].(int64)
		k, ok := keepers.Load(h)
		if !ok {
			return nil, fmt.Errorf("ticket_keep: no filter %d", h)
		}
		t, err := columnsTicket(args[1:])
		if err != nil {
			return nil, err
		}
		kp := k.(*keeper)
		ok, err = kp.f.Match(t, kp.now)
		if err != nil {
			return nil, err
		}
		if ok {
			return int64(1), nil
		}
		return int64(0), nil
	})
}

// filterSQL returns the conditions on docs that apply f (without its Query
// and SLA state) and their arguments, and a function to call when the query
// is done.
func filterSQL(f *ticket.Filter, now time.Time) (conds []string, args []any, done func()) {
	done = func() {}
	if f == nil {
		return nil, nil, done
	}
	in := func(col string, vals []string) {
		conds = append(conds, "docs."+col+" IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(vals)), ", ")+")")
		for _, v := range vals {
			args = append(args, v)
		}
	}
	if len(f.Statuses) > 0 {
		vals := make([]string, len(f.Statuses))
		for i, s := range f.Statuses {
			vals[i] = string(s)
		}
		in("status", vals)
	}
	if len(f.Priorities) > 0 {
		vals := make([]string, len(f.Priorities))
		for i, p := range f.Priorities {
			vals[i] = string(p)
		}
		in("priority", vals)
	}
	rest := *f
	rest.Query, rest.SLAState, rest.SLAStateOf = nil, "", nil
	if !needsKeep(&rest) {
		return conds, args, done
	}
	h := keeperNext.Add(1)
	keepers.Store(h, &keeper{f: rest, now: now})
	conds = append(conds, "ticket_keep(?, "+keepColumns+")")
	args = append(args, h)
	return conds, args, func() { keepers.Delete(h) }
}

// needsKeep reports whether f asks more than the status and priority that
// plain SQL checks.
func needsKeep(f *ticket.Filter) bool {
	return (!f.All && len(f.Statuses) == 0) || len(f.Tags) > 0 || f.Assignee != "" || len(f.Channels) > 0 ||
		f.Customer != "" || f.Team != "" || f.Language != "" || !f.Since.IsZero() || !f.Until.IsZero()
}
