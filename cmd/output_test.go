package cmd

import "testing"

// TestSafe checks that customer text printed to a terminal loses every
// control character (C0, DEL and the C1 range, whose U+009B is a
// one-character escape sequence on some terminals) and keeps the rest.
func TestSafe(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Refund please", "Refund please"},
		{"a\tb\nc", "a b c"},
		{"red \x1b[31mtext\x1b[0m", "red [31mtext[0m"},
		{"csi \u009b2J gone", "csi 2J gone"},
		{"bell\a del\x7f nul\x00", "bell del nul"},
		{"Grüße, 한국어, \u00a0kept", "Grüße, 한국어, \u00a0kept"},
	}
	for _, c := range cases {
		if got := safe(c.in); got != c.want {
			t.Errorf("safe(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
