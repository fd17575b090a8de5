package importers

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// MboxFormat names an mbox variant.
type MboxFormat int

const (
	// MboxAuto uses Content-Length when it is present and checks out
	// (mboxcl2), else splits at From_ lines and un-escapes like mboxrd.
	MboxAuto MboxFormat = iota
	// Mboxo: body lines "From " were written as ">From "; only ">From " is
	// un-escaped (">>From " stays as it is).
	Mboxo
	// Mboxrd: every ">…>From " line had one ">" added; one is removed.
	Mboxrd
	// Mboxcl: Content-Length gives the body size and ">From " is escaped as
	// in mboxo.
	Mboxcl
	// Mboxcl2: Content-Length gives the body size; nothing is escaped.
	Mboxcl2
)

func (f MboxFormat) String() string {
	switch f {
	case Mboxo:
		return "mboxo"
	case Mboxrd:
		return "mboxrd"
	case Mboxcl:
		return "mboxcl"
	case Mboxcl2:
		return "mboxcl2"
	}
	return "auto"
}

// maxContentLength bounds how much a Content-Length header may make
// ReadMbox read ahead in one go.
const maxContentLength = 256 << 20

// ReadMbox splits an mbox stream into messages, detecting the variant (see
// MboxAuto). It reads one message at a time, so memory is bounded by the
// largest message, not by the file. fn gets each message with its From_
// line and the separating blank line removed and ">From " lines
// un-escaped; line ends are left exactly as the file has them (LF, CRLF or
// CR), and Parse accepts all three. n is the 1-based message number and
// offset the byte offset of its From_ line (of its first byte when the file
// does not start with one). raw is not reused after fn returns. An error
// from fn stops the reading and is returned, wrapped with n and offset.
func ReadMbox(r io.Reader, fn func(raw []byte, n int, offset int64) error) error {
	return ReadMboxFormat(r, MboxAuto, fn)
}

// ReadMboxFormat is ReadMbox for a known variant.
func ReadMboxFormat(r io.Reader, format MboxFormat, fn func(raw []byte, n int, offset int64) error) error {
	return readMbox(r, format, fn, nil)
}

// mboxStats accounts for the bytes ReadMbox does not pass on, for tests.
type mboxStats struct {
	fromLines int64 // From_ lines with their line ends
	separator int64 // blank lines between messages
	escapes   int64 // '>' removed by un-escaping
	dropped   int64 // blank content before the first From_ line or between From_ lines
}

// lineReader reads lines ending in a fixed delimiter, with push-back for a
// Content-Length read that turned out wrong.
type lineReader struct {
	br    *bufio.Reader
	delim byte
	back  []byte
	off   int64 // offset of the next unread byte
	max   int   // longest line kept whole (0: any); the rest is counted in cut
	cut   int64 // bytes of the last line read that were not kept
}

func (lr *lineReader) readLine() ([]byte, error) {
	lr.cut = 0
	if len(lr.back) > 0 {
		i := bytes.IndexByte(lr.back, lr.delim)
		var line []byte
		if i < 0 {
			line, lr.back = lr.back, nil
		} else {
			line, lr.back = lr.back[:i+1], lr.back[i+1:]
		}
		lr.off += int64(len(line))
		return line, nil
	}
	line, err := lr.br.ReadSlice(lr.delim)
	if err == bufio.ErrBufferFull {
		long := append([]byte(nil), line...)
		for err == bufio.ErrBufferFull {
			line, err = lr.br.ReadSlice(lr.delim)
			if lr.max > 0 && len(long)+len(line) > lr.max {
				// Past the limit the line is counted, not kept.
				keep := max(lr.max-len(long), 0)
				long = append(long, line[:keep]...)
				lr.cut += int64(len(line) - keep)
				continue
			}
			long = append(long, line...)
		}
		line = long
	}
	lr.off += int64(len(line)) + lr.cut
	if err == io.EOF && len(line) > 0 {
		err = nil
	}
	return line, err
}

func (lr *lineReader) readN(n int) ([]byte, error) {
	buf := make([]byte, 0, n)
	k := min(n, len(lr.back))
	buf = append(buf, lr.back[:k]...)
	lr.back = lr.back[k:]
	rest := make([]byte, n-k)
	m, err := io.ReadFull(lr.br, rest)
	buf = append(buf, rest[:m]...)
	lr.off += int64(len(buf))
	return buf, err
}

func (lr *lineReader) peek(k int) []byte {
	if len(lr.back) >= k {
		return lr.back[:k]
	}
	p, _ := lr.br.Peek(k - len(lr.back))
	if len(lr.back) == 0 {
		return p
	}
	return append(append([]byte(nil), lr.back...), p...)
}

func (lr *lineReader) unread(b []byte) {
	lr.back = append(append([]byte(nil), b...), lr.back...)
	lr.off -= int64(len(b))
}

// trimEOL drops a line's terminator (LF, CRLF or CR).
func trimEOL(line []byte) []byte {
	line = bytes.TrimSuffix(line, []byte("\n"))
	return bytes.TrimSuffix(line, []byte("\r"))
}

// isFromLine reports whether a line is an mbox separator: "From " followed
// by something with a digit in it (the date), as every writer produces.
func isFromLine(l []byte) bool {
	if !bytes.HasPrefix(l, []byte("From ")) {
		return false
	}
	return bytes.ContainsAny(l[5:], "0123456789")
}

// strictFromRe is the From_ line every writer produces: sender, then an
// asctime date. Only such a line splits messages without a blank line
// before it, as some exporters write them.
var strictFromRe = lazyRegexp(`^From \S+ +(Mon|Tue|Wed|Thu|Fri|Sat|Sun) +(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d{1,2} +\d{1,2}:\d{2}(:\d{2})? +(\S+ +)?\d{4}\b`)

func readMbox(r io.Reader, format MboxFormat, fn func([]byte, int, int64) error, st *mboxStats) error {
	return readMboxLimit(r, format, 0, func(raw []byte, n int, off int64, _ error) error { return fn(raw, n, off) }, st)
}

// readMboxLimit is readMbox that holds at most KeepLimit(limit) bytes of a
// message (limit 0: no limit); a larger message reaches fn cut, with an
// *OversizeError.
func readMboxLimit(r io.Reader, format MboxFormat, limit int64, fn func([]byte, int, int64, error) error, st *mboxStats) error {
	if st == nil {
		st = &mboxStats{}
	}
	keep := KeepLimit(limit)
	br := bufio.NewReaderSize(r, 64<<10)
	lr := &lineReader{br: br, delim: '\n'}
	if keep > 0 {
		lr.max = int(keep)
	}
	if head, _ := br.Peek(64 << 10); bytes.IndexByte(head, '\n') < 0 && bytes.IndexByte(head, '\r') >= 0 {
		lr.delim = '\r'
	}
	useCL := format == MboxAuto || format == Mboxcl || format == Mboxcl2

	var (
		cur       []byte
		curOff    int64
		curSize   int64 // bytes of the message, kept or not
		n         int
		started   bool // a message (or leading content) is open
		inHeader  bool
		prevBlank = true
		clen      = -1
	)
	emit := func() error {
		if !started {
			return nil
		}
		started = false
		// The blank line before the next From_ line belongs to the format.
		if len(cur) > 0 {
			body := cur
			last := lastLine(body, lr.delim)
			if len(trimEOL(last)) == 0 && len(last) > 0 {
				st.separator += int64(len(last))
				body = body[:len(body)-len(last)]
			}
			cur = body
		}
		if len(bytes.TrimSpace(cur)) == 0 {
			st.dropped += int64(len(cur))
			cur = nil
			return nil
		}
		n++
		msg := cur
		cur = nil
		var over error
		if limit > 0 && curSize > limit {
			if curSize > keep {
				msg = msg[:min(int64(len(msg)), limit)]
			}
			over = newOversize(msg, curSize, limit)
		}
		curSize = 0
		if err := fn(msg, n, curOff, over); err != nil {
			return fmt.Errorf("mbox message %d at offset %d: %w", n, curOff, err)
		}
		return nil
	}
	for {
		lineOff := lr.off
		line, err := lr.readLine()
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("mbox at offset %d: %w", lineOff, err)
		}
		if len(line) == 0 && err != nil {
			break
		}
		content := trimEOL(line)
		size := int64(len(line)) + lr.cut
		if prevBlank && isFromLine(content) || !inHeader && bytes.HasPrefix(content, []byte("From ")) && strictFromRe().Match(content) {
			if err := emit(); err != nil {
				return err
			}
			st.fromLines += int64(len(line))
			started, inHeader, clen = true, true, -1
			curOff = lineOff
			prevBlank = false
			continue
		}
		if !started {
			started, inHeader, clen = true, true, -1
			curOff = lineOff
		}
		prevBlank = len(content) == 0
		curSize += size
		if keep > 0 && int64(len(cur)+len(line)) > keep {
			line = line[:max(keep-int64(len(cur)), 0)]
		}
		if inHeader {
			cur = append(cur, line...)
			if len(content) == 0 {
				inHeader = false
				if useCL && clen >= 0 {
					before := len(cur)
					if ok, err := readCLBody(lr, clen, format, &cur, st); err != nil {
						return err
					} else if ok {
						prevBlank = true
						curSize += int64(len(cur) - before)
					}
				}
			} else if useCL && (content[0] == 'C' || content[0] == 'c') {
				if v, ok := cutHeader(content, "content-length"); ok {
					// A Content-Length above the size limit is not believed:
					// the message is split by lines and counted instead.
					if x, err := strconv.Atoi(string(bytes.TrimSpace(v))); err == nil && x >= 0 && x <= maxContentLength && (keep == 0 || int64(x) <= keep) {
						clen = x
					}
				}
			}
			continue
		}
		cur = append(cur, unescapeFrom(line, format, st)...)
	}
	return emit()
}

// readCLBody reads a Content-Length body and keeps it when what follows is
// the end of the file or a From_ line; otherwise it pushes the bytes back
// for line-wise splitting.
func readCLBody(lr *lineReader, clen int, format MboxFormat, cur *[]byte, st *mboxStats) (bool, error) {
	body, err := lr.readN(clen)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return false, err
	}
	if len(body) == clen && clBoundary(lr) {
		if format == Mboxcl {
			var out []byte
			for len(body) > 0 {
				l := firstLineOf(body, lr.delim)
				body = body[len(l):]
				out = append(out, unescapeFrom(l, Mboxo, st)...)
			}
			body = out
		}
		*cur = append(*cur, body...)
		return true, nil
	}
	lr.unread(body)
	return false, nil
}

// clBoundary reports whether the reader stands at the end of the file or at
// a From_ line, optionally after one blank line.
func clBoundary(lr *lineReader) bool {
	p := lr.peek(8)
	if len(p) == 0 || bytes.HasPrefix(p, []byte("From ")) {
		return true
	}
	for _, eol := range [][]byte{[]byte("\r\n"), []byte("\n"), []byte("\r")} {
		if bytes.HasPrefix(p, eol) {
			rest := p[len(eol):]
			return len(rest) == 0 || bytes.HasPrefix(rest, []byte("From "))
		}
	}
	return false
}

func firstLineOf(b []byte, delim byte) []byte {
	if i := bytes.IndexByte(b, delim); i >= 0 {
		return b[:i+1]
	}
	return b
}

func lastLine(b []byte, delim byte) []byte {
	if len(b) == 0 {
		return nil
	}
	i := bytes.LastIndexByte(b[:len(b)-1], delim)
	return b[i+1:]
}

// cutHeader returns the value of a "Name: value" line when the name matches.
func cutHeader(line []byte, name string) ([]byte, bool) {
	i := bytes.IndexByte(line, ':')
	if i < 0 || !bytes.EqualFold(bytes.TrimSpace(line[:i]), []byte(name)) {
		return nil, false
	}
	return line[i+1:], true
}

// unescapeFrom undoes From_ quoting of one body line for the variant.
func unescapeFrom(line []byte, format MboxFormat, st *mboxStats) []byte {
	if len(line) < 6 || line[0] != '>' {
		return line
	}
	switch format {
	case Mboxo, Mboxcl:
		if bytes.HasPrefix(line, []byte(">From ")) {
			st.escapes++
			return line[1:]
		}
	case Mboxrd, MboxAuto:
		i := 0
		for i < len(line) && line[i] == '>' {
			i++
		}
		if bytes.HasPrefix(line[i:], []byte("From ")) {
			st.escapes++
			return line[1:]
		}
	}
	return line
}
