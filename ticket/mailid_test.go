package ticket

import "testing"

func TestOurMessageIDs(t *testing.T) {
	for _, c := range []struct {
		in, want string
		ok       bool
	}{
		{OutgoingMessageID("7kq2m9", "9vz2mr", "k3", "shop.example"), "7kq2m9", true},
		{"<" + ThreadRootID("7kq2m9", "shop.example") + ">", "7kq2m9", true},
		{ThreadRootID("ab12cd", ""), "ab12cd", true},
		{"CAF1x2@mail.gmail.com", "", false},
		{"ticket.@x", "", false},
		{"ticket.UPPER!.x@y", "", false},
		{"ticketing.7kq2m9@x", "", false},
	} {
		got, ok := ParseOurMessageID(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("ParseOurMessageID(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
	if d := MailDomain("Support <support@shop.example>"); d != "shop.example" {
		t.Errorf("MailDomain = %q", d)
	}
}
