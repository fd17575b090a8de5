package importers

import (
	"strings"
	"testing"
)

// hostileSizes are inputs built to hit quadratic corners of mail parsing.
func hostileSizes() []struct {
	name string
	raw  string
} {
	const mb = 1 << 19 // inputs of 0.5 to 4 MiB
	head := "From: a@example.com\nSubject: x\nMessage-ID: <h@example.com>\nDate: Mon, 2 Mar 2026 10:00:00 +0000\n"
	tests := []struct {
		name string
		raw  string
	}{
		{"encoded word starts", "Subject: " + strings.Repeat("=?", 2*mb) + "\n\nx\n"},
		{"encoded words", "Subject: " + strings.Repeat("=?utf-8?q?a?= ", 100000) + "\n\nx\n"},
		{"folded header", "Subject: a\n" + strings.Repeat(" b\n", mb) + "\nx\n"},
		{"many fields", strings.Repeat("X-A: b\n", 250000) + "\nx\n"},
		{"unindented lines", "Subject: a\n" + strings.Repeat("b\n", mb) + "\nx\n"},
		{"one long line", head + "\n" + strings.Repeat("x", 8*mb) + "\n"},
		{"open scripts", head + "Content-Type: text/html\n\n" + strings.Repeat("<script>", mb) + "\n"},
		{"open tags", head + "Content-Type: text/html\n\n" + strings.Repeat("<b><i>", 150000) + "\n"},
		{"many boundaries", head + "Content-Type: multipart/mixed; boundary=b\n\n" + strings.Repeat("--b\n\nx\n", 150000)},
		{"boundary prefixes", head + "Content-Type: multipart/mixed; boundary=b\n\n" + strings.Repeat("--bx\n", mb)},
		{"quoted lines", head + "\n" + strings.Repeat("> q\n\nreply\n", 150000)},
		{"attribution lookalikes", head + "\n" + strings.Repeat("On a day someone\nwrote:\n", 150000)},
		{"addresses", "To: " + strings.Repeat("a@b, ", 150000) + "\nSubject: x\n\nx\n"},
		{"broken addresses", "To: " + strings.Repeat("<a@b <c, \"", 100000) + "\nSubject: x\n\nx\n"},
		{"params", head + "Content-Type: text/plain" + strings.Repeat("; a*1*=%41", 100000) + "\n\nx\n"},
		{"qp equals", head + "Content-Transfer-Encoding: quoted-printable\n\n" + strings.Repeat("=", 8*mb) + "\n"},
		{"base64 padding", head + "Content-Transfer-Encoding: base64\n\n" + strings.Repeat("QQ==", 2*mb) + "\n"},
		{"utf-7 shifts", head + "Content-Type: text/plain; charset=utf-7\n\n" + strings.Repeat("+AGEAYgBj-", mb/2) + "\n"},
		{"nested", strings.Repeat("Content-Type: multipart/mixed; boundary=q\n\n--q\n", 5000)},
	}
	return tests
}

// TestParseHostileSizes checks that each hostile input parses and keeps the
// invariants. Tests assert no wall time: a quadratic regression shows up in
// BenchmarkParseHostile, and a catastrophic one as the test run's timeout.
func TestParseHostileSizes(t *testing.T) {
	for _, tt := range hostileSizes() {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse([]byte(tt.raw), Options{MaxSize: 64 << 20})
			if err != nil {
				t.Fatal(err)
			}
			checkInvariants(t, m)
		})
	}
}

// BenchmarkParseHostile times each hostile input; compare runs with benchstat
// to catch a parser that turned quadratic.
func BenchmarkParseHostile(b *testing.B) {
	for _, tt := range hostileSizes() {
		b.Run(strings.ReplaceAll(tt.name, " ", "_"), func(b *testing.B) {
			b.SetBytes(int64(len(tt.raw)))
			for i := 0; i < b.N; i++ {
				if _, err := Parse([]byte(tt.raw), Options{MaxSize: 64 << 20}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
