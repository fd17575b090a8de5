package importers

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// OversizeError is the error for a message over the size limit. Reading
// stopped holding bytes at the limit (see KeepLimit) and counted the rest,
// so Size is the message's true size however large it was.
type OversizeError struct {
	MessageID string // from the header, without brackets; "" when none was read
	Size      int64  // bytes of the whole message
	Limit     int64  // the size limit
	Kept      int64  // bytes kept (for quarantine): all of them, or the first Limit
}

func (e *OversizeError) Error() string {
	var b strings.Builder
	b.WriteString(ErrTooLarge.Error())
	b.WriteString(": ")
	if e.MessageID != "" {
		b.WriteString("<" + e.MessageID + ">: ")
	}
	fmt.Fprintf(&b, "%d bytes, limit %d", e.Size, e.Limit)
	if e.Kept < e.Size {
		fmt.Fprintf(&b, "; only the first %d bytes were kept", e.Kept)
	}
	return b.String()
}

// Unwrap makes errors.Is(err, ErrTooLarge) true.
func (e *OversizeError) Unwrap() error { return ErrTooLarge }

// KeepLimit is how much of a message over limit is held in memory and kept
// in quarantine: a message up to twice the limit whole, so raising the limit
// and retrying imports it; of a larger one only the first limit bytes.
// 0 means no limit.
func KeepLimit(limit int64) int64 {
	if limit <= 0 {
		return 0
	}
	return 2 * limit
}

// newOversize describes a message of size bytes of which kept is held.
func newOversize(kept []byte, size, limit int64) *OversizeError {
	return &OversizeError{MessageID: strings.Trim(strings.TrimSuffix(peekMessageID(kept), ": "), "<>"), Size: size, Limit: limit, Kept: int64(len(kept))}
}

// ReadMessage reads one message from r (a file, or a mail server's pipe)
// holding at most KeepLimit(limit) bytes. A larger message is read to its
// end but not kept: raw is the part kept (see KeepLimit) and err an
// *OversizeError. Any other error is the reader's. limit 0 reads all.
func ReadMessage(r io.Reader, limit int64) (raw []byte, err error) {
	if limit <= 0 {
		return io.ReadAll(r)
	}
	keep := KeepLimit(limit)
	var buf bytes.Buffer
	n, err := buf.ReadFrom(io.LimitReader(r, keep+1))
	if err != nil {
		return nil, err
	}
	raw = buf.Bytes()
	if n <= limit {
		return raw, nil
	}
	size := n
	if n > keep {
		rest, err := io.Copy(io.Discard, r)
		if err != nil {
			return nil, err
		}
		size += rest
		raw = raw[:limit]
	}
	return raw, newOversize(raw, size, limit)
}

// ReadMboxLimit is ReadMbox holding at most KeepLimit(limit) bytes of any
// message in memory, whatever the file holds (a line of a gigabyte, a
// Content-Length that lies). A message over limit reaches fn cut to what is
// kept, with over set to an *OversizeError; over is nil for every other
// message. limit 0 is no limit.
func ReadMboxLimit(r io.Reader, limit int64, fn func(raw []byte, n int, offset int64, over error) error) error {
	return readMboxLimit(r, MboxAuto, limit, fn, nil)
}

// limited notes that a limit cut something out of the message, in its
// warnings and in its Dropped list (shown in its ticket entry).
func (p *parser) limited(note string) {
	p.warn(note)
	p.note(note)
}

// note adds to the Dropped list only; a few notes say enough.
func (p *parser) note(s string) {
	if len(p.msg.Dropped) < 20 && !slices.Contains(p.msg.Dropped, s) {
		p.msg.Dropped = append(p.msg.Dropped, sanitizeLine(s, 300))
	}
}

// longestLine is the length in bytes of the longest line of s.
func longestLine(s string) int {
	longest := 0
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			i = len(s)
		}
		longest = max(longest, i)
		s = s[min(i+1, len(s)):]
	}
	return longest
}

// headerWarn is the warn of header reading: a field cut at the line limit
// is also noted for the entry.
func (p *parser) headerWarn(s string) {
	if strings.HasSuffix(s, "bytes truncated") {
		p.limited(s + " (limits.line_length)")
		return
	}
	p.warn(s)
}

// ReadFileLimit reads a message file as ReadMessage reads a stream: over
// is an *OversizeError when the file is larger than limit, and raw is then
// the part kept. limit 0 reads all.
func ReadFileLimit(path string, limit int64) (raw []byte, over error, err error) {
	return readFileLimit(path, limit)
}

func readFileLimit(path string, limit int64) ([]byte, error, error) {
	if limit <= 0 {
		raw, err := os.ReadFile(path)
		return raw, nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	// A file says its size: past what is kept, nothing more is read.
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() > KeepLimit(limit) {
		raw := make([]byte, limit)
		if _, err := io.ReadFull(f, raw); err != nil {
			return nil, nil, err
		}
		return raw, newOversize(raw, fi.Size(), limit), nil
	}
	raw, err := ReadMessage(f, limit)
	var oe *OversizeError
	if errors.As(err, &oe) {
		return raw, oe, nil
	}
	return raw, nil, err
}
