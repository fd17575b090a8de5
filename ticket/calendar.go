package ticket

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // calendars name IANA zones; hosts without zoneinfo still load them
)

// BusinessCalendar answers questions about business hours: whether an instant
// is inside them, and how much business time lies between two instants.
//
// Hours are wall-clock ranges in the calendar's time zone, so a range that
// contains a daylight-saving change is an hour shorter or longer in elapsed
// time; holidays are whole local days. A nil *BusinessCalendar means calendar
// hours (open all the time) for every method.
//
// Building one loads a time zone; build it once and reuse it.
type BusinessCalendar struct {
	loc      *time.Location
	week     [7][]clockRange // by time.Weekday
	holidays map[civilDate]bool
	openDays int // weekdays that have hours
}

// clockRange is [from, to) in minutes after local midnight.
type clockRange struct{ from, to int }

// civilDate is a local date, free of any time zone.
type civilDate struct {
	y int
	m time.Month
	d int
}

func (d civilDate) addDays(n int) civilDate {
	if n == 1 && d.d < 28 { // the common step of every search, without time.Date
		return civilDate{d.y, d.m, d.d + 1}
	}
	y, m, dd := time.Date(d.y, d.m, d.d+n, 0, 0, 0, 0, time.UTC).Date()
	return civilDate{y, m, dd}
}

// weekday by Sakamoto's method, which is plain arithmetic.
func (d civilDate) weekday() time.Weekday {
	offsets := [12]int{0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4}
	y := d.y
	if d.m < time.March {
		y--
	}
	w := (y + floorDiv(y, 4) - floorDiv(y, 100) + floorDiv(y, 400) + offsets[d.m-1] + d.d) % 7
	return time.Weekday((w + 7) % 7)
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// openInterval is [a, b) of real time.
type openInterval struct{ a, b time.Time }

// NewBusinessCalendar builds the business hours described by c.
func NewBusinessCalendar(c Calendar) (*BusinessCalendar, error) {
	loc, err := loadZone(c.Timezone)
	if err != nil {
		return nil, err
	}
	bc := &BusinessCalendar{loc: loc, holidays: map[civilDate]bool{}}
	days := slices.Sorted(maps.Keys(c.Hours))
	seen := map[time.Weekday]string{}
	for _, key := range days {
		wds, err := parseDaySet(key)
		if err != nil {
			return nil, fmt.Errorf("hours %q: %w", key, err)
		}
		rs, err := parseClockRanges(c.Hours[key])
		if err != nil {
			return nil, fmt.Errorf("hours %q: %w", key, err)
		}
		for _, wd := range wds {
			if other, ok := seen[wd]; ok {
				return nil, fmt.Errorf("hours %q: %s is already given by %q; list each day once", key, dayNames[wd], other)
			}
			seen[wd] = key
			bc.week[wd] = rs
		}
	}
	for _, rs := range bc.week {
		if len(rs) > 0 {
			bc.openDays++
		}
	}
	if bc.openDays == 0 {
		return nil, errors.New(`no business hours; add hours such as mon-fri: "09:00-17:00"`)
	}
	for _, h := range c.Holidays {
		d, err := parseHoliday(h)
		if err != nil {
			return nil, err
		}
		bc.holidays[d] = true
	}
	return bc, nil
}

func loadZone(name string) (*time.Location, error) {
	if strings.TrimSpace(name) == "" {
		return nil, errors.New("no timezone; name one such as Europe/Berlin or UTC")
	}
	if name == "Local" {
		return nil, errors.New(`timezone "Local" depends on the machine; name the zone, such as Europe/Berlin`)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("unknown timezone %q; use an IANA name such as Europe/Berlin or America/New_York", name)
	}
	return loc, nil
}

func parseHoliday(s string) (civilDate, error) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return civilDate{}, fmt.Errorf("holiday %q is not a date; write YYYY-MM-DD", s)
	}
	y, m, d := t.Date()
	return civilDate{y, m, d}, nil
}

var dayNames = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

func parseDay(s string) (time.Weekday, bool) {
	i := slices.Index(dayNames[:], strings.ToLower(strings.TrimSpace(s)))
	return time.Weekday(i), i >= 0
}

// parseDaySet reads "mon-fri", "sat", "sat, sun" or a range that wraps
// around the week such as "sun-thu" or "fri-mon".
func parseDaySet(key string) ([]time.Weekday, error) {
	var out []time.Weekday
	for part := range strings.SplitSeq(key, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, ok := parseDay(lo)
		if !ok {
			return nil, fmt.Errorf("unknown day %q; use mon, tue, wed, thu, fri, sat or sun", strings.TrimSpace(lo))
		}
		b := a
		if isRange {
			if b, ok = parseDay(hi); !ok {
				return nil, fmt.Errorf("unknown day %q; use mon, tue, wed, thu, fri, sat or sun", strings.TrimSpace(hi))
			}
		}
		for d := a; ; d = (d + 1) % 7 {
			if slices.Contains(out, d) {
				return nil, fmt.Errorf("%s is named twice", dayNames[d])
			}
			out = append(out, d)
			if d == b {
				break
			}
		}
	}
	return out, nil
}

// parseClockRanges reads "09:00-17:00" or "10:00-12:00, 13:00-15:00".
func parseClockRanges(s string) ([]clockRange, error) {
	if strings.TrimSpace(s) == "" {
		return nil, errors.New(`no hours; write a range such as "09:00-17:00"`)
	}
	var rs []clockRange
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		lo, hi, ok := strings.Cut(part, "-")
		if !ok {
			return nil, fmt.Errorf("%q is not a range; write it as HH:MM-HH:MM", part)
		}
		a, err := parseClock(lo)
		if err != nil {
			return nil, err
		}
		b, err := parseClock(hi)
		if err != nil {
			return nil, err
		}
		if b <= a {
			return nil, fmt.Errorf("%q does not end after it starts; split a range over midnight into ...-24:00 and 00:00-... on the next day", part)
		}
		rs = append(rs, clockRange{a, b})
	}
	slices.SortFunc(rs, func(x, y clockRange) int { return x.from - y.from })
	merged := rs[:1]
	for _, r := range rs[1:] {
		last := &merged[len(merged)-1]
		switch {
		case r.from < last.to:
			return nil, fmt.Errorf("%s overlaps %s", r, *last)
		case r.from == last.to:
			last.to = r.to
		default:
			merged = append(merged, r)
		}
	}
	return merged, nil
}

func parseClock(s string) (int, error) {
	s = strings.TrimSpace(s)
	h, m, ok := strings.Cut(s, ":")
	if strings.Trim(h+m, "0123456789") != "" {
		ok = false
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || len(m) != 2 || len(h) < 1 || len(h) > 2 ||
		hh < 0 || mm < 0 || mm > 59 || hh > 24 || (hh == 24 && mm != 0) {
		return 0, fmt.Errorf("%q is not a time of day; write HH:MM, from 00:00 to 24:00", s)
	}
	return hh*60 + mm, nil
}

func (r clockRange) String() string {
	return fmt.Sprintf("%02d:%02d-%02d:%02d", r.from/60, r.from%60, r.to/60, r.to%60)
}

// Location is the calendar's time zone (UTC for a nil calendar).
func (c *BusinessCalendar) Location() *time.Location {
	if c == nil {
		return time.UTC
	}
	return c.loc
}

func (c *BusinessCalendar) dateOf(t time.Time) civilDate {
	y, m, d := t.In(c.loc).Date()
	return civilDate{y, m, d}
}

// day returns the open intervals of local date d, in order, appended to
// buf[:0] so that searches over many days do not allocate.
func (c *BusinessCalendar) day(d civilDate, buf []openInterval) []openInterval {
	out := buf[:0]
	rs := c.week[d.weekday()]
	if len(rs) == 0 || (len(c.holidays) > 0 && c.holidays[d]) {
		return out
	}
	for _, r := range rs {
		a := time.Date(d.y, d.m, d.d, 0, r.from, 0, 0, c.loc)
		b := time.Date(d.y, d.m, d.d, 0, r.to, 0, 0, c.loc)
		if b.After(a) { // a range inside a skipped hour has no length
			out = append(out, openInterval{a, b})
		}
	}
	return out
}

// searchDays bounds the search for an opening: every week has an open day
// unless holidays cover it or a clock change swallows its hours (at most
// twice a year).
func (c *BusinessCalendar) searchDays() int { return 7 * (len(c.holidays) + 4) }

// firstDay is where a search around t starts. A day's hours may begin on the
// local date before (a zone that skips midnight turns "00:00" into 23:00 of
// the day before) or end on the date after, so searches start a day early.
func (c *BusinessCalendar) firstDay(t time.Time) civilDate { return c.dateOf(t).addDays(-1) }

// containing returns the local date whose hours hold t and the index of the
// interval among that date's, or ok false when t is outside hours.
func (c *BusinessCalendar) containing(t time.Time) (d civilDate, ivs []openInterval, i int, ok bool) {
	d = c.firstDay(t)
	for range 3 {
		ivs = c.day(d, nil)
		for i, iv := range ivs {
			if !t.Before(iv.a) && t.Before(iv.b) {
				return d, ivs, i, true
			}
		}
		d = d.addDays(1)
	}
	return d, nil, -1, false
}

// Open reports whether t is inside business hours.
func (c *BusinessCalendar) Open(t time.Time) bool {
	if c == nil {
		return true
	}
	_, _, _, ok := c.containing(t)
	return ok
}

// NextOpen returns t when it is inside business hours, else the next opening.
func (c *BusinessCalendar) NextOpen(t time.Time) time.Time {
	if c == nil {
		return t
	}
	var buf [4]openInterval
	d := c.firstDay(t)
	for range c.searchDays() {
		for _, iv := range c.day(d, buf[:]) {
			if iv.b.After(t) {
				if iv.a.After(t) {
					return iv.a
				}
				return t
			}
		}
		d = d.addDays(1)
	}
	return t // unreachable for a calendar built by NewBusinessCalendar
}

// Add returns the instant at which d of business time has elapsed after
// start. Starting outside business hours counts from the next opening; d
// running out exactly at a closing returns the closing. d <= 0 returns start.
func (c *BusinessCalendar) Add(start time.Time, d time.Duration) time.Time {
	if c == nil || d <= 0 {
		return start.Add(max(d, 0))
	}
	var buf [4]openInterval
	rem := d
	day := c.firstDay(start)
	idle := 0
	for {
		ivs := c.day(day, buf[:])
		for _, iv := range ivs {
			if !iv.b.After(start) {
				continue
			}
			a := iv.a
			if start.After(a) {
				a = start
			}
			n := iv.b.Sub(a)
			if n >= rem {
				return a.Add(rem)
			}
			rem -= n
		}
		if len(ivs) == 0 {
			if idle++; idle > c.searchDays() {
				return start // unreachable for a calendar built by NewBusinessCalendar
			}
		} else {
			idle = 0
		}
		day = day.addDays(1)
	}
}

// Between returns the business time in [a, b); zero when b is not after a.
func (c *BusinessCalendar) Between(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	if c == nil {
		return b.Sub(a)
	}
	var buf [4]openInterval
	var sum time.Duration
	last := c.dateOf(b).addDays(1)
	for d := c.firstDay(a); ; d = d.addDays(1) {
		for _, iv := range c.day(d, buf[:]) {
			lo, hi := iv.a, iv.b
			if a.After(lo) {
				lo = a
			}
			if b.Before(hi) {
				hi = b
			}
			if hi.After(lo) {
				sum += hi.Sub(lo)
			}
		}
		if d == last {
			return sum
		}
	}
}

// AddDays returns the instant n business days after start: as much business
// time into the n-th open day after start's day as start was into its own,
// capped at that day's closing. A start outside business hours counts from
// the next opening, so 1 business day from Friday 16:00 is Monday 16:00 and
// from Friday 18:00 is Tuesday 09:00 (hours 09:00-17:00). On a nil calendar a
// day is 24 hours.
func (c *BusinessCalendar) AddDays(start time.Time, n int) time.Time {
	if c == nil || n <= 0 {
		return start.Add(time.Duration(max(n, 0)) * 24 * time.Hour)
	}
	s := c.NextOpen(start)
	d, ivs, at, ok := c.containing(s)
	if !ok {
		return s // unreachable: NextOpen returns an instant inside hours
	}
	into := s.Sub(ivs[at].a)
	for _, iv := range ivs[:at] {
		into += iv.b.Sub(iv.a)
	}
	for left, idle := n, 0; ; {
		d = d.addDays(1)
		ivs := c.day(d, nil)
		if len(ivs) == 0 {
			if idle++; idle > c.searchDays() {
				return s // unreachable for a calendar built by NewBusinessCalendar
			}
			continue
		}
		idle = 0
		if left--; left > 0 {
			continue
		}
		for _, iv := range ivs {
			n := iv.b.Sub(iv.a)
			if n > into {
				return iv.a.Add(into)
			}
			into -= n
		}
		return ivs[len(ivs)-1].b
	}
}
