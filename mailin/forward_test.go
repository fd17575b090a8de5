package mailin

import (
	"testing"
	"time"
)

// An agent's mail that opens a ticket: the customer is whoever wrote the
// forwarded mail; the agent stays the requester only when nobody else can
// be found, and is then marked.
func TestAgentForwardOpensCustomersTicket(t *testing.T) {
	agents := map[string]bool{"kate@shop.example": true, "support@shop.example": true}
	cases := []struct {
		name, mail             string
		customer, by, openedBy string
	}{
		{"gmail forward", "From: Kate <kate@shop.example>\nSubject: Fwd: broken kettle\nMessage-ID: <f1@shop.example>\n\nPlease look at this one.\n\n---------- Forwarded message ---------\nFrom: Jane Doe <Jane.Doe@example.com>\nDate: Mon, 2 Nov 2026 at 09:14\nSubject: broken kettle\nTo: <kate@shop.example>\n\nMy kettle arrived broken.\n",
			"jane.doe@example.com", "kate@shop.example", ""},
		{"apple mail forward", "From: kate@shop.example\nSubject: Fwd: invoice\nMessage-ID: <f2@shop.example>\n\nFYI\n\nBegin forwarded message:\n\nFrom: \"Bob Stone\" <bob@example.org>\nSubject: invoice\n\nI need an invoice.\n",
			"bob@example.org", "kate@shop.example", ""},
		{"html forward in markdown", "From: kate@shop.example\nSubject: Fwd: refund\nMessage-ID: <f3@shop.example>\nContent-Type: text/html\n\n<p>see below</p><p>-------- Forwarded Message --------</p><p><b>From:</b> Ayşe &lt;ayse@example.net&gt;<br><b>Subject:</b> refund</p><p>Where is my refund?</p>\n",
			"ayse@example.net", "kate@shop.example", ""},
		{"attached message", "From: kate@shop.example\nSubject: Fwd: parcel\nMessage-ID: <f4@shop.example>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nforwarding as attachment\n--b\nContent-Type: message/rfc822\n\nFrom: Luis <luis@example.com>\nSubject: parcel\nMessage-ID: <orig@example.com>\n\nWhere is my parcel?\n--b--\n",
			"luis@example.com", "kate@shop.example", ""},
		{"reply-to", "From: kate@shop.example\nReply-To: Olga <olga@example.ru>\nSubject: call notes\nMessage-ID: <f5@shop.example>\n\nOlga called about her order.\n",
			"olga@example.ru", "kate@shop.example", ""},
		{"agent's own words", "From: Kate <kate@shop.example>\nSubject: stock check\nMessage-ID: <f6@shop.example>\n\nWe should check the kettle stock.\n",
			"kate@shop.example", "", "kate@shop.example"},
		{"forward of another agent's mail", "From: kate@shop.example\nSubject: Fwd: shifts\nMessage-ID: <f7@shop.example>\n\n---------- Forwarded message ---------\nFrom: Support <support@shop.example>\n\nshift plan\n",
			"kate@shop.example", "", "kate@shop.example"},
		{"customer forwarding is a customer", "From: Jane <jane@example.com>\nSubject: Fwd: my order\nMessage-ID: <f8@shop.example>\n\n---------- Forwarded message ---------\nFrom: Shop <orders@shop-partner.example>\n\nYour order shipped.\n",
			"jane@example.com", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			im := New(nil, Options{Now: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC),
				IsAgent: func(a string) bool { return agents[NormalizeAddress(a)] }})
			r, err := im.Add([]byte(c.mail), Source{Name: c.name})
			if err != nil || r.Outcome != Created {
				t.Fatalf("%+v, %v", r, err)
			}
			tk := im.Ticket(r.Ticket)
			if tk.Customer != c.customer {
				t.Errorf("customer = %q, want %q", tk.Customer, c.customer)
			}
			if got := tk.Field("forwarded-by"); got != c.by {
				t.Errorf("forwarded-by = %q, want %q", got, c.by)
			}
			if got := tk.Field("opened-by"); got != c.openedBy {
				t.Errorf("opened-by = %q, want %q", got, c.openedBy)
			}
		})
	}
}

// The customer of a forwarded ticket threads their own replies onto it by
// the subject tag, as any customer does.
func TestForwardedTicketBelongsToCustomer(t *testing.T) {
	im := New(nil, Options{Now: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC),
		IsAgent: func(a string) bool { return SameAddress(a, "kate@shop.example") }})
	r, err := im.Add([]byte("From: kate@shop.example\nSubject: Fwd: broken kettle\nMessage-ID: <g1@shop.example>\n\n---------- Forwarded message ---------\nFrom: Jane <jane@example.com>\n\nbroken\n"), Source{})
	if err != nil {
		t.Fatal(err)
	}
	r2, err := im.Add([]byte("From: Jane <jane@example.com>\nSubject: Re: [#"+r.Ticket+"] broken kettle\nMessage-ID: <g2@example.com>\n\nany news?\n"), Source{})
	if err != nil {
		t.Fatal(err)
	}
	if r2.Outcome != Appended || r2.Ticket != r.Ticket || r2.By != "subject-tag" {
		t.Errorf("customer's reply: %+v, want appended to %s by subject-tag", r2, r.Ticket)
	}
}
