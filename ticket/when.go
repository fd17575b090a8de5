package ticket

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// whenUnits are the units of ParseDuration. A day is 24 hours here; business
// hours arithmetic, where a day is a working day, lives with the calendars.
var whenUnits = map[string]time.Duration{
	"w": 7 * 24 * time.Hour,
	"d": 24 * time.Hour,
	"h": time.Hour,
	"m": time.Minute,
	"s": time.Second,
}

// ParseDuration reads a duration written as one or more number-unit pairs:
// 90m, 1h30m, 3d, 2w, 1.5h, 45s. Units are w (7 days), d (24 hours), h, m
// and s, in any case. Months and years have no fixed length and are not
// durations; ParseWhen accepts them as points in time.
func ParseDuration(s string) (time.Duration, error) {
	in := strings.ToLower(strings.TrimSpace(s))
	if in == "" {
		return 0, fmt.Errorf("empty duration (write one such as 90m, 1h30m, 3d or 2w)")
	}
	var total time.Duration
	for rest := in; rest != ""; {
		i := 0
		for i < len(rest) && (rest[i] >= '0' && rest[i] <= '9' || rest[i] == '.') {
			i++
		}
		num := rest[:i]
		rest = rest[i:]
		j := 0
		for j < len(rest) && rest[j] >= 'a' && rest[j] <= 'z' {
			j++
		}
		unit := rest[:j]
		rest = rest[j:]
		if num == "" {
			return 0, fmt.Errorf("duration %q: expected a number before %q (write one such as 90m, 1h30m, 3d or 2w)", s, unit+rest)
		}
		if unit == "" {
			return 0, fmt.Errorf("duration %q: %s has no unit (add one of w, d, h, m or s, as in %sm)", s, num, num)
		}
		u, ok := whenUnits[unit]
		if !ok {
			if unit == "mo" || unit == "y" {
				return 0, fmt.Errorf("duration %q: months and years have no fixed length (use days or weeks, as in 30d or 52w)", s)
			}
			return 0, fmt.Errorf("duration %q: unknown unit %q (use w, d, h, m or s, as in 90m, 1h30m, 3d or 2w)", s, unit)
		}
		d, err := whenScale(num, u)
		if err != nil {
			return 0, fmt.Errorf("duration %q: %v", s, err)
		}
		if total > math.MaxInt64-d {
			return 0, fmt.Errorf("duration %q is too long (at most about 15,000 weeks)", s)
		}
		total += d
	}
	return total, nil
}

// whenScale multiplies a decimal number by a unit, refusing overflow.
func whenScale(num string, unit time.Duration) (time.Duration, error) {
	whole, frac, hasFrac := strings.Cut(num, ".")
	if strings.Contains(frac, ".") || whole == "" && frac == "" || hasFrac && frac == "" {
		return 0, fmt.Errorf("%q is not a number", num)
	}
	var d time.Duration
	if whole != "" {
		n, err := strconv.ParseInt(whole, 10, 64)
		if err != nil || n > math.MaxInt64/int64(unit) {
			return 0, fmt.Errorf("%s is too large", num)
		}
		d = time.Duration(n) * unit
	}
	if frac != "" {
		f, err := strconv.ParseFloat("0."+frac, 64)
		if err != nil {
			return 0, fmt.Errorf("%q is not a number", num)
		}
		d += time.Duration(math.Round(f * float64(unit)))
	}
	return d, nil
}

// ParseWhen reads a point in time as a person writes it on the command line
// or in a query, relative to now:
//
//   - a duration back from now: 30m, 24h, 7d, 2w, 1h30m (see ParseDuration)
//   - calendar months or years back from now: 3mo, 1y
//   - a date, meaning its midnight UTC: 2026-11-01
//   - an RFC 3339 time: 2026-11-01T09:30:00Z, 2026-11-01T10:30:00+01:00
//   - now, today (midnight UTC) and yesterday (the midnight before)
//
// The result is in UTC.
func ParseWhen(s string, now time.Time) (time.Time, error) {
	now = now.UTC()
	in := strings.ToLower(strings.TrimSpace(s))
	switch in {
	case "":
		return time.Time{}, fmt.Errorf("empty time (write one such as 7d, 2026-11-01 or yesterday)")
	case "now":
		return now, nil
	case "today":
		return whenMidnight(now), nil
	case "yesterday":
		return whenMidnight(now).AddDate(0, 0, -1), nil
	}
	if t, ok := whenAbsolute(in); ok {
		return t, nil
	}
	if n, unit, ok := whenSpan(in); ok {
		if unit == "y" {
			return now.AddDate(-n, 0, 0), nil
		}
		return now.AddDate(0, -n, 0), nil
	}
	if in[0] >= '0' && in[0] <= '9' {
		d, err := ParseDuration(in)
		if err == nil {
			return now.Add(-d), nil
		}
		if strings.Contains(in, "-") || strings.Contains(in, ":") {
			return time.Time{}, fmt.Errorf("time %q is neither a date (2026-11-01) nor an RFC 3339 time (2026-11-01T09:30:00Z)", s)
		}
		return time.Time{}, err
	}
	return time.Time{}, fmt.Errorf("time %q not understood (write a duration back from now such as 30m, 24h, 7d, 2w or 3mo, a date such as 2026-11-01, an RFC 3339 time, today or yesterday)", s)
}

// whenAbsolute reads a date or an RFC 3339 time.
func whenAbsolute(s string) (time.Time, bool) {
	if len(s) == len("2006-01-02") {
		if t, err := time.Parse("2006-01-02", s); err == nil {
			return t, true
		}
	}
	if t, err := time.Parse(time.RFC3339Nano, strings.ToUpper(s)); err == nil {
		return t.UTC(), true
	}
	return time.Time{}, false
}

// whenSpan reads "3mo" or "1y".
func whenSpan(s string) (int, string, bool) {
	var unit string
	switch {
	case strings.HasSuffix(s, "mo"):
		unit = "mo"
	case strings.HasSuffix(s, "y"):
		unit = "y"
	default:
		return 0, "", false
	}
	n, err := strconv.Atoi(strings.TrimSuffix(s, unit))
	if err != nil || n < 0 || n > 10000 {
		return 0, "", false
	}
	return n, unit, true
}

func whenMidnight(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
