package ticket

import (
	"strconv"
	"strings"
	"testing"
)

// aliasBomb is a billion-laughs document: 30 levels of ten aliases each
// expand a few kilobytes into 10^30 values.
func aliasBomb(indent string) string {
	var b strings.Builder
	b.WriteString(indent + "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 30; i++ {
		b.WriteString(indent + "a" + strconv.Itoa(i) + ": &a" + strconv.Itoa(i) + " [")
		for j := range 10 {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*a" + strconv.Itoa(i-1))
		}
		b.WriteString("]\n")
	}
	return b.String()
}

// TestTicketAliasBomb: a ticket file with YAML aliases anywhere in its
// front matter is refused, naming the file and line, without expanding.
func TestTicketAliasBomb(t *testing.T) {
	head := "---\nid: 7kq2m9\nstatus: new\ncreated: 2026-11-20T10:00:00Z\n"
	for _, tt := range []struct{ name, fm, want string }{
		{"tags", "tags: &t [a, b]\nfields:\n  x: *t\n", "tickets/7k/7kq2m9.md:7: fields.x: YAML aliases are not allowed in ticket files"},
		{"tag item", "title: &t hi\ntags: [*t]\n", "tickets/7k/7kq2m9.md:6: tags: YAML aliases are not allowed in ticket files"},
		{"bomb in a field", "fields:\n" + aliasBomb("  ") + "  z: *a29\n", "tickets/7k/7kq2m9.md:6: fields.a0: want a single value"},
		{"bomb at the top", aliasBomb("") + "title: *a29\n", "tickets/7k/7kq2m9.md:"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseFile("tickets/7k/7kq2m9.md", []byte(head+tt.fm+"---\n"))
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "tickets/7k/7kq2m9.md:") {
				t.Errorf("error = %v, want one naming the file and line with %q", err, tt.want)
			}
		})
	}
}
