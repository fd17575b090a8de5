package importers

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

type mboxMsg struct {
	raw    string
	n      int
	offset int64
}

func readAll(t testing.TB, data []byte, f MboxFormat) []mboxMsg {
	t.Helper()
	var got []mboxMsg
	err := ReadMboxFormat(bytes.NewReader(data), f, func(raw []byte, n int, off int64) error {
		got = append(got, mboxMsg{string(raw), n, off})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// withEOL rewrites LF line ends to eol.
func withEOL(s, eol string) string { return strings.ReplaceAll(s, "\n", eol) }

var eols = []struct{ name, eol string }{{"LF", "\n"}, {"CRLF", "\r\n"}, {"CR", "\r"}}

const (
	mboxoHead1  = "From: Alice <alice@example.com>\nSubject: first\nMessage-ID: <mboxo-1@example.com>\n\n"
	mboxoHead2  = "From: Bob <bob@example.com>\nSubject: second\nMessage-ID: <mboxo-2@example.com>\n\n"
	mboxoHead3  = "From: Carol <carol@example.com>\nSubject: third\nMessage-ID: <mboxo-3@example.com>\n\n"
	mboxrdHead1 = "From: Alice <alice@example.com>\nSubject: first\nMessage-ID: <mboxrd-1@example.com>\n\n"
	mboxrdHead2 = "From: Bob <bob@example.com>\nSubject: second\nMessage-ID: <mboxrd-2@example.com>\n\n"
)

func TestReadMboxVariants(t *testing.T) {
	mboxo, err := os.ReadFile(filepath.Join("testdata", "mbox", "mboxo.mbox"))
	if err != nil {
		t.Fatal(err)
	}
	mboxrd, err := os.ReadFile(filepath.Join("testdata", "mbox", "mboxrd.mbox"))
	if err != nil {
		t.Fatal(err)
	}
	rdBody1 := "From was \"From \" when it was written.\n" +
		">From was \">From \" when it was written.\n" +
		">>From was \">>From \" when it was written.\n" +
		"> From with a space is no escape.\n" +
		">not a From line either.\n"
	tests := []struct {
		name    string
		data    []byte
		format  MboxFormat
		want    []string
		offsets []int64 // for LF
	}{
		{"mboxo", mboxo, Mboxo, []string{
			mboxoHead1 + "Line one.\n" +
				"From the start of this line, it was escaped.\n" +
				">>From here on it stays as it is in mboxo.\n" +
				"From the desk, a line without a blank line before it, at 10:00.\n",
			mboxoHead2 + "Body two.\n",
			mboxoHead3 + "The last message ends without a blank line.\n",
		}, []int64{0, 294, 430}},
		{"mboxo read as auto", mboxo, MboxAuto, []string{
			mboxoHead1 + "Line one.\n" +
				"From the start of this line, it was escaped.\n" +
				">From here on it stays as it is in mboxo.\n" +
				"From the desk, a line without a blank line before it, at 10:00.\n",
			mboxoHead2 + "Body two.\n",
			mboxoHead3 + "The last message ends without a blank line.\n",
		}, []int64{0, 294, 430}},
		{"mboxrd", mboxrd, Mboxrd, []string{
			mboxrdHead1 + rdBody1,
			mboxrdHead2 + "Body two, followed by two blank lines.\n\n",
		}, []int64{0, 314}},
		{"mboxrd read as auto", mboxrd, MboxAuto, []string{
			mboxrdHead1 + rdBody1,
			mboxrdHead2 + "Body two, followed by two blank lines.\n\n",
		}, []int64{0, 314}},
		{"mboxrd read as mboxo", mboxrd, Mboxo, []string{
			mboxrdHead1 + "From was \"From \" when it was written.\n" +
				">>From was \">From \" when it was written.\n" +
				">>>From was \">>From \" when it was written.\n" +
				"> From with a space is no escape.\n" +
				">not a From line either.\n",
			mboxrdHead2 + "Body two, followed by two blank lines.\n\n",
		}, []int64{0, 314}},
	}
	for _, tt := range tests {
		for _, e := range eols {
			t.Run(tt.name+"/"+e.name, func(t *testing.T) {
				data := []byte(withEOL(string(tt.data), e.eol))
				got := readAll(t, data, tt.format)
				if len(got) != len(tt.want) {
					t.Fatalf("%d messages, want %d", len(got), len(tt.want))
				}
				for i, m := range got {
					if want := withEOL(tt.want[i], e.eol); m.raw != want {
						t.Errorf("message %d = %q, want %q", i+1, m.raw, want)
					}
					if m.n != i+1 {
						t.Errorf("message %d numbered %d", i+1, m.n)
					}
					wantOff := tt.offsets[i]
					if e.eol == "\r\n" {
						wantOff += int64(strings.Count(string(tt.data[:wantOff]), "\n"))
					}
					if m.offset != wantOff {
						t.Errorf("message %d at offset %d, want %d", i+1, m.offset, wantOff)
					}
					if !bytes.HasPrefix(data[m.offset:], []byte("From ")) {
						t.Errorf("offset %d of message %d is not at a From_ line", m.offset, i+1)
					}
					if _, err := Parse([]byte(m.raw), Options{}); err != nil {
						t.Errorf("message %d does not parse: %v", i+1, err)
					}
				}
			})
		}
	}
}

// mboxcl2Messages are the messages of testdata/mbox/mboxcl2.mbox; their
// bodies hold unescaped "From " lines that only Content-Length can place.
var mboxcl2Messages = []struct{ head, body string }{
	{"From: Alice <alice@example.com>\nSubject: first\nMessage-ID: <cl2-1@example.com>\n",
		"Body line.\n\nFrom the very start of a line, after a blank line, on 2 March.\n>From stays as written.\n"},
	{"From: Bob <bob@example.com>\nSubject: second\nMessage-ID: <cl2-2@example.com>\n",
		"\nFrom 1 to 2 things: a From_-like line right at the start.\n"},
	{"From: Carol <carol@example.com>\nSubject: third\nMessage-ID: <cl2-3@example.com>\n",
		"Last.\n"},
}

func buildMboxcl2(eol string) []byte {
	var b bytes.Buffer
	for i, m := range mboxcl2Messages {
		body := withEOL(m.body, eol)
		fmt.Fprintf(&b, "From sender%d@example.com Mon Mar  2 1%d:00:00 2026%s", i+1, i, eol)
		b.WriteString(withEOL(m.head, eol))
		fmt.Fprintf(&b, "Content-Length: %d%s%s", len(body), eol, eol)
		b.WriteString(body)
		b.WriteString(eol)
	}
	return b.Bytes()
}

func TestReadMboxcl2(t *testing.T) {
	path := filepath.Join("testdata", "mbox", "mboxcl2.mbox")
	if *update {
		if err := os.WriteFile(path, buildMboxcl2("\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	onDisk, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(onDisk, buildMboxcl2("\n")) {
		t.Fatalf("%s differs from its generator; run with -update", path)
	}
	for _, f := range []MboxFormat{MboxAuto, Mboxcl2, Mboxcl} {
		for _, e := range eols {
			t.Run(f.String()+"/"+e.name, func(t *testing.T) {
				got := readAll(t, buildMboxcl2(e.eol), f)
				if len(got) != len(mboxcl2Messages) {
					t.Fatalf("%d messages, want %d", len(got), len(mboxcl2Messages))
				}
				for i, m := range mboxcl2Messages {
					body := withEOL(m.body, e.eol)
					if f == Mboxcl {
						body = strings.Replace(body, ">From stays", "From stays", 1)
					}
					want := withEOL(m.head, e.eol) + fmt.Sprintf("Content-Length: %d%s%s", len(withEOL(m.body, e.eol)), e.eol, e.eol) + body
					if got[i].raw != want {
						t.Errorf("message %d = %q, want %q", i+1, got[i].raw, want)
					}
				}
			})
		}
	}
	// Read line by line (mboxrd), the unescaped From_ lines split messages.
	if got := readAll(t, buildMboxcl2("\n"), Mboxrd); len(got) != 4 {
		t.Errorf("mboxrd reading of mboxcl2: %d messages, want 4", len(got))
	}
}

func TestReadMboxWrongContentLength(t *testing.T) {
	data := "From a@example.com Mon Mar  2 10:00:00 2026\n" +
		"Subject: lies\nContent-Length: 3\n\n" +
		"This body is longer than three bytes.\n\n" +
		"From b@example.com Mon Mar  2 11:00:00 2026\n" +
		"Subject: huge\nContent-Length: 99999\n\n" +
		"Short.\n"
	got := readAll(t, []byte(data), MboxAuto)
	want := []string{
		"Subject: lies\nContent-Length: 3\n\nThis body is longer than three bytes.\n",
		"Subject: huge\nContent-Length: 99999\n\nShort.\n",
	}
	if len(got) != len(want) {
		t.Fatalf("%d messages: %v", len(got), got)
	}
	for i := range want {
		if got[i].raw != want[i] {
			t.Errorf("message %d = %q, want %q", i+1, got[i].raw, want[i])
		}
	}
}

func TestReadMboxEdges(t *testing.T) {
	tests := []struct {
		name string
		data string
		want []string
	}{
		{"empty", "", nil},
		{"blank", "\n\n", nil},
		{"no From_ line", "Subject: single\n\nbody\n", []string{"Subject: single\n\nbody\n"}},
		{"leading garbage", "Subject: stray\n\nx\n\nFrom a Mon Mar  2 10:00:00 2026\nSubject: a\n\nA\n",
			[]string{"Subject: stray\n\nx\n", "Subject: a\n\nA\n"}},
		{"empty message skipped", "From a Mon Mar  2 10:00:00 2026\n\nFrom b Mon Mar  2 10:00:00 2026\nSubject: b\n\nB\n",
			[]string{"Subject: b\n\nB\n"}},
		{"From without digit is body", "From a Mon Mar  2 10:00:00 2026\nSubject: a\n\nx\n\nFrom here on\n",
			[]string{"Subject: a\n\nx\n\nFrom here on\n"}},
		{"no blank line before From_", "From a@example.com Mon Mar  2 10:00:00 2026\nSubject: a\n\nA\nFrom b@example.com Tue Mar  3 11:00 2026\nSubject: b\n\nB\nFrom me, regards 2026\n",
			[]string{"Subject: a\n\nA\n", "Subject: b\n\nB\nFrom me, regards 2026\n"}},
		{"no final newline", "From a Mon Mar  2 10:00:00 2026\nSubject: a\n\nend", []string{"Subject: a\n\nend"}},
		{"long line", "From a 2026\nSubject: a\n\n" + strings.Repeat("x", 200000) + "\n", []string{"Subject: a\n\n" + strings.Repeat("x", 200000) + "\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, m := range readAll(t, []byte(tt.data), MboxAuto) {
				got = append(got, m.raw)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestReadMboxCallbackError(t *testing.T) {
	data := "From a Mon Mar  2 10:00:00 2026\nSubject: a\n\nA\n\nFrom b Mon Mar  2 10:00:00 2026\nSubject: b\n\nB\n"
	stop := errors.New("disk full")
	calls := 0
	err := ReadMbox(strings.NewReader(data), func(raw []byte, n int, off int64) error {
		calls++
		if n == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || err.Error() != "mbox message 2 at offset 47: disk full" || calls != 2 {
		t.Errorf("err = %v after %d calls", err, calls)
	}
	readErr := errors.New("connection reset")
	err = ReadMbox(io.MultiReader(strings.NewReader(data[:20]), iotestErr{readErr}), func([]byte, int, int64) error { return nil })
	if !errors.Is(err, readErr) {
		t.Errorf("read error not returned: %v", err)
	}
}

type iotestErr struct{ err error }

func (r iotestErr) Read([]byte) (int, error) { return 0, r.err }

// generatedMbox streams n small messages without ever holding the file.
type generatedMbox struct {
	n, i int
	pad  int // bytes of filler text per message
	buf  []byte
}

func (g *generatedMbox) Read(p []byte) (int, error) {
	for len(g.buf) == 0 {
		if g.i == g.n {
			return 0, io.EOF
		}
		g.i++
		g.buf = fmt.Appendf(g.buf[:0], "From user%d@example.com Mon Mar  2 10:00:00 2026\n"+
			"From: User %d <user%d@example.com>\nSubject: message %d\nMessage-ID: <gen-%d@example.com>\n"+
			"Date: Mon, 2 Mar 2026 10:00:00 +0000\n\n", g.i, g.i, g.i, g.i, g.i)
		for k := 0; k < g.pad; k += 64 {
			g.buf = append(g.buf, "filler filler filler filler filler filler filler filler filler\n"...)
		}
		g.buf = fmt.Appendf(g.buf, "Hello number %d.\n>From a quoted line.\n\n", g.i)
	}
	n := copy(p, g.buf)
	g.buf = g.buf[n:]
	return n, nil
}

// TestReadMboxStreams reads 20,000 messages (about 80 MiB) from a reader
// that is not a file and checks that the live heap stays far below the
// size of the stream.
func TestReadMboxStreams(t *testing.T) {
	const n = 20000
	count := 0
	var last []byte
	var peak uint64
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	err := ReadMbox(&generatedMbox{n: n, pad: 4096}, func(raw []byte, k int, off int64) error {
		count++
		if k != count {
			return fmt.Errorf("message numbered %d, want %d", k, count)
		}
		if k%2000 == 0 {
			// Collect first: what is still live is what the reader keeps.
			runtime.GC()
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
		}
		last = raw
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if count != n {
		t.Fatalf("%d messages, want %d", count, n)
	}
	if want := fmt.Sprintf("Hello number %d.\nFrom a quoted line.\n", n); !strings.HasSuffix(string(last), want) {
		t.Errorf("last message %q", last)
	}
	if peak > base+16<<20 {
		t.Errorf("live heap grew from %d to %d MiB while streaming", base>>20, peak>>20)
	}
}
