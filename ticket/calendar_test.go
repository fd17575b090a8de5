package ticket

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

func mustCalendar(t testing.TB, tz string, hours map[string]string, holidays ...string) *BusinessCalendar {
	t.Helper()
	c, err := NewBusinessCalendar(Calendar{Timezone: tz, Hours: hours, Holidays: holidays})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// wall reads "2006-01-02 15:04" in the zone of cal; "Z" at the end reads UTC.
func calWall(t testing.TB, loc *time.Location, s string) time.Time {
	t.Helper()
	if strings.HasSuffix(s, "Z") {
		loc, s = time.UTC, strings.TrimSuffix(s, "Z")
	}
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

var officeHours = map[string]string{"mon-fri": "09:00-17:00"}

func TestCalendarAdd(t *testing.T) {
	berlin := mustCalendar(t, "Europe/Berlin", officeHours, "2026-12-24", "2026-12-25")
	allDay := mustCalendar(t, "Europe/Berlin", map[string]string{"mon-sun": "00:00-24:00"})
	berlinNight := mustCalendar(t, "Europe/Berlin", map[string]string{"sun": "01:00-04:00"})
	newYork := mustCalendar(t, "America/New_York", map[string]string{"sun": "00:00-12:00"})
	split := mustCalendar(t, "UTC", map[string]string{"mon-fri": "09:00-12:00, 13:00-17:00", "sat": "10:00-12:00,13:00-15:00"})
	wrap := mustCalendar(t, "UTC", map[string]string{"fri-mon": "08:00-10:00"})
	nights := mustCalendar(t, "UTC", map[string]string{"mon": "22:00-24:00", "tue": "00:00-06:00"})

	tests := []struct {
		name  string
		cal   *BusinessCalendar
		start string // local time of the calendar, or UTC with Z
		d     time.Duration
		want  string
	}{
		{"created after close counts from monday", berlin, "2026-11-20 17:55", 6 * time.Hour, "2026-11-23 14:00Z"},
		{"created after close, wall clock", berlin, "2026-11-20 17:55", 6 * time.Hour, "2026-11-23 15:00"},
		{"half an hour before close", berlin, "2026-11-20 16:30", time.Hour, "2026-11-23 09:30"},
		{"inside hours", berlin, "2026-11-23 10:00", 3 * time.Hour, "2026-11-23 13:00"},
		{"runs out at closing", berlin, "2026-11-23 10:00", 7 * time.Hour, "2026-11-23 17:00"},
		{"before opening", berlin, "2026-11-23 07:00", time.Hour, "2026-11-23 10:00"},
		{"over the weekend", berlin, "2026-11-21 12:00", 9 * time.Hour, "2026-11-24 10:00"},
		{"a week of business time", berlin, "2026-11-23 09:00", 40 * time.Hour, "2026-11-27 17:00"},
		{"christmas holidays", berlin, "2026-12-23 16:00", 2 * time.Hour, "2026-12-28 10:00"},
		{"on a holiday", berlin, "2026-12-24 10:00", time.Hour, "2026-12-28 10:00"},
		{"zero", berlin, "2026-11-21 12:00", 0, "2026-11-21 12:00"},
		{"spring forward day is 23 hours", allDay, "2026-03-28 12:00", 24 * time.Hour, "2026-03-29 13:00"},
		{"fall back day is 25 hours", allDay, "2026-10-24 12:00", 24 * time.Hour, "2026-10-25 11:00"},
		{"range holding the skipped hour", berlinNight, "2026-03-29 01:30", time.Hour, "2026-03-29 03:30"},
		{"skipped hour, UTC", berlinNight, "2026-03-29 01:00", 2 * time.Hour, "2026-03-29 02:00Z"},
		{"range holding the repeated hour", berlinNight, "2026-10-25 01:00", 2 * time.Hour, "2026-10-25 01:00Z"},
		{"repeated hour, to closing", berlinNight, "2026-10-25 01:00", 4 * time.Hour, "2026-10-25 04:00"},
		{"repeated hour, next week", berlinNight, "2026-10-25 01:00", 5 * time.Hour, "2026-11-01 02:00"},
		{"new york spring forward", newYork, "2026-03-08 00:00", 11 * time.Hour, "2026-03-08 16:00Z"},
		{"new york skipped hour", newYork, "2026-03-08 01:30", time.Hour, "2026-03-08 03:30"},
		{"new york fall back", newYork, "2026-11-01 00:00", 13 * time.Hour, "2026-11-01 17:00Z"},
		{"new york repeated hour", newYork, "2026-11-01 00:30", 2 * time.Hour, "2026-11-01 06:30Z"},
		{"lunch break", split, "2026-11-23 11:30", time.Hour, "2026-11-23 13:30"},
		{"in the lunch break", split, "2026-11-23 12:15", time.Hour, "2026-11-23 14:00"},
		{"saturday ranges", split, "2026-11-20 16:30", 3 * time.Hour, "2026-11-21 13:30"},
		{"range wrapping the week", wrap, "2026-11-20 09:00", 4 * time.Hour, "2026-11-22 09:00"},
		{"range wrapping the week, tuesday", wrap, "2026-11-24 09:00", time.Hour, "2026-11-27 09:00"},
		{"hours over midnight", nights, "2026-11-23 23:00", 2 * time.Hour, "2026-11-24 01:00"},
		{"calendar hours", nil, "2026-11-21 12:00Z", 36 * time.Hour, "2026-11-23 00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc := tt.cal.Location()
			start := calWall(t, loc, tt.start)
			want := calWall(t, loc, tt.want)
			got := tt.cal.Add(start, tt.d)
			if !got.Equal(want) {
				t.Fatalf("Add(%s, %s) = %s, want %s", start, tt.d, got.In(loc), want)
			}
			if b := tt.cal.Between(start, got); b != tt.d {
				t.Fatalf("Between(%s, %s) = %s, want %s", start, got, b, tt.d)
			}
		})
	}
}

func TestCalendarBetween(t *testing.T) {
	berlin := mustCalendar(t, "Europe/Berlin", officeHours, "2026-12-24", "2026-12-25")
	allDay := mustCalendar(t, "Europe/Berlin", map[string]string{"mon-sun": "00:00-24:00"})
	newYork := mustCalendar(t, "America/New_York", map[string]string{"sun": "00:00-12:00"})
	tests := []struct {
		cal  *BusinessCalendar
		a, b string
		want time.Duration
	}{
		{berlin, "2026-11-20 17:55", "2026-11-23 15:00", 6 * time.Hour},
		{berlin, "2026-11-23 12:00", "2026-11-23 12:00", 0},
		{berlin, "2026-11-23 13:00", "2026-11-23 12:00", 0},
		{berlin, "2026-11-21 00:00", "2026-11-23 00:00", 0},
		{berlin, "2026-11-16 00:00", "2026-11-23 00:00", 40 * time.Hour},
		{berlin, "2026-12-21 00:00", "2026-12-28 00:00", 24 * time.Hour},
		{allDay, "2026-03-29 00:00", "2026-03-30 00:00", 23 * time.Hour},
		{allDay, "2026-10-25 00:00", "2026-10-26 00:00", 25 * time.Hour},
		{newYork, "2026-03-07 00:00", "2026-03-09 00:00", 11 * time.Hour},
		{newYork, "2026-10-31 00:00", "2026-11-02 00:00", 13 * time.Hour},
		{nil, "2026-10-25 00:00Z", "2026-10-26 00:00Z", 24 * time.Hour},
	}
	for _, tt := range tests {
		loc := tt.cal.Location()
		if got := tt.cal.Between(calWall(t, loc, tt.a), calWall(t, loc, tt.b)); got != tt.want {
			t.Errorf("Between(%s, %s) = %s, want %s", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestCalendarOpen(t *testing.T) {
	cal := mustCalendar(t, "Europe/Berlin", map[string]string{"mon-fri": "09:00-12:00, 13:00-17:00"}, "2026-12-24")
	loc := cal.Location()
	tests := []struct {
		at, next string
		open     bool
	}{
		{"2026-11-23 09:00", "2026-11-23 09:00", true},
		{"2026-11-23 08:59", "2026-11-23 09:00", false},
		{"2026-11-23 11:59", "2026-11-23 11:59", true},
		{"2026-11-23 12:00", "2026-11-23 13:00", false},
		{"2026-11-23 17:00", "2026-11-24 09:00", false},
		{"2026-11-21 10:00", "2026-11-23 09:00", false},
		{"2026-12-24 10:00", "2026-12-25 09:00", false},
	}
	for _, tt := range tests {
		at := calWall(t, loc, tt.at)
		if got := cal.Open(at); got != tt.open {
			t.Errorf("Open(%s) = %v, want %v", tt.at, got, tt.open)
		}
		if got, want := cal.NextOpen(at), calWall(t, loc, tt.next); !got.Equal(want) {
			t.Errorf("NextOpen(%s) = %s, want %s", tt.at, got.In(loc), tt.next)
		}
	}
	var none *BusinessCalendar
	now := calWall(t, time.UTC, "2026-11-21 03:00Z")
	if !none.Open(now) || !none.NextOpen(now).Equal(now) {
		t.Error("a nil calendar is always open")
	}
}

func TestCalendarAddDays(t *testing.T) {
	berlin := mustCalendar(t, "Europe/Berlin", officeHours, "2026-12-24", "2026-12-25")
	short := mustCalendar(t, "UTC", map[string]string{"mon-fri": "09:00-17:00", "sat": "10:00-12:00"})
	tests := []struct {
		cal         *BusinessCalendar
		start, want string
		n           int
	}{
		{berlin, "2026-11-23 10:00", "2026-11-26 10:00", 3},
		{berlin, "2026-11-20 16:00", "2026-11-23 16:00", 1},
		{berlin, "2026-11-20 18:00", "2026-11-24 09:00", 1},
		{berlin, "2026-11-21 12:00", "2026-11-24 09:00", 1},
		{berlin, "2026-12-23 10:00", "2026-12-28 10:00", 1},
		{berlin, "2026-03-27 10:00", "2026-03-30 10:00", 1},
		{short, "2026-11-20 16:00", "2026-11-21 12:00", 1},
		{short, "2026-11-21 11:00", "2026-11-23 10:00", 1},
		{nil, "2026-03-28 10:00Z", "2026-03-31 10:00Z", 3},
	}
	for _, tt := range tests {
		loc := tt.cal.Location()
		if got, want := tt.cal.AddDays(calWall(t, loc, tt.start), tt.n), calWall(t, loc, tt.want); !got.Equal(want) {
			t.Errorf("AddDays(%s, %d) = %s, want %s", tt.start, tt.n, got.In(loc), tt.want)
		}
	}
}

// TestCalendarAddBetweenProperty checks that Add and Between agree, for
// random starts and durations, in zones with daylight saving.
func TestCalendarAddBetweenProperty(t *testing.T) {
	cals := []*BusinessCalendar{
		mustCalendar(t, "Europe/Berlin", officeHours, "2026-12-24", "2026-12-25"),
		mustCalendar(t, "America/New_York", map[string]string{"sun-thu": "01:00-03:30, 08:00-12:00", "sat": "00:00-24:00"}, "2026-07-04"),
		mustCalendar(t, "Australia/Lord_Howe", map[string]string{"mon-sun": "01:00-03:00"}),
		mustCalendar(t, "America/Santiago", map[string]string{"mon-fri": "00:00-24:00", "sat": "22:00-24:00", "sun": "00:00-02:00"}),
		mustCalendar(t, "America/Santiago", map[string]string{"sat": "23:30-24:00", "sun": "00:00-00:30, 23:00-24:00"}),
		mustCalendar(t, "America/Havana", map[string]string{"sun": "00:00-01:30", "sat": "23:00-24:00"}),
		nil,
	}
	rng := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 5000 {
		cal := cals[i%len(cals)]
		s := base.Add(time.Duration(rng.Int64N(int64(365 * 24 * time.Hour))))
		d := time.Duration(rng.Int64N(int64(200 * time.Hour)))
		if i%2 == 0 {
			s = cal.NextOpen(s)
		}
		e := cal.Add(s, d)
		if got := cal.Between(s, e); got != d {
			t.Fatalf("%v: Between(%s, Add(%s, %s) = %s) = %s", cal.Location(), s, s, d, e, got)
		}
		if d > 0 && !cal.Open(e.Add(-time.Nanosecond)) {
			t.Fatalf("%v: Add(%s, %s) = %s ends outside business hours", cal.Location(), s, d, e)
		}
		if e2 := s.Add(d); cal.Open(e2) && e2.After(s) {
			if got := cal.Add(s, cal.Between(s, e2)); !got.Equal(e2) {
				t.Fatalf("%v: Add(%s, Between(%s, %s)) = %s", cal.Location(), s, s, e2, got)
			}
		}
	}
}

func TestCalendarErrors(t *testing.T) {
	tests := []struct {
		cal  Calendar
		want string
	}{
		{Calendar{Hours: officeHours}, "no timezone"},
		{Calendar{Timezone: "Europe/Berlinn", Hours: officeHours}, `unknown timezone "Europe/Berlinn"`},
		{Calendar{Timezone: "UTC"}, "no business hours"},
		{Calendar{Timezone: "UTC", Hours: map[string]string{"mo-fr": "09:00-17:00"}}, `unknown day "mo"`},
		{Calendar{Timezone: "UTC", Hours: map[string]string{"mon": "9-17"}}, `"9" is not a time of day`},
		{Calendar{Timezone: "UTC", Hours: map[string]string{"mon": "09:00"}}, "is not a range"},
		{Calendar{Timezone: "UTC", Hours: map[string]string{"mon": "22:00-06:00"}}, "split a range over midnight"},
		{Calendar{Timezone: "UTC", Hours: map[string]string{"mon": "09:00-12:00, 11:00-13:00"}}, "11:00-13:00 overlaps 09:00-12:00"},
		{Calendar{Timezone: "UTC", Hours: map[string]string{"mon": "24:30-25:00"}}, "not a time of day"},
		{Calendar{Timezone: "UTC", Hours: map[string]string{"mon": "+9:00-17:00"}}, `"+9:00" is not a time of day`},
		{Calendar{Timezone: "UTC", Hours: map[string]string{"mon-fri": "09:00-17:00", "fri": "10:00-12:00"}}, "fri is already given by"},
		{Calendar{Timezone: "UTC", Hours: map[string]string{"mon-sun,mon": "09:00-17:00"}}, "mon is named twice"},
		{Calendar{Timezone: "UTC", Hours: officeHours, Holidays: []string{"24.12.2026"}}, `holiday "24.12.2026" is not a date; write YYYY-MM-DD`},
	}
	for _, tt := range tests {
		_, err := NewBusinessCalendar(tt.cal)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("NewBusinessCalendar(%+v) = %v, want an error containing %q", tt.cal, err, tt.want)
		}
	}
}

// FuzzCalendar builds calendars from any hours and checks that Add and
// Between agree wherever the calendar builds.
func FuzzCalendar(f *testing.F) {
	f.Add(uint8(0), "mon-fri", "09:00-17:00", int64(0), int64(time.Hour))
	f.Add(uint8(1), "sun", "01:00-04:00", int64(86*24*time.Hour), int64(3*time.Hour))
	f.Add(uint8(2), "sat,sun", "00:00-00:30, 23:00-24:00", int64(250*24*time.Hour), int64(40*time.Hour))
	f.Add(uint8(3), "fri-mon", "08:00-10:00,10:00-11:00", int64(-5), int64(1))
	zones := []string{"UTC", "Europe/Berlin", "America/Santiago", "Australia/Lord_Howe", "America/New_York"}
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, zone uint8, days, hours string, start, d int64) {
		cal, err := NewBusinessCalendar(Calendar{Timezone: zones[int(zone)%len(zones)], Hours: map[string]string{days: hours}})
		if err != nil {
			return
		}
		s := base.Add(time.Duration(start % int64(2*365*24*time.Hour)))
		dur := time.Duration(d % int64(500*time.Hour))
		e := cal.Add(s, dur)
		if got := cal.Between(s, e); got != max(dur, 0) {
			t.Fatalf("Between(%s, Add(%s, %s) = %s) = %s", s, s, dur, e, got)
		}
		if n := cal.NextOpen(s); !cal.Open(n) || cal.Between(s, n) != 0 {
			t.Fatalf("NextOpen(%s) = %s is not the next opening", s, n)
		}
	})
}

func TestCalendarWeekday(t *testing.T) {
	for d := (civilDate{1899, time.December, 25}); d.y < 2101; d = d.addDays(1) {
		if got, want := d.weekday(), time.Date(d.y, d.m, d.d, 0, 0, 0, 0, time.UTC).Weekday(); got != want {
			t.Fatalf("%v: weekday %s, want %s", d, got, want)
		}
	}
}
