package ticket

import (
	"strings"
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"90m", 90 * time.Minute},
		{"1h30m", 90 * time.Minute},
		{"3d", 72 * time.Hour},
		{"2w", 14 * 24 * time.Hour},
		{"1w2d3h4m5s", (7+2)*24*time.Hour + 3*time.Hour + 4*time.Minute + 5*time.Second},
		{"1.5h", 90 * time.Minute},
		{".5d", 12 * time.Hour},
		{"24H", 24 * time.Hour},
		{" 6h ", 6 * time.Hour},
		{"0m", 0},
		{"45s", 45 * time.Second},
		{"15000w", 15000 * 7 * 24 * time.Hour},
	}
	for _, tt := range tests {
		got, err := ParseDuration(tt.in)
		if err != nil {
			t.Errorf("ParseDuration(%q) error: %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseDuration(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestParseDurationErrors(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", "empty duration"},
		{"7", `duration "7": 7 has no unit`},
		{"7x", `duration "7x": unknown unit "x"`},
		{"3mo", "months and years have no fixed length"},
		{"1y", "months and years have no fixed length"},
		{"h", `expected a number before "h"`},
		{"-1h", `expected a number before "-1h"`},
		{"1h 30m", `expected a number before " 30m"`},
		{"1..5h", `"1..5" is not a number`},
		{"1.h", `"1." is not a number`},
		{"99999999999999999999h", "is too large"},
		{"16000w", "is too large"},
		{"15000w15000w", "is too long"},
	}
	for _, tt := range tests {
		_, err := ParseDuration(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseDuration(%q) error = %v, want it to contain %q", tt.in, err, tt.want)
		}
	}
}

func TestParseWhen(t *testing.T) {
	now := time.Date(2026, 11, 23, 13, 45, 10, 0, time.UTC)
	berlin := time.FixedZone("CET", 3600)
	tests := []struct {
		in   string
		now  time.Time
		want time.Time
	}{
		{"30m", now, time.Date(2026, 11, 23, 13, 15, 10, 0, time.UTC)},
		{"24h", now, time.Date(2026, 11, 22, 13, 45, 10, 0, time.UTC)},
		{"7d", now, time.Date(2026, 11, 16, 13, 45, 10, 0, time.UTC)},
		{"2w", now, time.Date(2026, 11, 9, 13, 45, 10, 0, time.UTC)},
		{"1h30m", now, time.Date(2026, 11, 23, 12, 15, 10, 0, time.UTC)},
		{"3mo", now, time.Date(2026, 8, 23, 13, 45, 10, 0, time.UTC)},
		{"1y", now, time.Date(2025, 11, 23, 13, 45, 10, 0, time.UTC)},
		{"0d", now, now},
		{"2026-11-01", now, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)},
		{"2026-11-01T09:30:00Z", now, time.Date(2026, 11, 1, 9, 30, 0, 0, time.UTC)},
		{"2026-11-01t09:30:00z", now, time.Date(2026, 11, 1, 9, 30, 0, 0, time.UTC)},
		{"2026-11-01T10:30:00+01:00", now, time.Date(2026, 11, 1, 9, 30, 0, 0, time.UTC)},
		{"2026-11-01T09:30:00.25Z", now, time.Date(2026, 11, 1, 9, 30, 0, 250e6, time.UTC)},
		{"now", now, now},
		{"today", now, time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)},
		{"Today", now, time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)},
		{"yesterday", now, time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)},
		// today is the UTC day, whatever zone the clock is in
		{"today", time.Date(2026, 11, 24, 0, 30, 0, 0, berlin), time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)},
		{"yesterday", time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC), time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC)},
		{"1d", time.Date(2026, 11, 24, 0, 30, 0, 0, berlin), time.Date(2026, 11, 22, 23, 30, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		got, err := ParseWhen(tt.in, tt.now)
		if err != nil {
			t.Errorf("ParseWhen(%q) error: %v", tt.in, err)
			continue
		}
		if !got.Equal(tt.want) || got.Location() != time.UTC {
			t.Errorf("ParseWhen(%q, %v) = %v, want %v", tt.in, tt.now, got, tt.want)
		}
	}
}

func TestParseWhenErrors(t *testing.T) {
	now := time.Date(2026, 11, 23, 13, 45, 10, 0, time.UTC)
	tests := []struct {
		in, want string
	}{
		{"", "empty time"},
		{"last week", `time "last week" not understood`},
		{"-7d", `time "-7d" not understood`},
		{"2026-13-01", `time "2026-13-01" is neither a date`},
		{"2026-11-01 09:30", "is neither a date"},
		{"7x", `unknown unit "x"`},
	}
	for _, tt := range tests {
		_, err := ParseWhen(tt.in, now)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseWhen(%q) error = %v, want it to contain %q", tt.in, err, tt.want)
		}
	}
}
