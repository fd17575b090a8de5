package importers

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
)

// endless is a reader of n bytes: head, then filler repeated (or left as
// whatever the caller's buffer held, which costs nothing), so gigabytes of
// input are made on the fly.
type endless struct {
	head   []byte
	filler byte
	n, off int64
	fill   bool
}

func (e *endless) Read(p []byte) (int, error) {
	if e.off >= e.n {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), e.n-e.off)]
	k := 0
	if e.off < int64(len(e.head)) {
		k = copy(p, e.head[e.off:])
	}
	if e.fill {
		for i := k; i < len(p); i++ {
			p[i] = e.filler
		}
	}
	e.off += int64(len(p))
	return len(p), nil
}

// allocated runs f and returns the bytes it allocated on the heap.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

const gib = 1 << 30

// TestReadMessageGigabyte: a gigabyte on a pipe is read to its end (the
// mail server sees it taken), refused at the limit with its true size, and
// never held: what is allocated stays a small multiple of the limit.
func TestReadMessageGigabyte(t *testing.T) {
	const limit = 1 << 20
	head := []byte("From: a@evil.test\nMessage-ID: <huge@evil.test>\nSubject: big\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n")
	pr, pw := io.Pipe()
	go func() {
		_, err := io.Copy(pw, &endless{head: head, n: gib})
		pw.CloseWithError(err)
	}()
	var raw []byte
	var err error
	alloc := allocated(func() { raw, err = ReadMessage(pr, limit) })
	var oe *OversizeError
	if !errors.As(err, &oe) || !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want an OversizeError", err)
	}
	if oe.Size != gib || oe.Limit != limit || oe.Kept != limit || len(raw) != limit || oe.MessageID != "huge@evil.test" {
		t.Errorf("got %+v and %d bytes kept", oe, len(raw))
	}
	if want := "message too large: <huge@evil.test>: 1073741824 bytes, limit 1048576; only the first 1048576 bytes were kept"; err.Error() != want {
		t.Errorf("error\n got %s\nwant %s", err, want)
	}
	if !bytes.HasPrefix(raw, head) {
		t.Errorf("the kept part does not start with the header")
	}
	t.Logf("reading a 1 GiB message with a limit of 1 MiB allocated %.1f MiB", float64(alloc)/(1<<20))
	if alloc > 32*limit {
		t.Errorf("reading a 1 GiB message with a limit of 1 MiB allocated %d MiB", alloc>>20)
	}
}

// TestReadMessageSizes: under the limit a message is read whole; up to
// twice the limit it is kept whole for quarantine; past that only the
// first limit bytes.
func TestReadMessageSizes(t *testing.T) {
	const limit = 1000
	for _, tt := range []struct {
		size     int
		kept     int
		oversize bool
	}{{999, 999, false}, {1000, 1000, false}, {1001, 1001, true}, {2000, 2000, true}, {2001, 1000, true}, {50000, 1000, true}} {
		in := "Message-ID: <x@y>\n\n" + strings.Repeat("x", tt.size-19)
		raw, err := ReadMessage(strings.NewReader(in), limit)
		var oe *OversizeError
		if got := errors.As(err, &oe); got != tt.oversize || (err != nil && !got) {
			t.Errorf("size %d: err = %v", tt.size, err)
		}
		if len(raw) != tt.kept || !strings.HasPrefix(in, string(raw)) {
			t.Errorf("size %d: kept %d bytes, want %d", tt.size, len(raw), tt.kept)
		}
		if oe != nil && (oe.Size != int64(tt.size) || oe.Kept != int64(tt.kept)) {
			t.Errorf("size %d: %+v", tt.size, oe)
		}
	}
}

// TestReadMboxGigabyteLine: an mbox whose second message is one line of a
// gigabyte: the messages around it arrive whole, the big one cut with its
// true size, and memory stays bounded by the limit.
func TestReadMboxGigabyteLine(t *testing.T) {
	const limit = 1 << 20
	first := "From a@b Mon Nov 16 09:00:00 2026\nFrom: a@b\nMessage-ID: <one@b>\n\nfirst\n\n"
	second := "From a@b Mon Nov 16 09:01:00 2026\nFrom: a@b\nMessage-ID: <line@b>\n\n"
	third := "\n\nFrom a@b Mon Nov 16 09:02:00 2026\nFrom: a@b\nMessage-ID: <three@b>\n\nthird\n"
	pr, pw := io.Pipe()
	go func() {
		_, err := io.WriteString(pw, first)
		if err == nil {
			_, err = io.Copy(pw, &endless{head: []byte(second), filler: 'x', n: int64(len(second)) + gib, fill: true})
		}
		if err == nil {
			_, err = io.WriteString(pw, third)
		}
		pw.CloseWithError(err)
	}()
	type got struct {
		id   string
		size int
		over *OversizeError
	}
	var msgs []got
	alloc := allocated(func() {
		err := ReadMboxLimit(pr, limit, func(raw []byte, n int, off int64, over error) error {
			g := got{id: strings.Trim(strings.TrimSuffix(peekMessageID(raw), ": "), "<>"), size: len(raw)}
			if over != nil {
				g.over = over.(*OversizeError)
			}
			msgs = append(msgs, g)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
	if len(msgs) != 3 || msgs[0].id != "one@b" || msgs[1].id != "line@b" || msgs[2].id != "three@b" {
		t.Fatalf("messages %+v", msgs)
	}
	if msgs[0].over != nil || msgs[2].over != nil || msgs[0].size != len(first)-len("From a@b Mon Nov 16 09:00:00 2026\n")-1 {
		t.Errorf("the small messages were not passed whole: %+v", msgs)
	}
	o := msgs[1].over
	if o == nil || o.Size < gib || o.Size > gib+200 || o.Kept != limit || msgs[1].size != limit {
		t.Errorf("the big message: %+v, %d bytes", o, msgs[1].size)
	}
	t.Logf("reading an mbox with a 1 GiB line with a limit of 1 MiB allocated %.1f MiB", float64(alloc)/(1<<20))
	if alloc > 32*limit {
		t.Errorf("reading an mbox with a 1 GiB line allocated %d MiB with a limit of 1 MiB", alloc>>20)
	}
}

// TestReadMboxLyingContentLength: a Content-Length above the limit is not
// believed, so a tiny file cannot make the reader allocate it.
func TestReadMboxLyingContentLength(t *testing.T) {
	in := "From a@b Mon Nov 16 09:00:00 2026\nFrom: a@b\nContent-Length: 268435456\nMessage-ID: <cl@b>\n\nshort\n"
	var n int
	alloc := allocated(func() {
		err := ReadMboxLimit(strings.NewReader(in), 1<<20, func(raw []byte, _ int, _ int64, over error) error {
			n++
			if over != nil || !bytes.HasSuffix(raw, []byte("short\n")) {
				t.Errorf("got %q, %v", raw, over)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
	if n != 1 || alloc > 8<<20 {
		t.Errorf("%d messages, %d MiB allocated", n, alloc>>20)
	}
}

// TestAttachmentOverLimit: a base64 part that decodes past the attachment
// limit is dropped; the message is kept and says what was left out.
func TestAttachmentOverLimit(t *testing.T) {
	big := strings.Repeat("QUFBQUFB", 40000) // 320,000 base64 bytes, 240,000 decoded
	raw := "From: a@evil.test\nSubject: bomb\nMessage-ID: <bomb@evil.test>\nContent-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain\n\nthe file\n--B\nContent-Type: application/zip\nContent-Disposition: attachment; filename=bomb.zip\nContent-Transfer-Encoding: base64\n\n" + big + "\n--B\nContent-Type: image/png\nContent-Disposition: attachment; filename=small.png\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n--B--\n"
	m, err := Parse([]byte(raw), Options{MaxAttachment: 100 << 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Attachments) != 1 || m.Attachments[0].Filename != "small.png" {
		t.Errorf("attachments %v", m.Attachments)
	}
	want := `attachment "bomb.zip" (240000 bytes) was not stored: it is over the limit of 102400 bytes (limits.attachment_size); ask the sender for it another way`
	if len(m.Dropped) != 1 || m.Dropped[0] != want {
		t.Errorf("Dropped = %q", m.Dropped)
	}
	if m.Text != "the file" {
		t.Errorf("text %q", m.Text)
	}
}

// TestLimitsNoted: parts, depth and line length cut the message, and each
// cut is noted for the entry.
func TestLimitsNoted(t *testing.T) {
	head := "From: a@evil.test\nSubject: x\nMessage-ID: <n@evil.test>\n"
	var parts strings.Builder
	parts.WriteString(head + "Content-Type: multipart/mixed; boundary=B\n\n")
	for i := range 10 {
		fmt.Fprintf(&parts, "--B\nContent-Type: text/plain\nContent-Disposition: attachment; filename=f%d.txt\n\nfile %d\n", i, i)
	}
	parts.WriteString("--B--\n")
	nested := head
	for i := range 8 {
		nested += fmt.Sprintf("Content-Type: multipart/mixed; boundary=q%d\n\n--q%d\n", i, i)
	}
	nested += "Content-Type: text/plain\n\ndeep\n"
	long := head + "\n" + strings.Repeat("y", 5000) + "\n"
	longHeader := head + "X-Long: " + strings.Repeat("z", 5000) + "\n\nbody\n"
	for _, tt := range []struct {
		name, raw string
		opt       Options
		want      string
	}{
		{"parts", parts.String(), Options{MaxParts: 4}, "the message has more than 4 MIME parts; the rest were dropped (limits.mime_parts)"},
		{"depth", nested, Options{MaxDepth: 3}, "MIME parts nested deeper than 3 levels were dropped (limits.mime_depth)"},
		{"body line", long, Options{MaxLineBytes: 1024}, "a line of 5000 bytes was split into lines of at most 1024 bytes (limits.line_length)"},
		{"header line", longHeader, Options{MaxLineBytes: 1024}, "header line 4 longer than 1024 bytes truncated (limits.line_length)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse([]byte(tt.raw), tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			if len(m.Dropped) != 1 || m.Dropped[0] != tt.want {
				t.Errorf("Dropped = %q, want %q", m.Dropped, tt.want)
			}
			checkInvariants(t, m)
		})
	}
}
