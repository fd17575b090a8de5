package importers

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func mustParseFile(t *testing.T, name string) *Message {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "mail", name))
	if err != nil {
		t.Fatal(err)
	}
	m, err := Parse(raw, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestParseAddressesAndThreading(t *testing.T) {
	m := mustParseFile(t, "plain-en.eml")
	tests := []struct {
		field     string
		got, want any
	}{
		{"ReplyTo", m.ReplyTo, []Address{{Name: "Ann Baker", Email: "ann@home.example.org"}}},
		{"To", m.To, []Address{{Name: "Support", Email: "support@example.com"}}},
		{"Cc", m.Cc, []Address{{Email: "bob@example.com"}, {Name: "Carol C.", Email: "carol@example.com"}}},
		{"DeliveredTo", m.DeliveredTo, []string{"help@desk.example.com", "support@example.com"}},
		{"InReplyTo", m.InReplyTo, []string{"reply-1.7kq2m9@desk.example.com"}},
		{"References", m.References, []string{"first.ann@mail.example.com", "reply-1.7kq2m9@desk.example.com"}},
	}
	for _, tt := range tests {
		if !reflect.DeepEqual(tt.got, tt.want) {
			t.Errorf("%s = %#v, want %#v", tt.field, tt.got, tt.want)
		}
	}

	m = mustParseFile(t, "bad-address.eml")
	wantTo := []Address{{Email: "support@example.com"}, {Name: "Unclosed", Email: "ivy@example.com"}, {Email: "jo@example.com"}}
	if !reflect.DeepEqual(m.To, wantTo) {
		t.Errorf("To = %#v, want %#v", m.To, wantTo)
	}
	if len(m.Cc) != 0 {
		t.Errorf("Cc = %#v, want none for an empty group", m.Cc)
	}

	m = mustParseFile(t, "header-name-spaces.eml")
	if want := []Address{{Email: "dana.alt@example.com"}}; !reflect.DeepEqual(m.ReplyTo, want) {
		t.Errorf("ReplyTo = %#v, want %#v", m.ReplyTo, want)
	}
	m = mustParseFile(t, "split-encoded-word.eml")
	if want := (Address{Name: "Jürgen Müller", Email: "juergen@example.de"}); m.From != want {
		t.Errorf("From = %#v, want %#v", m.From, want)
	}
}

func TestMissingMessageIDIsStable(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "mail", "no-message-id.eml"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(raw)
	want := hex.EncodeToString(sum[:])[:32] + "@ticket.invalid"
	for i := 0; i < 2; i++ {
		m, err := Parse(raw, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if m.MessageID != want {
			t.Fatalf("MessageID = %q, want %q", m.MessageID, want)
		}
	}
	other := append([]byte(nil), raw...)
	other = append(other, "Second thoughts.\n"...)
	m, err := Parse(other, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if m.MessageID == want {
		t.Error("different bytes gave the same derived MessageID")
	}
}

// TestParamWarningsInHeaderOrder reads parameters whose charsets are
// unknown (fuzz input FuzzParse/639e019068c788e4): the warnings come in the
// order the parameters are written, every time, so importing the same
// message twice writes the same ticket.
func TestParamWarningsInHeaderOrder(t *testing.T) {
	raw := []byte("Content-Type: text/plain; c*=A1''07; b*=8''7; a=\"=?x-none?q?z?=\"; d=\"=?x-two?q?z?=\"\n\nhi\n")
	want := []string{
		`parameter c: unknown charset "A1", read as UTF-8`,
		`parameter b: unknown charset "8", read as UTF-8`,
		`encoded word: unknown charset "x-none", read as UTF-8`,
		`encoded word: unknown charset "x-two", read as UTF-8`,
	}
	for i := 0; i < 50; i++ {
		m, err := Parse(raw, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, w := range m.Warnings {
			if strings.HasPrefix(w, "parameter ") || strings.HasPrefix(w, "encoded word: ") {
				got = append(got, w)
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("parse %d: parameter warnings %q, want %q", i+1, got, want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		opt  Options
		is   error
		msg  string
	}{
		{"empty", "", Options{}, ErrNotMail, "no mail header found: empty input"},
		{"blank", " \r\n\n\t", Options{}, ErrNotMail, "no mail header found: empty input"},
		{"no header", "Hello, this is just text.\nNo header here.\n", Options{}, ErrNotMail, `no mail header found: first line "Hello, this is just text."`},
		{"binary", "\x89PNG\r\n\x1a\n\x00\x00", Options{}, ErrNotMail, "no mail header found: first line \"\uFFFDPNG\""},
		{"too large", "Subject: x\n\n" + strings.Repeat("a", 100), Options{MaxSize: 50}, ErrTooLarge, "message too large: 112 bytes, limit 50"},
		{"too large with id", "Message-ID: <big@example.com>\r\n\r\n" + strings.Repeat("a", 100), Options{MaxSize: 50}, ErrTooLarge, "message too large: <big@example.com>: 133 bytes, limit 50"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse([]byte(tt.raw), tt.opt)
			if err == nil {
				t.Fatalf("Parse = %+v, want error", m)
			}
			if !errors.Is(err, tt.is) {
				t.Errorf("error %v is not %v", err, tt.is)
			}
			if err.Error() != tt.msg {
				t.Errorf("error = %q, want %q", err.Error(), tt.msg)
			}
		})
	}
}

func TestParseLimits(t *testing.T) {
	var b strings.Builder
	b.WriteString("Subject: many parts\nContent-Type: multipart/mixed; boundary=x\n\n")
	for i := 0; i < 10; i++ {
		b.WriteString("--x\nContent-Type: application/octet-stream\n\npart\n")
	}
	b.WriteString("--x--\n")
	m, err := Parse([]byte(b.String()), Options{MaxParts: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Attachments) != 4 { // the container counts as a part
		t.Errorf("%d attachments, want 4", len(m.Attachments))
	}
	if want := []string{"no Date header", "more than 5 MIME parts, the rest is ignored", "no Message-ID, derived one from the message bytes"}; !reflect.DeepEqual(m.Warnings, want) {
		t.Errorf("Warnings = %q", m.Warnings)
	}

	nested := "Subject: deep\n"
	for i := 0; i < 30; i++ {
		nested += "Content-Type: multipart/mixed; boundary=b" + strings.Repeat("x", i) + "\n\n--b" + strings.Repeat("x", i) + "\n"
	}
	nested += "\ninnermost\n"
	m, err = Parse([]byte(nested), Options{MaxDepth: 5})
	if err != nil {
		t.Fatal(err)
	}
	if m.Text != "" || len(m.Warnings) == 0 || !strings.Contains(strings.Join(m.Warnings, "\n"), "MIME nesting deeper than 5") {
		t.Errorf("Text %q, Warnings %q", m.Text, m.Warnings)
	}

	long := "Subject: long line\n\n" + strings.Repeat("é", 40) + "\n"
	m, err = Parse([]byte(long), Options{MaxLineBytes: 25})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(m.Text, "\n") {
		if len(l) > 25 {
			t.Errorf("line of %d bytes", len(l))
		}
	}
	if strings.ReplaceAll(m.Text, "\n", "") != strings.Repeat("é", 40) {
		t.Errorf("Text = %q lost content", m.Text)
	}
}

func TestParseFromLineAndOddBoundaries(t *testing.T) {
	raw := "From someone@example.com Mon Mar  2 10:00:00 2026\n" +
		"Subject: with From_ line\n" +
		"Content-Type: multipart/mixed\n" +
		"\n" +
		"--guess-me\n" +
		"Content-Type: text/plain\n" +
		"\n" +
		"guessed boundary\n" +
		"--guess-me--\n"
	m, err := Parse([]byte(raw), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Text != "guessed boundary" {
		t.Errorf("Text = %q", m.Text)
	}
	want := []string{"mbox From_ line at header line 1 dropped", "no Date header", "multipart/mixed without boundary parameter, guessed from the body", "no Message-ID, derived one from the message bytes"}
	if !reflect.DeepEqual(m.Warnings, want) {
		t.Errorf("Warnings = %#v", m.Warnings)
	}
}

// TestParseConcurrent parses the corpus from several goroutines at once; run
// with -race it proves Parse shares no mutable state.
func TestParseConcurrent(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*", "*.eml"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]*Message{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if want[f], err = Parse(raw, Options{}); err != nil {
			t.Fatal(err)
		}
	}
	errs := make(chan error, 4)
	for g := 0; g < 4; g++ {
		go func() {
			for _, f := range files {
				m, err := Parse(want[f].Raw, Options{})
				if err != nil || !reflect.DeepEqual(m, want[f]) {
					errs <- errors.New(f + " parsed differently in parallel")
					return
				}
			}
			errs <- nil
		}()
	}
	for g := 0; g < 4; g++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
