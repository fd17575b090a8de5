package mailin

import (
	"testing"
	"time"
)

// Parallel detects the language only of messages that open tickets; a
// message that looked like a reply but opens a ticket after all (its
// In-Reply-To names nothing stored) gets its language when filed.
func TestParallelDetectsLanguageOfNewTickets(t *testing.T) {
	im := New(nil, Options{Now: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)})
	var got []Result
	p := im.Parallel(2, func(r Result) { got = append(got, r) })
	de := "Guten Tag, mein Wasserkocher ist leider kaputt angekommen. Können Sie mir bitte einen neuen schicken oder das Geld zurückerstatten? Vielen Dank und freundliche Grüße"
	p.Add([]byte("From: hans@example.de\nSubject: Wasserkocher kaputt\nMessage-ID: <n1@example.de>\n\n"+de+"\n"), Source{Name: "new"})
	p.Add([]byte("From: hans@example.de\nSubject: Re: Wasserkocher kaputt\nMessage-ID: <n2@example.de>\nIn-Reply-To: <n1@example.de>\n\n"+de+"\n"), Source{Name: "reply"})
	p.Add([]byte("From: petra@example.de\nSubject: Re: Rechnung\nMessage-ID: <n3@example.de>\nIn-Reply-To: <unknown@example.de>\n\n"+de+"\n"), Source{Name: "orphan reply"})
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	want := []Outcome{Created, Appended, Created}
	if len(got) != len(want) {
		t.Fatalf("results = %+v", got)
	}
	for i, r := range got {
		if r.Outcome != want[i] {
			t.Errorf("message %d: %s, want %s", i+1, r.Outcome, want[i])
		}
		if r.Outcome == Created {
			if l := im.Ticket(r.Ticket).Language; l != "de" {
				t.Errorf("message %d: ticket language %q, want de", i+1, l)
			}
		}
	}
	if got[1].Message.Language != "" {
		t.Errorf("the reply's language was detected (%q); only new tickets need it", got[1].Message.Language)
	}

	// Importing the same mail again: every message is a duplicate, and
	// none needs its language.
	again := New(im.Changed(), Options{Now: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)})
	var dup []Result
	p = again.Parallel(2, func(r Result) { dup = append(dup, r) })
	p.Add([]byte("From: hans@example.de\nSubject: Wasserkocher kaputt\nMessage-ID: <n1@example.de>\n\n"+de+"\n"), Source{Name: "new again"})
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if len(dup) != 1 || dup[0].Outcome != Duplicate || dup[0].Message.Language != "" {
		t.Errorf("re-import: %+v; want a duplicate without language detection", dup)
	}
}
