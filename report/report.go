package report

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/ticketdesk/ticket/ticket"
)

// Options say what a report covers and how it measures.
type Options struct {
	// Since and Until bound the period, [Since, Until). A zero Until is Now;
	// a zero Since is 30 days before Until.
	Since, Until time.Time
	// Now is the clock; nothing after it has happened.
	Now time.Time
	// By lists the dimensions to group by (see Dimensions); at most one of
	// them may be a time dimension (day, week, month).
	By []string
	// Calendar measures durations in business hours; nil counts every hour.
	Calendar *ticket.BusinessCalendar
	// CalendarName names Calendar in the output.
	CalendarName string
	// FCRDays is the first-contact-resolution window; 0 means 7.
	FCRDays int
	// Agent returns the handle of the known agent who wrote as author, or
	// "" when author is not a known agent. Nil knows no agents: then only
	// replies and notes are agents' words.
	Agent func(author string) string
	// SLA returns the SLA clocks of a ticket as seen at the given time, nil
	// when no policy applies. Nil leaves SLA compliance empty.
	SLA func(t *ticket.Ticket, at time.Time) []ticket.SLAClock
}

// Dimensions are the names --by accepts.
var Dimensions = []string{"agent", "team", "channel", "tag", "priority", "language", "customer", "day", "week", "month"}

func isTimeDim(d string) bool { return d == "day" || d == "week" || d == "month" }

// Report is a computed report: the whole period, the agents and the groups.
type Report struct {
	Since, Until, Now time.Time
	Calendar          string // "" for calendar time
	FCRDays           int
	By                []string
	Metrics
	Agents []AgentRow
	Groups []Group
	Trend  Trend
}

// Trend is volume over the period in days, weeks or months (chosen by the
// period's length), for charts.
type Trend struct {
	Unit     string // day, week or month
	Labels   []string
	Channels []string         // busiest first
	Created  map[string][]int // by channel
	Resolved []int
	Backlog  []int
}

func trendUnit(since, until time.Time) string {
	switch d := until.Sub(since); {
	case d <= 35*24*time.Hour:
		return "day"
	case d <= 26*7*24*time.Hour:
		return "week"
	}
	return "month"
}

// Metrics are the figures of one period or group; docs/metrics.md defines
// each by the name of its JSON key.
type Metrics struct {
	Created, Resolved, Closed, Reopened, Backlog int

	FirstResponse   Durations
	Awaiting        int // created in the period, no first response before its end
	AgentOpened     int // first responses of tickets an agent opened
	FirstResolution Durations
	Resolution      Durations
	RequesterWait   Durations
	AgentWait       Durations

	ResolutionRate Rate
	FCR            Rate
	ReopenRate     Rate
	CSAT           Rate
	SLA            []SLATarget
}

// Durations summarises a set of durations.
type Durations struct {
	Count             int
	Median, Mean, P90 time.Duration
	values            []time.Duration // sorted
}

// Rate is N out of Of.
type Rate struct{ N, Of int }

// Value is N ÷ Of, and false when Of is 0.
func (r Rate) Value() (float64, bool) {
	if r.Of == 0 {
		return 0, false
	}
	return float64(r.N) / float64(r.Of), true
}

// SLATarget counts the clocks of one SLA target.
type SLATarget struct {
	Target                 string
	Met, Breached, Running int
}

// Compliance is met ÷ (met + breached).
func (s SLATarget) Compliance() Rate { return Rate{s.Met, s.Met + s.Breached} }

// AgentRow is one agent's line.
type AgentRow struct {
	Agent    string
	Assigned int // tickets created in the period assigned to the agent
	Replied  int // tickets the agent replied to publicly in the period
	Resolved int // tickets assigned to the agent resolved in the period
	// FirstResponse and FCR over the agent's assigned tickets.
	FirstResponse Durations
	FCR           Rate
}

// Group is the metrics of the tickets that share a key.
type Group struct {
	Key          []string // values in the order of Report.By
	Since, Until time.Time
	Metrics
}

// Label joins the key's values.
func (g Group) Label() string { return strings.Join(g.Key, " · ") }

// None is the group value of a ticket without the grouped attribute.
const None = "(none)"

// window is a period [lo, hi).
type window struct{ lo, hi time.Time }

func (w window) has(t time.Time) bool { return !t.Before(w.lo) && t.Before(w.hi) }

type computer struct {
	o Options
	// scratch space reused from ticket to ticket
	entries, events []*ticket.Entry
	end             time.Time // the report's end: no event at or after it counts
	fcrDays         int
}

// acc accumulates Metrics.
type acc struct {
	m                                             Metrics
	fr, firstRes, res, reqWait, agWait            []time.Duration
	sla                                           map[string]*SLATarget
	win                                           window
	key                                           []string
	createdResolved, reopenedResolved, fcr, fcrOf int
	good, bad                                     int
}

func newAcc(w window, key []string) *acc { return &acc{win: w, key: key} }

func anyIn(ts []time.Time, w window) bool {
	for _, t := range ts {
		if w.has(t) {
			return true
		}
	}
	return false
}

// add counts a ticket's facts whose anchors fall in w (backlog aside).
func (a *acc) add(f *facts, w window) {
	if w.has(f.t.Created) {
		a.m.Created++
		if f.firstResponse.IsZero() {
			a.m.Awaiting++
		} else {
			a.fr = append(a.fr, f.frDur)
			if f.agentOpened {
				a.m.AgentOpened++
			}
		}
		if f.resolvedAtEnd {
			a.createdResolved++
		}
		if f.fcrEligible {
			a.fcrOf++
			if f.fcr {
				a.fcr++
			}
		}
		for _, s := range f.sla {
			if a.sla == nil {
				a.sla = map[string]*SLATarget{}
			}
			st := a.sla[s.target]
			if st == nil {
				st = &SLATarget{Target: s.target}
				a.sla[s.target] = st
			}
			switch s.state {
			case ticket.SLAMet:
				st.Met++
			case ticket.SLABreached:
				st.Breached++
			default:
				st.Running++
			}
		}
	}
	if anyIn(f.resolutions, w) {
		a.m.Resolved++
		if len(f.reopens) > 0 {
			a.reopenedResolved++
		}
	}
	if !f.lastRes.IsZero() && w.has(f.lastRes) {
		a.firstRes = append(a.firstRes, f.firstResDur)
		a.res = append(a.res, f.fullResDur)
		a.reqWait = append(a.reqWait, f.requesterWait)
		a.agWait = append(a.agWait, f.agentWait)
	}
	if anyIn(f.closes, w) {
		a.m.Closed++
	}
	if anyIn(f.reopens, w) {
		a.m.Reopened++
	}
	if f.rating != "" && w.has(f.ratedAt) {
		if f.rating == "good" {
			a.good++
		} else {
			a.bad++
		}
	}
}

var slaTargetOrder = []string{ticket.TargetFirstResponse, ticket.TargetNextResponse, ticket.TargetResolution}

func (a *acc) finish() Metrics {
	m := a.m
	m.FirstResponse = summarize(a.fr)
	m.FirstResolution = summarize(a.firstRes)
	m.Resolution = summarize(a.res)
	m.RequesterWait = summarize(a.reqWait)
	m.AgentWait = summarize(a.agWait)
	m.ResolutionRate = Rate{a.createdResolved, m.Created}
	m.FCR = Rate{a.fcr, a.fcrOf}
	m.ReopenRate = Rate{a.reopenedResolved, m.Resolved}
	m.CSAT = Rate{a.good, a.good + a.bad}
	for _, t := range slaTargetOrder {
		if s := a.sla[t]; s != nil {
			m.SLA = append(m.SLA, *s)
		}
	}
	return m
}

// summarize gives the median (the middle value, or the mean of the two
// middle values), the mean and the 90th percentile (nearest rank: the value
// at rank ⌈0.9·n⌉), each in whole seconds.
func summarize(vs []time.Duration) Durations {
	d := Durations{Count: len(vs)}
	if len(vs) == 0 {
		return d
	}
	slices.Sort(vs)
	d.values = vs
	n := len(vs)
	if n%2 == 1 {
		d.Median = vs[n/2]
	} else {
		d.Median = (vs[n/2-1] + vs[n/2]) / 2
	}
	var sum float64
	for _, v := range vs {
		sum += float64(v)
	}
	d.Mean = time.Duration(sum / float64(n))
	d.P90 = vs[int(math.Ceil(0.9*float64(n)))-1]
	d.Median = d.Median.Truncate(time.Second)
	d.Mean = d.Mean.Truncate(time.Second)
	d.P90 = d.P90.Truncate(time.Second)
	return d
}

// Compute works out the report over tickets in one pass.
func Compute(ts []*ticket.Ticket, o Options) (*Report, error) {
	return ComputeEach(len(ts), func(i int) (*ticket.Ticket, error) { return ts[i], nil }, o)
}

// ComputeEach works out the report over n tickets that get hands over one at
// a time (nil to leave one out), so a caller can read each conversation
// just before it counts and let it go after.
func ComputeEach(n int, get func(i int) (*ticket.Ticket, error), o Options) (*Report, error) {
	if o.Now.IsZero() {
		o.Now = time.Now().UTC().Truncate(time.Second)
	}
	shown := o.Until
	if o.Until.IsZero() {
		// Until now, and now included: a ticket created this second counts.
		shown = o.Now
		o.Until = o.Now.Add(time.Nanosecond)
	}
	if o.Since.IsZero() {
		o.Since = shown.AddDate(0, 0, -30)
	}
	if !o.Since.Before(o.Until) {
		return nil, fmt.Errorf("the period is empty: since %s is not before until %s; give an earlier --since or a later --until",
			o.Since.UTC().Format(time.RFC3339), shown.UTC().Format(time.RFC3339))
	}
	timeDim := -1
	for i, d := range o.By {
		if !slices.Contains(Dimensions, d) {
			return nil, fmt.Errorf("cannot group by %q; use one of %s", d, strings.Join(Dimensions, ", "))
		}
		if slices.Index(o.By, d) != i {
			return nil, fmt.Errorf("--by %s is given twice; give each dimension once", d)
		}
		if isTimeDim(d) {
			if timeDim >= 0 {
				return nil, fmt.Errorf("cannot group by both %s and %s; choose one of day, week and month", o.By[timeDim], d)
			}
			timeDim = i
		}
	}
	c := &computer{o: o, end: o.Until, fcrDays: o.FCRDays}
	if c.end.After(o.Now) {
		c.end = o.Now.Add(time.Nanosecond) // what happened this second has happened
	}
	if c.fcrDays <= 0 {
		c.fcrDays = 7
	}
	period := window{o.Since, o.Until}
	var buckets []window
	if timeDim >= 0 {
		buckets = timeBuckets(o.By[timeDim], o.Since, o.Until)
	}

	trend := Trend{Unit: trendUnit(o.Since, o.Until), Created: map[string][]int{}}
	tbuckets := timeBuckets(trend.Unit, o.Since, o.Until)
	for _, b := range tbuckets {
		trend.Labels = append(trend.Labels, bucketLabel(trend.Unit, b.lo))
	}
	trend.Resolved = make([]int, len(tbuckets))
	trend.Backlog = make([]int, len(tbuckets))

	overall := newAcc(period, nil)
	agents := map[string]*acc{}
	replied := map[string]int{}
	groups := map[string]*acc{}
	var f facts
	var keys [][]string
	var touched []int
	var repliers []string
	for i := range n {
		t, err := get(i)
		if err != nil {
			return nil, err
		}
		if t == nil || t.Created.IsZero() || !t.Created.Before(o.Until) || settledBefore(t, o.Since) {
			continue
		}
		c.gather(t, &f)
		if c.o.SLA != nil && period.has(t.Created) {
			f.sla = c.sla(t)
		}
		overall.add(&f, period)
		if f.activeBefore(o.Until) {
			overall.m.Backlog++
		}
		trend.add(&f, tbuckets)

		ag := t.Assignee
		if ag == "" {
			ag = "(unassigned)"
		}
		a := agents[ag]
		if a == nil {
			a = newAcc(period, []string{ag})
			agents[ag] = a
		}
		a.add(&f, period)
		repliers = repliers[:0]
		for _, r := range f.replies {
			if period.has(r.at) && !slices.Contains(repliers, r.agent) {
				repliers = append(repliers, r.agent)
				replied[r.agent]++
			}
		}

		if len(o.By) == 0 {
			continue
		}
		keys = c.categoryKeys(t, keys[:0], timeDim)
		if timeDim < 0 {
			for _, k := range keys {
				g := groupAcc(groups, k, period)
				g.add(&f, period)
				if f.activeBefore(o.Until) {
					g.m.Backlog++
				}
			}
			continue
		}
		touched = bucketsTouched(&f, buckets, touched[:0])
		for _, k := range keys {
			for _, b := range touched {
				g := groupAcc(groups, withTime(k, timeDim, buckets[b], o.By[timeDim]), buckets[b])
				g.add(&f, buckets[b])
			}
			for _, b := range backlogBuckets(&f, buckets) {
				g := groupAcc(groups, withTime(k, timeDim, buckets[b], o.By[timeDim]), buckets[b])
				g.m.Backlog++
			}
		}
	}

	r := &Report{Since: o.Since, Until: shown, Now: o.Now, FCRDays: c.fcrDays, By: o.By, Trend: trend}
	for ch := range trend.Created {
		r.Trend.Channels = append(r.Trend.Channels, ch)
	}
	total := func(ch string) (n int) {
		for _, x := range trend.Created[ch] {
			n += x
		}
		return n
	}
	slices.SortFunc(r.Trend.Channels, func(a, b string) int {
		return cmp.Or(cmp.Compare(total(b), total(a)), strings.Compare(a, b))
	})
	if o.Calendar != nil {
		r.Calendar = cmp.Or(o.CalendarName, "business hours")
	}
	r.Metrics = overall.finish()
	for name, a := range agents {
		m := a.finish()
		r.Agents = append(r.Agents, AgentRow{Agent: name, Assigned: m.Created, Resolved: m.Resolved,
			FirstResponse: m.FirstResponse, FCR: m.FCR, Replied: replied[name]})
	}
	for name, n := range replied {
		if agents[name] == nil {
			r.Agents = append(r.Agents, AgentRow{Agent: name, Replied: n})
		}
	}
	r.Agents = slices.DeleteFunc(r.Agents, func(a AgentRow) bool {
		return a.Assigned == 0 && a.Replied == 0 && a.Resolved == 0
	})
	slices.SortFunc(r.Agents, func(a, b AgentRow) int {
		if (a.Agent == "(unassigned)") != (b.Agent == "(unassigned)") {
			if a.Agent == "(unassigned)" {
				return 1
			}
			return -1
		}
		return strings.Compare(a.Agent, b.Agent)
	})
	for _, g := range groups {
		r.Groups = append(r.Groups, Group{Key: g.key, Since: g.win.lo, Until: g.win.hi, Metrics: g.finish()})
	}
	if timeDim >= 0 && len(o.By) == 1 {
		r.Groups = fillBuckets(r.Groups, groups, buckets, o.By[timeDim])
	}
	slices.SortFunc(r.Groups, func(a, b Group) int {
		if timeDim >= 0 {
			if n := a.Since.Compare(b.Since); n != 0 {
				return n
			}
			return slices.Compare(a.Key, b.Key)
		}
		if n := cmp.Compare(b.Created, a.Created); n != 0 {
			return n
		}
		return slices.Compare(a.Key, b.Key)
	})
	return r, nil
}

func (tr *Trend) add(f *facts, buckets []window) {
	if b := bucketOf(buckets, f.t.Created); b >= 0 {
		ch := dimValues(f.t, "channel")[0]
		xs := tr.Created[ch]
		if xs == nil {
			xs = make([]int, len(buckets))
			tr.Created[ch] = xs
		}
		xs[b]++
	}
	last := -1
	for _, t := range f.resolutions {
		if b := bucketOf(buckets, t); b >= 0 && b != last {
			tr.Resolved[b]++
			last = b
		}
	}
	for _, b := range backlogBuckets(f, buckets) {
		tr.Backlog[b]++
	}
}

// settledBefore reports whether nothing about t can count in a period from
// since on: it was inactive, unchanged and unrated since before then. Most of
// a long-lived desk is settled, and skipping it keeps reports cheap.
func settledBefore(t *ticket.Ticket, since time.Time) bool {
	var last time.Time
	if n := len(t.Entries); n > 0 {
		last = t.Entries[n-1].At
	}
	return settled(t, last, since)
}

// Skips reports whether Compute passes over ticket t without looking at its
// conversation, knowing only its front matter and the time of its last
// entry (zero without entries): a caller that loads front matter first
// reads the conversations of the other tickets only.
func (o Options) Skips(t *ticket.Ticket, lastEntry time.Time) bool {
	since, until := o.Since, o.Until
	if until.IsZero() {
		now := o.Now
		if now.IsZero() {
			now = time.Now().UTC().Truncate(time.Second)
		}
		until = now.Add(time.Nanosecond)
		if since.IsZero() {
			since = now.AddDate(0, 0, -30)
		}
	} else if since.IsZero() {
		since = until.AddDate(0, 0, -30)
	}
	return t.Created.IsZero() || !t.Created.Before(until) || settled(t, lastEntry, since)
}

func settled(t *ticket.Ticket, lastEntry time.Time, since time.Time) bool {
	if t.Status.Active() || !t.Updated.Before(since) || !t.Created.Before(since) {
		return false
	}
	if !lastEntry.IsZero() && !lastEntry.Before(since) {
		return false
	}
	if v := t.Field("rated_at"); v != "" {
		if at, err := time.Parse(time.RFC3339, v); err != nil || !at.Before(since) {
			return false
		}
	}
	return true
}

// sla is the ticket's clocks as seen at the report's end.
func (c *computer) sla(t *ticket.Ticket) []slaResult {
	clocks := c.o.SLA(t, c.end)
	out := make([]slaResult, 0, len(clocks))
	for _, k := range clocks {
		state := k.State
		if !k.Met.IsZero() && !k.Met.Before(c.end) {
			// stopped after the end: as seen at the end it still ran
			state = ticket.SLARunning
			if !k.Due.After(c.end) {
				state = ticket.SLABreached
			}
		}
		out = append(out, slaResult{k.Target, state})
	}
	return out
}

func groupAcc(m map[string]*acc, key []string, w window) *acc {
	k := strings.Join(key, "\x00")
	a := m[k]
	if a == nil {
		a = newAcc(w, slices.Clone(key))
		m[k] = a
	}
	return a
}

// categoryKeys lists the group keys of a ticket: one per combination of its
// values in the categorical dimensions (a ticket with two tags is in two
// groups); the time dimension's place is left empty.
func (c *computer) categoryKeys(t *ticket.Ticket, out [][]string, timeDim int) [][]string {
	out = append(out, make([]string, len(c.o.By)))
	for i, d := range c.o.By {
		if i == timeDim {
			continue
		}
		vals := dimValues(t, d)
		if len(vals) == 1 {
			for _, k := range out {
				k[i] = vals[0]
			}
			continue
		}
		var next [][]string
		for _, k := range out {
			for _, v := range vals {
				nk := slices.Clone(k)
				nk[i] = v
				next = append(next, nk)
			}
		}
		out = next
	}
	return out
}

func dimValues(t *ticket.Ticket, d string) []string {
	v := ""
	switch d {
	case "agent":
		v = t.Assignee
		if v == "" {
			return []string{"(unassigned)"}
		}
	case "team":
		v = t.Team
	case "channel":
		v = strings.ToLower(t.Channel)
	case "priority":
		v = string(t.Priority)
	case "language":
		v = strings.ToLower(t.Language)
	case "customer":
		v = ticket.MailAddress(t.Customer)
	case "tag":
		if len(t.Tags) > 0 {
			return t.Tags
		}
	}
	if v == "" {
		v = None
	}
	return []string{v}
}

func withTime(k []string, i int, b window, dim string) []string {
	k = slices.Clone(k)
	k[i] = bucketLabel(dim, b.lo)
	return k
}

// timeBuckets splits [since, until) at UTC midnights, Mondays or firsts of
// months; the first and last buckets may be partial.
func timeBuckets(dim string, since, until time.Time) []window {
	var out []window
	lo := since.UTC()
	for lo.Before(until) {
		hi := bucketStart(dim, lo)
		switch dim {
		case "day":
			hi = hi.AddDate(0, 0, 1)
		case "week":
			hi = hi.AddDate(0, 0, 7)
		default:
			hi = hi.AddDate(0, 1, 0)
		}
		if hi.After(until) {
			hi = until
		}
		out = append(out, window{lo, hi})
		lo = hi
	}
	return out
}

func bucketStart(dim string, t time.Time) time.Time {
	t = t.UTC()
	y, m, d := t.Date()
	switch dim {
	case "day":
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	case "week":
		wd := (int(t.Weekday()) + 6) % 7 // Monday 0
		return time.Date(y, m, d-wd, 0, 0, 0, 0, time.UTC)
	}
	return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
}

// bucketLabel names a bucket by its calendar unit: 2026-11-20, 2026-W47 or
// 2026-11.
func bucketLabel(dim string, lo time.Time) string {
	switch dim {
	case "day":
		return lo.Format("2006-01-02")
	case "week":
		y, w := lo.ISOWeek()
		return fmt.Sprintf("%d-W%02d", y, w)
	}
	return lo.Format("2006-01")
}

func bucketOf(buckets []window, t time.Time) int {
	i := sort.Search(len(buckets), func(i int) bool { return t.Before(buckets[i].hi) })
	if i < len(buckets) && buckets[i].has(t) {
		return i
	}
	return -1
}

// bucketsTouched lists the buckets holding any of the ticket's anchors.
func bucketsTouched(f *facts, buckets []window, out []int) []int {
	addT := func(t time.Time) {
		if t.IsZero() {
			return
		}
		if b := bucketOf(buckets, t); b >= 0 && !slices.Contains(out, b) {
			out = append(out, b)
		}
	}
	addT(f.t.Created)
	for _, t := range f.resolutions {
		addT(t)
	}
	for _, t := range f.closes {
		addT(t)
	}
	for _, t := range f.reopens {
		addT(t)
	}
	if f.rating != "" {
		addT(f.ratedAt)
	}
	return out
}

// backlogBuckets lists the buckets at whose end the ticket was active.
func backlogBuckets(f *facts, buckets []window) []int {
	var out []int
	for i, s := range f.spans {
		if !s.status.Active() {
			continue
		}
		to := s.to
		if to.IsZero() || i == len(f.spans)-1 {
			to = buckets[len(buckets)-1].hi
		}
		// buckets whose end e satisfies s.from < e <= to
		j := sort.Search(len(buckets), func(j int) bool { return buckets[j].hi.After(s.from) })
		for ; j < len(buckets) && !buckets[j].hi.After(to); j++ {
			if len(out) == 0 || out[len(out)-1] != j {
				out = append(out, j)
			}
		}
	}
	return out
}

// fillBuckets adds empty groups for buckets without tickets when the report
// groups by time alone, so a trend shows its gaps.
func fillBuckets(gs []Group, m map[string]*acc, buckets []window, dim string) []Group {
	for _, b := range buckets {
		k := []string{bucketLabel(dim, b.lo)}
		if m[strings.Join(k, "\x00")] == nil {
			gs = append(gs, Group{Key: k, Since: b.lo, Until: b.hi})
		}
	}
	return gs
}
