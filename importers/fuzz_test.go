package importers

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func addCorpus(f *testing.F, patterns ...string) {
	for _, p := range patterns {
		files, err := filepath.Glob(p)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range files {
			b, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, m := range seedMessages(f) {
		f.Add(m)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		opt := Options{MaxLineBytes: 512, MaxParts: 50, MaxDepth: 8}
		m, err := Parse(raw, opt)
		if (m == nil) == (err == nil) {
			t.Fatalf("Parse returned message %v and error %v", m != nil, err)
		}
		if err != nil {
			if !utf8.ValidString(err.Error()) || strings.ContainsRune(err.Error(), 0) {
				t.Fatalf("error %q is not clean text", err.Error())
			}
			return
		}
		checkInvariants(t, m)
		for _, s := range []string{m.Text, m.Quoted} {
			for _, l := range strings.Split(s, "\n") {
				if len(l) > opt.MaxLineBytes {
					t.Fatalf("line of %d bytes", len(l))
				}
			}
		}
		again, err := Parse(raw, opt)
		if err != nil || !reflect.DeepEqual(m, again) {
			t.Fatal("Parse is not deterministic")
		}
	})
}

func FuzzReadMbox(f *testing.F) {
	addCorpus(f, "testdata/mbox/*.mbox", "../examples/demo/sample.mbox")
	for _, e := range []string{"\r\n", "\r"} {
		b, err := os.ReadFile(filepath.Join("testdata", "mbox", "mboxrd.mbox"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(bytes.ReplaceAll(b, []byte("\n"), []byte(e)))
	}
	f.Add([]byte("From a 1\n\nFrom b 2\n>From x\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		// In mboxo mode every input byte is either passed on or accounted
		// for as a From_ line, a separator, an escape or blank filler.
		var st mboxStats
		var total int64
		n := 0
		err := readMbox(bytes.NewReader(data), Mboxo, func(raw []byte, k int, off int64) error {
			n++
			if k != n {
				t.Fatalf("message numbered %d, want %d", k, n)
			}
			if off < 0 || off > int64(len(data)) {
				t.Fatalf("offset %d outside the input", off)
			}
			if len(bytes.TrimSpace(raw)) == 0 {
				t.Fatal("blank message passed on")
			}
			total += int64(len(raw))
			return nil
		}, &st)
		if err != nil {
			t.Fatal(err)
		}
		if sum := total + st.fromLines + st.separator + st.escapes + st.dropped; sum != int64(len(data)) {
			t.Fatalf("accounted %d bytes (messages %d, %+v), input has %d", sum, total, st, len(data))
		}
		for _, format := range []MboxFormat{MboxAuto, Mboxrd, Mboxcl, Mboxcl2} {
			if err := ReadMboxFormat(bytes.NewReader(data), format, func([]byte, int, int64) error { return nil }); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func FuzzSubjectTag(f *testing.F) {
	for _, s := range []string{"Re: [#7kq2m9] Order", "AW: WG: [#ABC123] x", "答复: [#7kq2m9] 订单", "Re[2]: Re(3): x", "[#]", "[# 12 ]", "\xff\xfe[#7kq2m9]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, ok := SubjectTag(s)
		if ok {
			if len(id) < 2 || len(id) > 32 || strings.Trim(id, "0123456789abcdefghjkmnpqrstvwxyz") != "" {
				t.Fatalf("SubjectTag(%q) = %q", s, id)
			}
			if !strings.Contains(strings.ToLower(s), id) {
				t.Fatalf("SubjectTag(%q) = %q, not in the subject", s, id)
			}
		} else if id != "" {
			t.Fatalf("SubjectTag(%q) = %q, false", s, id)
		}
		c := CleanSubject(s)
		if !utf8.ValidString(c) || strings.ContainsAny(c, "\r\n\x00") || c != strings.TrimSpace(c) {
			t.Fatalf("CleanSubject(%q) = %q", s, c)
		}
	})
}
