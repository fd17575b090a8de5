package mailin

import "testing"

func TestSameAddress(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"jane@example.com", "JANE@Example.COM", true},
		{"<jane@example.com>", " jane@example.com ", true},
		{"jane@example.com", "jаne@example.com", false},      // Cyrillic а
		{"kate@example.com", "\u212aate@example.com", false}, // Kelvin sign folds to k in Unicode
		{"jane@example.com", "jane@exampIe.com", false},
		{"", "", false},
	} {
		if got := SameAddress(c.a, c.b); got != c.want {
			t.Errorf("SameAddress(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}
