package index

import (
	"strings"
	"unicode/utf8"

	"github.com/ticketdesk/ticket/ticket"
)

// Snippet is the best bit of a ticket's text for a search, with the matched
// spans marked.
type Snippet struct {
	Field string // "title", "customer", "tags" or "entry"
	Entry string // the entry id, for Field "entry"
	Text  string
	Spans [][2]int // byte ranges of Text that matched
}

// Mark returns the snippet's text with each match wrapped in open and close.
func (s Snippet) Mark(open, close string) string {
	var b strings.Builder
	at := 0
	for _, sp := range s.Spans {
		b.WriteString(s.Text[at:sp[0]])
		b.WriteString(open)
		b.WriteString(s.Text[sp[0]:sp[1]])
		b.WriteString(close)
		at = sp[1]
	}
	b.WriteString(s.Text[at:])
	return b.String()
}

// MakeSnippet picks the first place in the ticket where a term occurs (the
// body of an entry is preferred to the title, which a listing shows anyway)
// and cuts about width characters around it.
func MakeSnippet(t *ticket.Ticket, terms []string, width int) Snippet {
	type field struct{ name, entry, text string }
	var fields []field
	if t.Preamble != "" {
		fields = append(fields, field{"entry", "", t.Preamble})
	}
	for _, e := range t.Entries {
		if e.Body != "" {
			fields = append(fields, field{"entry", e.ID, e.Body})
		}
	}
	fields = append(fields, field{"title", "", t.Title}, field{"customer", "", t.Customer}, field{"tags", "", strings.Join(t.Tags, " ")})
	for _, e := range t.Entries {
		if e.Kind == ticket.KindMessage {
			fields = append(fields, field{"customer", "", e.Author})
		}
	}
	for _, f := range fields {
		var offs []int
		folded := fold(f.text, &offs)
		var spans [][2]int
		for _, term := range terms {
			for from := 0; ; {
				i := strings.Index(folded[from:], term)
				if i < 0 {
					break
				}
				i += from
				spans = append(spans, [2]int{offs[i], nextRune(f.text, offs[i+len(term)-1])})
				from = i + len(term)
			}
		}
		if len(spans) == 0 {
			continue
		}
		return cut(f.name, f.entry, f.text, mergeSpans(spans), width)
	}
	return Snippet{}
}

func nextRune(s string, i int) int {
	_, n := utf8.DecodeRuneInString(s[i:])
	return i + n
}

func mergeSpans(sp [][2]int) [][2]int {
	for i := 1; i < len(sp); i++ {
		for j := i; j > 0 && sp[j][0] < sp[j-1][0]; j-- {
			sp[j], sp[j-1] = sp[j-1], sp[j]
		}
	}
	out := sp[:1]
	for _, s := range sp[1:] {
		last := &out[len(out)-1]
		if s[0] <= last[1] {
			last[1] = max(last[1], s[1])
			continue
		}
		out = append(out, s)
	}
	return out
}

// cut takes about width runes of text around the first span, on one line.
func cut(name, entry, text string, spans [][2]int, width int) Snippet {
	first := spans[0]
	start := first[0]
	for n := 0; start > 0 && n < width/3; n++ {
		_, sz := utf8.DecodeLastRuneInString(text[:start])
		start -= sz
	}
	end := first[1]
	for n := utf8.RuneCountInString(text[start:first[1]]); end < len(text) && n < width; n++ {
		_, sz := utf8.DecodeRuneInString(text[end:])
		end += sz
	}
	var b strings.Builder
	var out [][2]int
	if start > 0 {
		b.WriteString("…")
	}
	// Line breaks become spaces so the snippet is one line; span offsets
	// move with the text.
	si := 0
	for i := start; i < end; {
		for si < len(spans) && spans[si][1] <= i {
			si++
		}
		r, sz := utf8.DecodeRuneInString(text[i:])
		if si < len(spans) && spans[si][0] == i {
			s := b.Len()
			seg := strings.Map(oneLine, text[i:min(spans[si][1], end)])
			b.WriteString(seg)
			out = append(out, [2]int{s, b.Len()})
			i = min(spans[si][1], end)
			continue
		}
		b.WriteRune(oneLine(r))
		i += sz
	}
	if end < len(text) {
		b.WriteString("…")
	}
	return Snippet{Field: name, Entry: entry, Text: b.String(), Spans: out}
}

func oneLine(r rune) rune {
	switch r {
	case '\n', '\r', '\t':
		return ' '
	}
	if r < 0x20 || r == 0x7f {
		return -1
	}
	return r
}
