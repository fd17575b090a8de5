package importers

import (
	"bytes"
	"io"
	"mime"
	"strings"
	"unicode/utf8"

	gmcharset "github.com/emersion/go-message/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"
)

// charsetAliases pins the charsets where the registries disagree or where mail
// in the wild uses a label loosely: the superset wins, since senders routinely
// label windows-874 text as TIS-620 and GBK text as GB2312.
var charsetAliases = map[string]encoding.Encoding{
	"gb2312":         simplifiedchinese.GB18030,
	"gbk":            simplifiedchinese.GB18030,
	"cp936":          simplifiedchinese.GB18030,
	"x-gbk":          simplifiedchinese.GB18030,
	"euc-cn":         simplifiedchinese.GB18030,
	"gb18030":        simplifiedchinese.GB18030,
	"big5":           traditionalchinese.Big5,
	"big5-hkscs":     traditionalchinese.Big5,
	"cp950":          traditionalchinese.Big5,
	"x-big5":         traditionalchinese.Big5,
	"euc-kr":         korean.EUCKR,
	"ks_c_5601-1987": korean.EUCKR,
	"cp949":          korean.EUCKR,
	"iso-2022-jp":    japanese.ISO2022JP,
	"shift_jis":      japanese.ShiftJIS,
	"sjis":           japanese.ShiftJIS,
	"cp932":          japanese.ShiftJIS,
	"euc-jp":         japanese.EUCJP,
	"koi8-r":         charmap.KOI8R,
	"koi8-u":         charmap.KOI8U,
	"tis-620":        charmap.Windows874,
	"tis620":         charmap.Windows874,
	"iso-8859-11":    charmap.Windows874,
	"windows-874":    charmap.Windows874,
	"cp874":          charmap.Windows874,
	"x-windows-874":  charmap.Windows874,
	"utf-16":         unicode.UTF16(unicode.BigEndian, unicode.UseBOM),
	"utf-16be":       unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM),
	"utf-16le":       unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM),
}

// normCharset lower-cases a charset label and strips what senders wrap it in.
func normCharset(name string) string {
	name = strings.ToLower(strings.TrimSpace(name))
	name = strings.Trim(name, "\"' ")
	// RFC 2231 language suffix: "utf-8*en"
	if i := strings.IndexByte(name, '*'); i >= 0 {
		name = name[:i]
	}
	return name
}

func isUTF8Label(cs string) bool {
	switch cs {
	case "utf-8", "utf8", "x-utf-8", "x-utf_8j", "unicode-1-1-utf-8":
		return true
	}
	return false
}

func isASCIILabel(cs string) bool {
	switch cs {
	case "", "us-ascii", "ascii", "ansi_x3.4-1968", "iso646-us", "us", "default", "x-unknown", "unknown", "x-user-defined":
		return true
	}
	return false
}

func isUTF7Label(cs string) bool {
	return cs == "utf-7" || cs == "unicode-1-1-utf-7" || cs == "csunicode11utf7" || cs == "x-utf-7"
}

// canonLabel maps the label spellings seen in mail onto registry names.
func canonLabel(cs string) string {
	switch {
	case strings.HasPrefix(cs, "cp125") && len(cs) == 6:
		return "windows-125" + cs[5:]
	case strings.HasPrefix(cs, "iso8859-"), strings.HasPrefix(cs, "iso_8859-"):
		return "iso-8859-" + cs[strings.IndexByte(cs, '-')+1:]
	case strings.HasPrefix(cs, "iso8859") && len(cs) > 7:
		return "iso-8859-" + cs[7:]
	}
	return cs
}

// knownCharset reports whether cs (normalised) can be decoded.
func knownCharset(cs string) bool {
	if isUTF8Label(cs) || isASCIILabel(cs) || isUTF7Label(cs) {
		return true
	}
	if _, ok := charsetAliases[cs]; ok {
		return true
	}
	_, err := gmcharset.Reader(canonLabel(cs), bytes.NewReader(nil))
	return err == nil
}

// decodeCharset converts b from the named charset to valid UTF-8. It never
// fails: an unknown or lying label falls back to UTF-8 when the bytes are
// valid UTF-8 and to windows-1252 otherwise. warn is non-empty when a
// fallback or a repair was needed.
func decodeCharset(name string, b []byte) (s string, warn string) {
	cs := normCharset(name)
	switch {
	case isUTF8Label(cs):
		if utf8.Valid(b) {
			return string(b), ""
		}
		if !hasUTF8Multibyte(b) {
			// Not one UTF-8 sequence: the label is wrong, not the bytes.
			return decodeWith(charmap.Windows1252, b), "text labelled " + quoteLabel(name) + " is not UTF-8, read as windows-1252"
		}
		return strings.ToValidUTF8(string(b), "\uFFFD"), "invalid UTF-8 in " + quoteLabel(name) + " text replaced"
	case isASCIILabel(cs):
		return guess8bit(b, ""), ""
	case isUTF7Label(cs):
		return decodeUTF7(b), ""
	}
	if enc, ok := charsetAliases[cs]; ok {
		return decodeWith(enc, b), ""
	}
	// Everything else goes through go-message's registry (IANA and WHATWG
	// labels, ISO-8859-x, windows-125x, KOI8, Mac encodings …).
	r, err := gmcharset.Reader(canonLabel(cs), bytes.NewReader(b))
	if err != nil {
		if utf8.Valid(b) {
			return string(b), "unknown charset " + quoteLabel(name) + ", read as UTF-8"
		}
		return decodeWith(charmap.Windows1252, b), "unknown charset " + quoteLabel(name) + ", read as windows-1252"
	}
	out, err := io.ReadAll(r)
	s = strings.ToValidUTF8(string(out), "\uFFFD")
	if err != nil {
		return s, "charset " + quoteLabel(name) + " decoding stopped early"
	}
	return s, ""
}

func quoteLabel(s string) string {
	return "\"" + sanitizeLine(s, 40) + "\""
}

// hasUTF8Multibyte reports whether b holds at least one valid multi-byte
// UTF-8 sequence.
func hasUTF8Multibyte(b []byte) bool {
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if size > 1 && r != utf8.RuneError {
			return true
		}
		b = b[size:]
	}
	return false
}

// decodeWith decodes b; on a decoder error it keeps what was decoded and
// reads the rest as windows-1252 so no text is lost.
func decodeWith(enc encoding.Encoding, b []byte) string {
	out, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		// Decode line by line so that one bad line costs only itself.
		var sb strings.Builder
		for _, line := range bytes.SplitAfter(b, []byte("\n")) {
			o, err := enc.NewDecoder().Bytes(line)
			if err != nil {
				o, _ = charmap.Windows1252.NewDecoder().Bytes(line)
			}
			sb.Write(o)
		}
		return strings.ToValidUTF8(sb.String(), "\uFFFD")
	}
	return strings.ToValidUTF8(string(out), "\uFFFD")
}

// guess8bit reads bytes of unknown charset: UTF-8 if valid, else the hint
// charset when it is known, else windows-1252.
func guess8bit(b []byte, hint string) string {
	if utf8.Valid(b) {
		return string(b)
	}
	if hint != "" {
		cs := normCharset(hint)
		if !isUTF8Label(cs) && !isASCIILabel(cs) && knownCharset(cs) {
			if s, w := decodeCharset(cs, b); w == "" {
				return s
			}
		}
	}
	return decodeWith(charmap.Windows1252, b)
}

// decodeUTF7 decodes RFC 2152 UTF-7. Malformed shifts are kept literally.
func decodeUTF7(b []byte) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	var val [256]int8
	for i := range val {
		val[i] = -1
	}
	for i := 0; i < len(alphabet); i++ {
		val[alphabet[i]] = int8(i)
	}
	var sb strings.Builder
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '+' {
			if c < 0x80 {
				sb.WriteByte(c)
			} else {
				sb.WriteRune(utf8.RuneError)
			}
			continue
		}
		j := i + 1
		if j < len(b) && b[j] == '-' {
			sb.WriteByte('+')
			i = j
			continue
		}
		var bits uint32
		var nbits uint
		var units []uint16
		for j < len(b) && val[b[j]] >= 0 {
			bits = bits<<6 | uint32(val[b[j]])
			nbits += 6
			if nbits >= 16 {
				nbits -= 16
				units = append(units, uint16(bits>>nbits))
				bits &= 1<<nbits - 1
			}
			j++
		}
		if len(units) == 0 && j == i+1 {
			sb.WriteByte('+')
			continue
		}
		for k := 0; k < len(units); k++ {
			u := rune(units[k])
			if u >= 0xD800 && u < 0xDC00 && k+1 < len(units) && units[k+1] >= 0xDC00 && units[k+1] < 0xE000 {
				u = (u-0xD800)<<10 + (rune(units[k+1]) - 0xDC00) + 0x10000
				k++
			} else if u >= 0xD800 && u < 0xE000 {
				u = utf8.RuneError
			}
			sb.WriteRune(u)
		}
		if j < len(b) && b[j] == '-' {
			j++ // the '-' only ends the shift
		}
		i = j - 1
	}
	return sb.String()
}

// newWordDecoder decodes RFC 2047 words inside address lists through
// the same lenient charset table as everything else.
func newWordDecoder() *mime.WordDecoder {
	return &mime.WordDecoder{CharsetReader: func(cs string, r io.Reader) (io.Reader, error) {
		b, err := io.ReadAll(r)
		if err != nil {
			return nil, err
		}
		s, _ := decodeCharset(cs, b)
		return strings.NewReader(s), nil
	}}
}
