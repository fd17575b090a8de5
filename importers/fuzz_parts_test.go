package importers

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rogpeppe/go-internal/txtar"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"
)

// The targets of this file fuzz the pieces of the mail parser one at a
// time, with properties a whole-message target cannot state: what a
// standard writer encodes, the parser reads back.

// seedMessages are the project's own mail: the test messages, the demo
// mailbox split into its messages, and the messages of the end-to-end
// scripts.
func seedMessages(tb testing.TB) [][]byte {
	tb.Helper()
	var out [][]byte
	for _, p := range []string{"testdata/mail/*.eml", "testdata/charsets/*.eml"} {
		files, _ := filepath.Glob(p)
		for _, file := range files {
			b, err := os.ReadFile(file)
			if err != nil {
				tb.Fatal(err)
			}
			out = append(out, b)
		}
	}
	for _, p := range []string{"../examples/demo/sample.mbox", "testdata/mbox/*.mbox"} {
		files, _ := filepath.Glob(p)
		for _, file := range files {
			fh, err := os.Open(file)
			if err != nil {
				tb.Fatal(err)
			}
			err = ReadMbox(fh, func(raw []byte, _ int, _ int64) error {
				out = append(out, raw)
				return nil
			})
			fh.Close()
			if err != nil {
				tb.Fatal(err)
			}
		}
	}
	archives, _ := filepath.Glob("../cmd/testdata/*/*.txtar")
	for _, file := range archives {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			tb.Fatal(err)
		}
		for _, f := range ar.Files {
			if strings.HasSuffix(f.Name, ".eml") || strings.Contains(f.Name, "/new/") || strings.Contains(f.Name, "/cur/") {
				out = append(out, f.Data)
			}
		}
	}
	if len(out) < 20 {
		tb.Fatalf("only %d seed messages", len(out))
	}
	return out
}

// seedHeaders returns the values of the named header fields (all fields
// when names is empty) of the seed messages.
func seedHeaders(tb testing.TB, names ...string) []string {
	var out []string
	seen := map[string]bool{}
	for _, raw := range seedMessages(tb) {
		h, _ := splitHeader(bytes.ReplaceAll(raw, []byte("\r\n"), []byte("\n")), defaultMaxLine, func(string) {})
		for _, f := range h {
			if (len(names) == 0 || containsFold(names, f.Name)) && !seen[f.Value] {
				seen[f.Value] = true
				out = append(out, f.Value)
			}
		}
	}
	return out
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// cleanString reports what every decoded header value must be: valid
// UTF-8 without NUL or CR.
func cleanString(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsAny(s, "\x00\r")
}

// FuzzHeader splits arbitrary bytes into header fields and decodes every
// value as a text header: field names are tokens, decoded values are one
// clean line, and RFC 2047 words written by the standard library's encoder
// (Q and B) decode back to the text they encode.
func FuzzHeader(f *testing.F) {
	for _, raw := range seedMessages(f) {
		f.Add(raw, "")
	}
	f.Add([]byte("Subject: =?utf-8?q?caf=C3?= =?utf-8?q?=A9?=\n\n"), "Grüße, 世界 — \"ok\"?")
	f.Fuzz(func(t *testing.T, raw []byte, text string) {
		b := bytes.ReplaceAll(raw, []byte("\r\n"), []byte("\n"))
		h, body := splitHeader(b, 512, func(string) {})
		if !bytes.HasSuffix(b, body) {
			t.Fatal("the body is not the end of the input")
		}
		if len(h) > maxFields {
			t.Fatalf("%d fields", len(h))
		}
		for _, fl := range h {
			if fl.Name == "" || strings.ContainsAny(fl.Name, ": \t\r\n\x00") {
				t.Fatalf("field name %q", fl.Name)
			}
			v := decodeText(fl.Value, "iso-8859-1", func(string) {})
			if !cleanString(v) || strings.Contains(v, "\n") {
				t.Fatalf("decoded %q to %q", fl.Value, v)
			}
		}
		if !utf8.ValidString(text) || strings.ContainsAny(text, "\x00\r\n") || strings.TrimSpace(text) != text {
			return
		}
		for _, enc := range []mime.WordEncoder{mime.QEncoding, mime.BEncoding} {
			w := enc.Encode("utf-8", text)
			if got := decodeWords(w, nil); got != text {
				t.Fatalf("%c-encoded %q as %q, decoded %q", enc, text, w, got)
			}
			// Folded as a writer folds a long Subject.
			if got := decodeText(strings.ReplaceAll(w, "?= =?", "?=\n =?"), "", nil); got != sanitizeLine(text, 0) {
				t.Fatalf("folded %q decoded %q", w, got)
			}
		}
	})
}

// FuzzAddressList reads arbitrary address lists: every address is clean
// single-line text, and a list written by net/mail reads back to the same
// names and addresses.
func FuzzAddressList(f *testing.F) {
	for _, v := range seedHeaders(f, "From", "To", "Cc", "Reply-To", "Sender") {
		f.Add(v, "Jane Doe", "jane")
	}
	f.Add(`"Doe, Jane" <jane@example.com>; bob@example.com (Bob)`, "Müller, Jürgen", "j.mueller")
	f.Add(`=?utf-8?b?w6k=?= <c@example.com>, "unbalanced <x@y>`, `"q"`, "a+b")
	f.Fuzz(func(t *testing.T, v, name, local string) {
		p := &parser{opt: Options{}.withDefaults(), msg: &Message{}, hint: "windows-1252"}
		for _, a := range p.parseAddressList(v) {
			for _, s := range []string{a.Name, a.Email, a.Raw} {
				if !cleanString(s) || strings.Contains(s, "\n") {
					t.Fatalf("address %+v from %q is not clean", a, v)
				}
			}
		}
		// Addresses are cut at 320 bytes (64 for the local part, 255 for
		// the domain, the @): longer ones cannot come back whole.
		if !utf8.ValidString(name) || !dotAtom.MatchString(local) || len(local+"@example.com") > 320 {
			return
		}
		list := []*mail.Address{{Name: name, Address: local + "@example.com"}, {Name: "Bob", Address: "bob@example.org"}}
		var parts []string
		for _, a := range list {
			parts = append(parts, a.String())
		}
		written := strings.Join(parts, ", ")
		std, err := mail.ParseAddressList(written)
		if err != nil || len(std) != 2 || std[0].Name != name || std[0].Address != list[0].Address {
			return // net/mail cannot read back what it wrote; nothing to compare
		}
		got := p.parseAddressList(written)
		if len(got) != 2 {
			t.Fatalf("%q read as %+v", written, got)
		}
		want := cleanName(name)
		if got[0].Email != list[0].Address || got[0].Name != want && cleanString(name) && !strings.Contains(name, "\n") {
			t.Fatalf("%q read as %+v, want name %q address %q", written, got[0], want, list[0].Address)
		}
		if got[1].Email != "bob@example.org" || got[1].Name != "Bob" {
			t.Fatalf("%q: second address read as %+v", written, got[1])
		}
	})
}

// dotAtom is a local part written without quotes.
var dotAtom = regexp.MustCompile(`^[A-Za-z0-9!#$%&'*+/=?^_{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_{|}~-]+)*$`)

// FuzzParams reads arbitrary Content-Type and Content-Disposition values
// (RFC 2045 parameters, RFC 2231 continuations and charsets): the media
// type is lower case, every value is clean text, and parameters written by
// mime.FormatMediaType read back unchanged.
func FuzzParams(f *testing.F) {
	for _, v := range seedHeaders(f, "Content-Type", "Content-Disposition") {
		f.Add(v, "name", "résumé 2026.pdf")
	}
	f.Add(`attachment; filename*0*=utf-8''%E2%82%AC; filename*1=" rate.pdf"`, "filename", "a\"b")
	f.Fuzz(func(t *testing.T, v, key, value string) {
		typ, params := parseParams(v, "iso-8859-1", func(string) {})
		if typ != strings.ToLower(typ) {
			t.Fatalf("media type %q is not lower case", typ)
		}
		for k, pv := range params {
			if k == "boundary" {
				continue // bytes to match against delimiter lines, never shown
			}
			if k != strings.ToLower(k) || !cleanString(pv) { // names are only looked up, never shown
				t.Fatalf("parameter %q=%q from %q", k, pv, v)
			}
		}
		if !simpleText(value) {
			return
		}
		if key == "" || strings.Trim(strings.ToLower(key), "abcdefghijklmnopqrstuvwxyz0123456789-_.") != "" {
			return // "*" and friends are RFC 2231 syntax, not a name
		}
		written := mime.FormatMediaType("attachment", map[string]string{key: value, "size": "12"})
		if written == "" {
			return // not a parameter the standard writer accepts
		}
		typ, params = parseParams(written, "", func(string) {})
		want := sanitizeLine(value, 0) // values are shown on one line, spaces folded
		if strings.ToLower(key) == "boundary" {
			want = value // matched byte for byte
		}
		if typ != "attachment" || params[strings.ToLower(key)] != want || params["size"] != "12" && strings.ToLower(key) != "size" {
			t.Fatalf("%q read as %q %q, want %s=%q", written, typ, params, key, value)
		}
	})
}

// simpleText is one line of valid UTF-8 without control characters or
// surrounding spaces: what every header writer and reader keeps as it is.
func simpleText(s string) bool {
	if !utf8.ValidString(s) || strings.TrimSpace(s) != s {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 {
			return false
		}
	}
	return true
}

// FuzzTransferEncoding decodes arbitrary bodies with every
// Content-Transfer-Encoding, and checks that base64 and quoted-printable
// bodies written by the standard encoders decode to the bytes they encode.
func FuzzTransferEncoding(f *testing.F) {
	for _, raw := range seedMessages(f) {
		h, body := splitHeader(bytes.ReplaceAll(raw, []byte("\r\n"), []byte("\n")), defaultMaxLine, func(string) {})
		f.Add(body, h.get("Content-Transfer-Encoding"))
	}
	f.Add([]byte("=C3=A9t=C3=A9 =\nsoft break=3D\n"), "quoted-printable")
	f.Add([]byte("w6k\n=\n"), "base64")
	f.Fuzz(func(t *testing.T, data []byte, cte string) {
		for _, c := range []string{cte, "base64", "quoted-printable", "7bit", "x-uuencode"} {
			out, _ := transferDecode(data, c)
			if c == "base64" && len(out) > len(data) {
				t.Fatalf("base64 decoded %d bytes into %d", len(data), len(out))
			}
		}
		var b bytes.Buffer
		enc := base64.StdEncoding.EncodeToString(data)
		for len(enc) > 76 {
			b.WriteString(enc[:76] + "\n")
			enc = enc[76:]
		}
		b.WriteString(enc + "\n")
		if got, clean := base64Body(b.Bytes()); !bytes.Equal(got, data) || !clean {
			t.Fatalf("base64 %q decoded %q (clean %v), want %q", b.Bytes(), got, clean, data)
		}
		b.Reset()
		w := quotedprintable.NewWriter(&b)
		w.Binary = true
		w.Write(data)
		w.Close()
		// The parser sees LF line ends; the writer wrote CRLF soft breaks.
		qp := bytes.ReplaceAll(b.Bytes(), []byte("\r\n"), []byte("\n"))
		if got, clean := quotedPrintable(qp); !bytes.Equal(got, data) || !clean {
			t.Fatalf("quoted-printable %q decoded %q (clean %v), want %q", qp, got, clean, data)
		}
	})
}

var roundTripCharsets = map[string]encoding.Encoding{
	"iso-8859-1": charmap.ISO8859_1, "iso-8859-2": charmap.ISO8859_2, "iso-8859-15": charmap.ISO8859_15,
	"windows-1251": charmap.Windows1251, "windows-1252": charmap.Windows1252, "koi8-r": charmap.KOI8R,
	"shift_jis": japanese.ShiftJIS, "euc-jp": japanese.EUCJP, "iso-2022-jp": japanese.ISO2022JP,
	"euc-kr": korean.EUCKR, "gb18030": simplifiedchinese.GB18030, "gbk": simplifiedchinese.GBK,
	"big5": traditionalchinese.Big5, "utf-16le": unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM),
	"utf-16be": unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM),
}

// gbUserDefined reports the private-use code points that GB18030 maps to its
// two-byte user-defined areas. golang.org/x/text lacks those mappings: its
// encoder writes a four-byte sequence that decodes to another character and
// its decoder reads the two-byte form as U+FFFD (golang/go#81126, #62063;
// docs/hardening.md, "Still open"), so they cannot round-trip here.
func gbUserDefined(r rune) bool { return r >= 0xE000 && r <= 0xE864 }

// FuzzCharset decodes arbitrary bytes under arbitrary and known charset
// labels: the result is always valid UTF-8, UTF-8 text under a UTF-8 label
// is kept as it is, and text encoded with a known charset decodes back.
func FuzzCharset(f *testing.F) {
	files, _ := filepath.Glob("testdata/charsets/*.eml")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		_, body := splitHeader(bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n")), defaultMaxLine, func(string) {})
		f.Add(strings.TrimSuffix(filepath.Base(file), ".eml"), body, "Grüße 世界 привет")
	}
	f.Add("utf-7", []byte("+AGEAYgBj-"), "a+b")
	f.Fuzz(func(t *testing.T, label string, data []byte, text string) {
		for _, l := range []string{label, "utf-8", "us-ascii", "utf-7", "x-unknown"} {
			s, _ := decodeCharset(l, data)
			if !utf8.ValidString(s) {
				t.Fatalf("decodeCharset(%q, %q) = %q, not UTF-8", l, data, s)
			}
		}
		if s, _ := decodeCharset("utf-8", []byte(text)); utf8.ValidString(text) && s != text {
			t.Fatalf("UTF-8 %q decoded %q", text, s)
		}
		if !utf8.ValidString(text) || strings.ContainsFunc(text, func(r rune) bool { return r < 0x20 && r != '\n' || r == 0x7f }) {
			return // control characters (ESC above all) are not text in every charset
		}
		for name, enc := range roundTripCharsets {
			if (name == "gb18030" || name == "gbk") && strings.ContainsFunc(text, gbUserDefined) {
				continue
			}
			b, err := enc.NewEncoder().Bytes([]byte(text))
			if err != nil {
				continue // not representable
			}
			if s, w := decodeCharset(name, b); s != text {
				t.Fatalf("%q in %s (%q) decoded %q (%s)", text, name, b, s, w)
			}
		}
	})
}

var scriptRe = regexp.MustCompile(`(?i)<script|<style|<head`)

// FuzzHTMLToMarkdown converts arbitrary HTML: the result is valid UTF-8
// without script, style or head elements, and the words of a simple
// paragraph survive.
func FuzzHTMLToMarkdown(f *testing.F) {
	for _, raw := range seedMessages(f) {
		if m, err := Parse(raw, Options{}); err == nil && m.HTML {
			_, body := splitHeader(bytes.ReplaceAll(raw, []byte("\r\n"), []byte("\n")), defaultMaxLine, func(string) {})
			f.Add(string(body), "word")
		}
	}
	f.Add("<html><head><style>p{}</style></head><body><script>alert(1)</script><table><tr><td>a</td><td>b</td></tr></table></body></html>", "Bestellung")
	f.Fuzz(func(t *testing.T, html, word string) {
		md := htmlToMarkdown(html)
		if !utf8.ValidString(md) && utf8.ValidString(html) {
			t.Fatalf("htmlToMarkdown(%q) = %q, not UTF-8", html, md)
		}
		if scriptRe.MatchString(md) && !scriptRe.MatchString(strings.NewReplacer("&lt;", "<", "&#60;", "<").Replace(html)) {
			t.Fatalf("htmlToMarkdown(%q) = %q", html, md)
		}
		if word == "" || strings.Trim(word, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != "" {
			return
		}
		if md := htmlToMarkdown("<p>" + word + "</p><p>x</p>"); !strings.Contains(md, word) {
			t.Fatalf("word %q lost: %q", word, md)
		}
	})
}

// FuzzBodyText checks the text clean-up of bodies: cleanText gives valid
// UTF-8 without controls, lines within the limit and no trailing spaces
// (a line cut at the limit may end in one); splitQuoted loses no line but
// the empty ones around its cut; unflow never panics and
// leaves text without soft breaks or stuffing alone.
func FuzzBodyText(f *testing.F) {
	for _, raw := range seedMessages(f) {
		if m, err := Parse(raw, Options{}); err == nil {
			f.Add(m.Text+"\n"+m.Quoted, 80)
		}
	}
	f.Add("a \nb\n> c \n>> d\n-- \nsig", 3)
	f.Fuzz(func(t *testing.T, s string, max int) {
		max = max % 200
		if max < 4 {
			max = 4
		}
		c := cleanText(s, max)
		if !utf8.ValidString(c) || strings.ContainsAny(c, "\x00\r\x7f\ufeff") {
			t.Fatalf("cleanText(%q) = %q", s, c)
		}
		for _, l := range strings.Split(c, "\n") {
			if len(l) > max || len(l) < max-3 && l != "-- " && strings.TrimRight(l, " \t") != l {
				t.Fatalf("cleanText(%q, %d): line %q", s, max, l)
			}
		}
		text, quoted := splitQuoted(c)
		// The split drops only the empty lines around the cut (and at
		// the ends): what is left is the text, one or more newlines, and
		// the quote.
		if quoted == "" {
			if text != c {
				t.Fatalf("splitQuoted(%q) changed the text: %q", c, text)
			}
		} else {
			mid, ok := strings.CutPrefix(strings.Trim(c, "\n"), text)
			mid, ok2 := strings.CutSuffix(mid, quoted)
			if !ok || !ok2 || mid == "" || strings.Trim(mid, "\n") != "" {
				t.Fatalf("splitQuoted(%q) lost lines: %q | %q", c, text, quoted)
			}
		}
		for _, l := range strings.Split(c, "\n") {
			if strings.TrimSpace(l) != "" && !strings.Contains(text, strings.TrimSpace(strings.TrimLeft(l, "> "))) && !strings.Contains(quoted, strings.TrimSpace(strings.TrimLeft(l, "> "))) {
				t.Fatalf("splitQuoted(%q) lost line %q: %q | %q", c, l, text, quoted)
			}
		}
		for _, delsp := range []bool{false, true} {
			u := unflow(s, delsp)
			if !utf8.ValidString(u) && utf8.ValidString(s) {
				t.Fatalf("unflow(%q) = %q", s, u)
			}
		}
		plain := true
		for _, l := range strings.Split(c, "\n") {
			if strings.HasSuffix(l, " ") || strings.HasPrefix(l, " ") || strings.HasPrefix(l, ">") {
				plain = false
			}
		}
		if plain {
			if u := unflow(c, false); u != c {
				t.Fatalf("unflow changed plain text %q to %q", c, u)
			}
		}
	})
}

// FuzzMaildir stores one message under an arbitrary file name (with or
// without flags) in new/ or cur/ beside a regular one: ReadMaildir reads
// every regular file that is not hidden exactly once, with its bytes, and
// orders files by the delivery time their names start with.
func FuzzMaildir(f *testing.F) {
	f.Add("1700000000.M1P2.host:2,S", "1700000001.M2P3.host", true, []byte("Subject: x\n\nhi"))
	f.Add("99999999999999999999.x", "1.x:2,", false, []byte{})
	f.Add("abc", ".hidden", true, []byte("From: a@b\n"))
	f.Fuzz(func(t *testing.T, name, other string, cur bool, data []byte) {
		for _, n := range []string{name, other} {
			if n == "" || n == "." || n == ".." || strings.ContainsAny(n, "/\x00") || len(n) > 200 {
				return
			}
		}
		if name == other {
			return
		}
		maildirTime(name)
		dir := t.TempDir()
		sub := "new"
		if cur {
			sub = "cur"
		}
		for _, d := range []string{"new", "cur", "tmp"} {
			if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		want := map[string][]byte{}
		for _, file := range []struct {
			sub, name string
			data      []byte
		}{{sub, name, data}, {"new", other, []byte("Subject: other\n\n")}, {"tmp", "1.tmp", []byte("x")}} {
			p := filepath.Join(dir, file.sub, file.name)
			if err := os.WriteFile(p, file.data, 0o644); err != nil {
				return // a name the file system refuses
			}
			if file.sub != "tmp" && !strings.HasPrefix(file.name, ".") {
				want[p] = file.data
			}
		}
		got := map[string][]byte{}
		var times []int64
		err := ReadMaildir(dir, true, func(p string, raw []byte) error {
			if _, dup := got[p]; dup {
				t.Fatalf("%s read twice", p)
			}
			got[p] = raw
			times = append(times, maildirTime(filepath.Base(p)))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) || !reflect.DeepEqual(keys(got), keys(want)) {
			t.Fatalf("read %q, want %q", keys(got), keys(want))
		}
		for i := 1; i < len(times); i++ {
			if times[i] < times[i-1] {
				t.Fatalf("files out of delivery order: %v", times)
			}
		}
	})
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sortStrings(out)
	return out
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// mboxWrite writes messages as the writer of a variant does: a From_ line,
// Content-Length for mboxcl and mboxcl2, body lines escaped as the variant
// escapes them, a blank line after each message; line ends eol.
func mboxWrite(msgs [][]byte, format MboxFormat, eol string) []byte {
	var b bytes.Buffer
	escRd := regexp.MustCompile(`(?m)^(>*From )`)
	escO := regexp.MustCompile(`(?m)^(From )`)
	for _, m := range msgs {
		head, body, _ := bytes.Cut(m, []byte("\n\n"))
		b.WriteString("From sender@example.com Mon Nov  2 10:00:00 2026\n")
		b.Write(head)
		b.WriteString("\n")
		switch format {
		case Mboxrd:
			body = escRd.ReplaceAll(body, []byte(">$1"))
		case Mboxo, Mboxcl:
			body = escO.ReplaceAll(body, []byte(">$1"))
		}
		if format == Mboxcl || format == Mboxcl2 {
			n := len(body) + bytes.Count(body, []byte("\n"))*(len(eol)-1)
			fmt.Fprintf(&b, "Content-Length: %d\n", n)
		}
		b.WriteString("\n")
		b.Write(body)
		b.WriteString("\n")
	}
	return bytes.ReplaceAll(b.Bytes(), []byte("\n"), []byte(eol))
}

// FuzzMboxRoundTrip writes arbitrary messages as mboxo, mboxrd, mboxcl and
// mboxcl2 files, with LF, CRLF and CR line ends, and reads them back with
// the variant and with detection: every message comes back byte for byte
// (in its line ends), in order, none lost. mboxo cannot tell a body line
// ">From " from an escaped "From ", so it is only checked on bodies
// without one.
func FuzzMboxRoundTrip(f *testing.F) {
	for _, p := range []string{"testdata/mbox/*.mbox", "../examples/demo/sample.mbox"} {
		files, _ := filepath.Glob(p)
		for _, file := range files {
			b, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			var msgs [][]byte
			ReadMbox(bytes.NewReader(b), func(raw []byte, _ int, _ int64) error {
				msgs = append(msgs, raw)
				return nil
			})
			if len(msgs) > 4 {
				msgs = msgs[:4]
			}
			f.Add(bytes.Join(msgs, []byte{0}))
		}
	}
	f.Add([]byte("Subject: a\n\nFrom here\n>From there\n\n\nFrom 1 2\x00Subject: b\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var msgs [][]byte
		for i, m := range bytes.Split(data, []byte{0}) {
			// A header of "Name: value" lines, a blank line, the body,
			// ending in a line end, as writers store a message.
			m = bytes.ReplaceAll(m, []byte("\r"), nil)
			head, body, _ := bytes.Cut(m, []byte("\n\n"))
			var hl [][]byte
			for _, l := range bytes.Split(head, []byte("\n")) {
				if k, _, ok := bytes.Cut(l, []byte(":")); ok && len(k) > 0 && !bytes.ContainsAny(k, " \t>") &&
					!bytes.EqualFold(bytes.TrimSpace(k), []byte("content-length")) && !bytes.HasPrefix(l, []byte("From ")) {
					hl = append(hl, l)
				}
			}
			hl = append(hl, fmt.Appendf(nil, "X-N: %d", i))
			if len(body) > 0 && body[len(body)-1] != '\n' {
				body = append(body, '\n')
			}
			msgs = append(msgs, append(append(bytes.Join(hl, []byte("\n")), "\n\n"...), body...))
		}
		for _, format := range []MboxFormat{Mboxo, Mboxrd, Mboxcl, Mboxcl2} {
			if format == Mboxo || format == Mboxcl {
				ambiguous := false
				for _, m := range msgs {
					_, body, _ := bytes.Cut(m, []byte("\n\n"))
					if regexp.MustCompile(`(?m)^>+From `).Match(body) {
						ambiguous = true
					}
				}
				if ambiguous {
					continue
				}
			}
			for _, eol := range []string{"\n", "\r\n", "\r"} {
				file := mboxWrite(msgs, format, eol)
				for _, read := range []MboxFormat{format, MboxAuto} {
					if read == MboxAuto && format != Mboxrd && format != Mboxcl2 {
						continue // detection reads mboxrd or mboxcl2
					}
					var got [][]byte
					if err := ReadMboxFormat(bytes.NewReader(file), read, func(raw []byte, _ int, _ int64) error {
						got = append(got, raw)
						return nil
					}); err != nil {
						t.Fatal(err)
					}
					if len(got) != len(msgs) {
						t.Fatalf("%v written, read as %v, %q: %d messages, want %d\n%q", format, read, eol, len(got), len(msgs), file)
					}
					for i := range msgs {
						want := bytes.ReplaceAll(msgs[i], []byte("\n"), []byte(eol))
						if format == Mboxcl || format == Mboxcl2 {
							head, body, _ := bytes.Cut(msgs[i], []byte("\n\n"))
							stored := body // as written: mboxcl counts the escaped body
							if format == Mboxcl {
								stored = regexp.MustCompile(`(?m)^(From )`).ReplaceAll(body, []byte(">$1"))
							}
							n := len(stored) + bytes.Count(stored, []byte("\n"))*(len(eol)-1)
							want = bytes.ReplaceAll(fmt.Appendf(nil, "%s\nContent-Length: %d\n\n%s", head, n, body), []byte("\n"), []byte(eol))
						}
						if !bytes.Equal(got[i], want) {
							t.Fatalf("%v written, read as %v, %q: message %d is\n%q\nwant\n%q", format, read, eol, i+1, got[i], want)
						}
					}
				}
			}
		}
	})
}

// TestMboxclBodyStartingWithFromLine: in mboxcl2 nothing is escaped, so a
// body may start with a line that looks like a From_ line; a Content-Length
// that checks out must place it, or the line is taken for a separator and
// lost.
func TestMboxclBodyStartingWithFromLine(t *testing.T) {
	msg := "Subject: s\nContent-Length: 24\n\nFrom 2027 on, it costs.\n"
	file := "From a@example.com Mon Nov  2 10:00:00 2026\n" + msg + "\n"
	for _, format := range []MboxFormat{MboxAuto, Mboxcl2} {
		var got []string
		if err := ReadMboxFormat(strings.NewReader(file), format, func(raw []byte, _ int, _ int64) error {
			got = append(got, string(raw))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0] != msg {
			t.Errorf("%v: read %q, want %q", format, got, msg)
		}
	}
}

// TestBoundaryWithSpaces: RFC 2046 allows spaces inside a boundary, and the
// delimiter lines repeat it byte for byte, so the parameter must not have
// its spaces folded like a display value.
func TestBoundaryWithSpaces(t *testing.T) {
	raw := "From: a@example.com\nSubject: s\nContent-Type: multipart/mixed; boundary=\"a  b\"\n\n" +
		"--a  b\nContent-Type: text/plain\n\nhello there\n" +
		"--a  b\nContent-Type: application/pdf\nContent-Disposition: attachment; filename=\"x.pdf\"\n\n%PDF\n--a  b--\n"
	m, err := Parse([]byte(raw), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Text != "hello there" || len(m.Attachments) != 1 || m.Attachments[0].Filename != "x.pdf" {
		t.Errorf("text %q, %d attachments, warnings %q", m.Text, len(m.Attachments), m.Warnings)
	}
}
