package ticket

import (
	"errors"
	"testing"
	"time"
)

var testPolicy = &SLAPolicy{
	Name:     "standard",
	Calendar: "office",
	Targets: map[string]SLATargets{
		"normal": {FirstResponse: "6h", NextResponse: "4h", Resolution: "3d"},
		"high":   {NextResponse: "2h"},
	},
}

// slaTicket is a ticket created at created (Berlin wall time) by a customer
// message; steps change it in order, each at a Berlin wall time.
type slaStep struct {
	at, do string // do: message, auto-message, reply, auto-reply, note, pending, open, on-hold, resolved
}

func slaTicket(t *testing.T, prio Priority, created string, steps ...slaStep) *Ticket {
	t.Helper()
	loc := berlinZone(t)
	tk := &Ticket{ID: "7kq2m9", Title: "x", Status: StatusNew, Priority: prio, Created: calWall(t, loc, created)}
	tk.Updated = tk.Created
	tk.Append(Entry{Kind: KindMessage, Author: "c@example.com", At: tk.Created, Body: "help"})
	for _, s := range steps {
		at := calWall(t, loc, s.at)
		switch s.do {
		case "message":
			tk.AddMessage(Entry{Author: "c@example.com", At: at, Body: "more"})
		case "auto-message":
			tk.AddMessage(Entry{Author: "c@example.com", At: at, Auto: "auto-reply", Body: "away"})
		case "reply":
			tk.AddReply(Entry{Author: "hans", At: at, Body: "answer"}, "")
		case "reply-open":
			tk.AddReply(Entry{Author: "hans", At: at, Body: "answer"}, StatusOpen)
		case "auto-reply":
			tk.AddReply(Entry{Author: "desk", At: at, Auto: "auto-reply", Body: "thanks"}, "")
		case "note":
			tk.AddNote(Entry{Author: "hans", At: at, Body: "hm"})
		default:
			st, err := ParseStatus(s.do)
			if err != nil {
				t.Fatal(err)
			}
			tk.SetStatus(st, "hans", at)
		}
	}
	return tk
}

func berlinZone(t testing.TB) *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestSLAClocks(t *testing.T) {
	office := mustCalendar(t, "Europe/Berlin", officeHours, "2026-12-24", "2026-12-25")
	h := time.Hour
	type want struct {
		target, state string
		started, due  string
		met           string // "" while running
		elapsed       time.Duration
		paused        time.Duration
		left          time.Duration
	}
	tests := []struct {
		name string
		tk   func(t *testing.T) *Ticket
		cal  *BusinessCalendar
		now  string
		want []want
	}{
		{
			name: "created after close, running on monday",
			tk:   func(t *testing.T) *Ticket { return slaTicket(t, PriorityNormal, "2026-11-20 17:55") },
			cal:  office, now: "2026-11-23 12:00",
			want: []want{
				{TargetFirstResponse, SLARunning, "2026-11-20 17:55", "2026-11-23 15:00", "", 3 * h, 0, 3 * h},
				{TargetResolution, SLARunning, "2026-11-20 17:55", "2026-11-25 17:00", "", 3 * h, 0, 21 * h},
			},
		},
		{
			name: "at risk within the warning time",
			tk:   func(t *testing.T) *Ticket { return slaTicket(t, PriorityNormal, "2026-11-20 17:55") },
			cal:  office, now: "2026-11-23 14:30",
			want: []want{
				{TargetFirstResponse, SLAAtRisk, "2026-11-20 17:55", "2026-11-23 15:00", "", 5*h + 30*time.Minute, 0, 30 * time.Minute},
				{TargetResolution, SLARunning, "2026-11-20 17:55", "2026-11-25 17:00", "", 5*h + 30*time.Minute, 0, 18*h + 30*time.Minute},
			},
		},
		{
			name: "breached at the due time",
			tk:   func(t *testing.T) *Ticket { return slaTicket(t, PriorityNormal, "2026-11-20 17:55") },
			cal:  office, now: "2026-11-23 15:00",
			want: []want{
				{TargetFirstResponse, SLABreached, "2026-11-20 17:55", "2026-11-23 15:00", "", 6 * h, 0, 0},
				{TargetResolution, SLARunning, "2026-11-20 17:55", "2026-11-25 17:00", "", 6 * h, 0, 18 * h},
			},
		},
		{
			name: "met on monday morning, then pending",
			tk: func(t *testing.T) *Ticket {
				return slaTicket(t, PriorityNormal, "2026-11-20 17:55", slaStep{"2026-11-21 10:00", "auto-reply"}, slaStep{"2026-11-23 10:00", "reply"})
			},
			cal: office, now: "2026-11-23 16:00",
			want: []want{
				{TargetFirstResponse, SLAMet, "2026-11-20 17:55", "2026-11-23 15:00", "2026-11-23 10:00", h, 0, 5 * h},
				{TargetResolution, SLAPaused, "2026-11-20 17:55", "2026-11-26 15:00", "", h, 6 * h, 23 * h},
			},
		},
		{
			name: "answered late",
			tk: func(t *testing.T) *Ticket {
				return slaTicket(t, PriorityNormal, "2026-11-20 17:55", slaStep{"2026-11-23 16:00", "reply"})
			},
			cal: office, now: "2026-11-23 16:30",
			want: []want{
				{TargetFirstResponse, SLABreached, "2026-11-20 17:55", "2026-11-23 15:00", "2026-11-23 16:00", 7 * h, 0, -h},
				{TargetResolution, SLAPaused, "2026-11-20 17:55", "2026-11-26 09:30", "", 7 * h, 30 * time.Minute, 17 * h},
			},
		},
		{
			name: "pending time does not count",
			tk: func(t *testing.T) *Ticket {
				return slaTicket(t, PriorityNormal, "2026-11-23 09:00",
					slaStep{"2026-11-23 10:00", "pending"}, slaStep{"2026-11-24 09:00", "message"})
			},
			cal: office, now: "2026-11-24 12:00",
			want: []want{
				{TargetFirstResponse, SLARunning, "2026-11-23 09:00", "2026-11-24 14:00", "", 4 * h, 7 * h, 2 * h},
				{TargetResolution, SLARunning, "2026-11-23 09:00", "2026-11-26 16:00", "", 4 * h, 7 * h, 20 * h},
			},
		},
		{
			name: "on hold in calendar hours",
			tk: func(t *testing.T) *Ticket {
				return slaTicket(t, PriorityNormal, "2026-11-23 09:00",
					slaStep{"2026-11-23 10:00", "on-hold"}, slaStep{"2026-11-23 20:00", "open"})
			},
			cal: nil, now: "2026-11-23 21:00",
			want: []want{
				{TargetFirstResponse, SLARunning, "2026-11-23 09:00", "2026-11-24 01:00", "", 2 * h, 10 * h, 4 * h},
				{TargetResolution, SLARunning, "2026-11-23 09:00", "2026-11-26 19:00", "", 2 * h, 10 * h, 70 * h},
			},
		},
		{
			name: "automatic mail is no response and starts no cycle",
			tk: func(t *testing.T) *Ticket {
				return slaTicket(t, PriorityHigh, "2026-11-23 09:00", slaStep{"2026-11-23 09:01", "auto-reply"},
					slaStep{"2026-11-23 10:00", "reply"}, slaStep{"2026-11-23 11:00", "auto-message"})
			},
			cal: office, now: "2026-11-23 16:00",
			want: nil,
		},
		{
			name: "next response: the latest cycle, from the oldest unanswered message",
			tk: func(t *testing.T) *Ticket {
				return slaTicket(t, PriorityHigh, "2026-11-23 09:00",
					slaStep{"2026-11-23 10:00", "reply"},
					slaStep{"2026-11-23 11:00", "message"}, slaStep{"2026-11-23 12:00", "note"}, slaStep{"2026-11-23 14:00", "reply"},
					slaStep{"2026-11-23 16:00", "message"}, slaStep{"2026-11-24 09:30", "message"})
			},
			cal: office, now: "2026-11-24 10:00",
			want: []want{
				{TargetNextResponse, SLABreached, "2026-11-23 16:00", "2026-11-24 10:00", "", 2 * h, 0, 0},
			},
		},
		{
			name: "next response: a completed cycle",
			tk: func(t *testing.T) *Ticket {
				return slaTicket(t, PriorityHigh, "2026-11-23 09:00",
					slaStep{"2026-11-23 10:00", "reply"},
					slaStep{"2026-11-23 11:00", "message"}, slaStep{"2026-11-23 14:00", "reply"},
					slaStep{"2026-11-23 16:30", "message"}, slaStep{"2026-11-24 09:30", "reply-open"})
			},
			cal: office, now: "2026-11-24 12:00",
			want: []want{
				{TargetNextResponse, SLAMet, "2026-11-23 16:30", "2026-11-24 10:30", "2026-11-24 09:30", h, 0, h},
			},
		},
		{
			name: "next response: late in the first cycle, running in the second",
			tk: func(t *testing.T) *Ticket {
				return slaTicket(t, PriorityHigh, "2026-11-23 09:00",
					slaStep{"2026-11-23 10:00", "reply"},
					slaStep{"2026-11-23 11:00", "message"}, slaStep{"2026-11-23 14:00", "reply"},
					slaStep{"2026-11-23 16:30", "message"})
			},
			cal: office, now: "2026-11-24 09:30",
			want: []want{
				{TargetNextResponse, SLAAtRisk, "2026-11-23 16:30", "2026-11-24 10:30", "", h, 0, h},
			},
		},
		{
			name: "resolution met at the due time, with a pause and a holiday",
			tk: func(t *testing.T) *Ticket {
				return slaTicket(t, PriorityNormal, "2026-12-21 10:00",
					slaStep{"2026-12-21 11:00", "reply"}, slaStep{"2026-12-22 11:00", "message"},
					slaStep{"2026-12-22 12:00", "reply-open"}, slaStep{"2026-12-29 10:00", "resolved"})
			},
			cal: office, now: "2027-01-05 12:00",
			want: []want{
				{TargetFirstResponse, SLAMet, "2026-12-21 10:00", "2026-12-21 16:00", "2026-12-21 11:00", h, 0, 5 * h},
				{TargetNextResponse, SLAMet, "2026-12-22 11:00", "2026-12-22 15:00", "2026-12-22 12:00", h, 0, 3 * h},
				{TargetResolution, SLAMet, "2026-12-21 10:00", "2026-12-29 10:00", "2026-12-29 10:00", 24 * h, 8 * h, 0},
			},
		},
		{
			name: "resolved without a reply, then reopened",
			tk: func(t *testing.T) *Ticket {
				return slaTicket(t, PriorityNormal, "2026-11-23 09:00",
					slaStep{"2026-11-23 09:30", "resolved"}, slaStep{"2026-11-24 09:00", "message"})
			},
			cal: office, now: "2026-11-24 10:00",
			want: []want{
				{TargetFirstResponse, SLAMet, "2026-11-23 09:00", "2026-11-23 15:00", "2026-11-23 09:30", 30 * time.Minute, 0, 5*h + 30*time.Minute},
				{TargetNextResponse, SLARunning, "2026-11-24 09:00", "2026-11-24 13:00", "", h, 0, 3 * h},
				{TargetResolution, SLARunning, "2026-11-23 09:00", "2026-11-26 16:30", "", 90 * time.Minute, 7*h + 30*time.Minute, 22*h + 30*time.Minute},
			},
		},
		{
			name: "no target for the priority",
			tk:   func(t *testing.T) *Ticket { return slaTicket(t, PriorityUrgent, "2026-11-23 09:00") },
			cal:  office, now: "2026-11-23 10:00",
			want: nil,
		},
	}
	loc := berlinZone(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := calWall(t, loc, tt.now)
			got := EvalSLA(tt.tk(t), testPolicy, tt.cal, now, time.Hour)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d clocks, want %d: %+v", len(got), len(tt.want), got)
			}
			for i, w := range tt.want {
				g := got[i]
				var met time.Time
				if w.met != "" {
					met = calWall(t, loc, w.met)
				}
				ok := g.Target == w.target && g.State == w.state && g.Policy == "standard" &&
					g.Started.Equal(calWall(t, loc, w.started)) && g.Due.Equal(calWall(t, loc, w.due)) && g.Met.Equal(met) &&
					g.Elapsed == w.elapsed && g.Paused == w.paused && g.Left == w.left
				if !ok {
					t.Errorf("clock %d:\n got %s %s started %s due %s met %s elapsed %s paused %s left %s\nwant %+v",
						i, g.Target, g.State, g.Started.In(loc).Format(time.DateTime), g.Due.In(loc).Format(time.DateTime),
						g.Met.In(loc).Format(time.DateTime), g.Elapsed, g.Paused, g.Left, w)
				}
			}
		})
	}
}

func TestSLANoEvents(t *testing.T) {
	loc := berlinZone(t)
	// A hand-written ticket without events has had its status since created.
	tk := &Ticket{Status: StatusPending, Priority: PriorityNormal, Created: calWall(t, loc, "2026-11-23 09:00")}
	got := EvalSLA(tk, testPolicy, nil, calWall(t, loc, "2026-11-23 12:00"), 0)
	if len(got) != 2 || got[0].State != SLAPaused || got[0].Paused != 3*time.Hour || got[0].Elapsed != 0 {
		t.Fatalf("got %+v", got)
	}
	if EvalSLA(tk, nil, nil, time.Now(), 0) != nil {
		t.Fatal("a nil policy gives clocks")
	}
}

func TestSLAPolicyFor(t *testing.T) {
	c := &Config{SLA: []SLAPolicy{
		{Name: "vip", Targets: map[string]SLATargets{"normal": {FirstResponse: "1h"}}},
		{Name: "email", If: `channel == "email"`, Targets: map[string]SLATargets{"normal": {FirstResponse: "4h"}}},
		{Name: "broken", If: "((", Targets: map[string]SLATargets{"normal": {FirstResponse: "4h"}}},
		{Name: "standard", If: "true", Targets: map[string]SLATargets{"normal": {FirstResponse: "8h"}}},
	}}
	match := func(tk *Ticket) func(string) (bool, error) {
		return func(cond string) (bool, error) {
			switch cond {
			case "true":
				return true, nil
			case `channel == "email"`:
				return tk.Channel == "email", nil
			}
			return false, errors.New("syntax error")
		}
	}
	tests := []struct {
		tk   *Ticket
		want string
	}{
		{&Ticket{Channel: "email"}, "email"},
		{&Ticket{Channel: "chat"}, "standard"},
		{&Ticket{Channel: "chat", SLA: "vip"}, "vip"},
		{&Ticket{Channel: "email", SLA: "gone"}, "email"},
	}
	for _, tt := range tests {
		p := c.SLAPolicyFor(tt.tk, match(tt.tk))
		if p == nil || p.Name != tt.want {
			t.Errorf("SLAPolicyFor(%+v) = %v, want %s", tt.tk, p, tt.want)
		}
	}
	if p := c.SLAPolicyFor(&Ticket{}, nil); p != nil {
		t.Errorf("without a matcher got %s", p.Name)
	}
}

func TestSLAWorking(t *testing.T) {
	c, err := ParseConfig(ConfigPath, []byte(configWith("    calendar: office\ncalendars:", "    calendar: office\n  - handle: eva\n    away: true\n  - handle: max\ncalendars:")))
	if err != nil {
		t.Fatal(err)
	}
	loc := berlinZone(t)
	tests := []struct {
		who, at string
		want    bool
	}{
		{"hans", "2026-11-23 10:00", true},
		{"hans", "2026-11-23 17:00", false},
		{"hans", "2026-12-24 10:00", false},
		{"max", "2026-11-22 03:00", true},
		{"eva", "2026-11-23 10:00", false},
	}
	for _, tt := range tests {
		if got := c.Working(c.Agent(tt.who), calWall(t, loc, tt.at)); got != tt.want {
			t.Errorf("Working(%s, %s) = %v", tt.who, tt.at, got)
		}
	}
	if cal, err := c.BusinessCalendar(""); cal != nil || err != nil {
		t.Errorf("BusinessCalendar(\"\") = %v, %v", cal, err)
	}
	if _, err := c.BusinessCalendar("home"); err == nil || err.Error() != `unknown calendar "home" (calendars: office)` {
		t.Errorf("BusinessCalendar(home) error = %v", err)
	}
}

// BenchmarkEvalSLA measures the clocks of a month-old ticket in business
// hours, the work of an SLA check per open ticket.
func BenchmarkEvalSLA(b *testing.B) {
	office := mustCalendar(b, "Europe/Berlin", officeHours, "2026-12-24", "2026-12-25")
	loc := office.Location()
	tk := &Ticket{Status: StatusNew, Priority: PriorityNormal, Created: calWall(b, loc, "2026-11-02 09:00")}
	tk.Append(Entry{Kind: KindMessage, At: tk.Created})
	tk.AddReply(Entry{At: calWall(b, loc, "2026-11-02 11:00")}, "")
	tk.AddMessage(Entry{At: calWall(b, loc, "2026-11-09 11:00")})
	now := calWall(b, loc, "2026-12-02 12:00")
	for b.Loop() {
		EvalSLA(tk, testPolicy, office, now, time.Hour)
	}
}
