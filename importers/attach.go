package importers

import (
	"fmt"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

const maxFilenameBytes = 100

// addAttachment stores a part under a safe, unique file name.
func (p *parser) addAttachment(ct, filename, cid string, inline bool, data []byte) {
	n := len(p.msg.Attachments) + 1
	name := safeFilename(filename)
	if name == "" {
		name = fmt.Sprintf("attachment-%d%s", n, extFor(ct))
	} else if name != filename {
		p.warn("attachment name " + quoteLabel(filename) + " made safe as " + quoteLabel(name))
	}
	if max := p.opt.MaxAttachment; max > 0 && int64(len(data)) > max {
		p.limited(fmt.Sprintf("attachment %s (%d bytes) was not stored: it is over the limit of %d bytes (limits.attachment_size); ask the sender for it another way", quoteLabel(name), len(data), max))
		return
	}
	if p.seen == nil {
		p.seen = map[string]bool{}
	}
	name = uniqueName(name, p.seen)
	p.msg.Attachments = append(p.msg.Attachments, Attachment{
		Filename:    name,
		ContentType: ct,
		ContentID:   cid,
		Inline:      inline,
		Data:        data,
	})
}

// extFor names the extension of a fallback file name; anything not listed
// is ".bin".
func extFor(ct string) string {
	switch ct {
	case "image/png":
		return ".png"
	case "image/jpeg", "image/jpg", "image/pjpeg":
		return ".jpg"
	case "image/gif":
		return ".gif"
	case "image/webp":
		return ".webp"
	case "application/pdf":
		return ".pdf"
	case "text/plain":
		return ".txt"
	case "text/html":
		return ".html"
	case "text/calendar":
		return ".ics"
	case "message/rfc822", "message/global":
		return ".eml"
	case "message/delivery-status", "message/global-delivery-status", "text/rfc822-headers", "message/rfc822-headers":
		return ".txt"
	}
	return ".bin"
}

var windowsDevices = map[string]bool{
	"CON": true, "PRN": true, "AUX": true, "NUL": true, "CLOCK$": true, "CONIN$": true, "CONOUT$": true,
	"COM0": true, "COM1": true, "COM2": true, "COM3": true, "COM4": true, "COM5": true, "COM6": true, "COM7": true, "COM8": true, "COM9": true,
	"LPT0": true, "LPT1": true, "LPT2": true, "LPT3": true, "LPT4": true, "LPT5": true, "LPT6": true, "LPT7": true, "LPT8": true, "LPT9": true,
	// Windows also treats superscript digits as the port's number.
	"COM¹": true, "COM²": true, "COM³": true, "LPT¹": true, "LPT²": true, "LPT³": true,
}

// safeFilename reduces a sender-supplied name to a base name that is safe
// on every file system: no directories, no control or format characters,
// no characters Windows forbids, no leading dots, no device names, at most
// maxFilenameBytes bytes with the extension kept. It returns "" when
// nothing usable remains.
func safeFilename(name string) string {
	name = strings.ToValidUTF8(name, "")
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base("/" + name)
	name = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsControl(r): // C0, DEL and C1
			return -1
		case unicode.Is(unicode.Cf, r): // bidi overrides and zero-width tricks
			return -1
		case strings.ContainsRune(`<>:"|?*/`, r):
			return '_'
		case unicode.IsSpace(r):
			return ' '
		}
		return r
	}, name)
	name = collapseSpaces(name)
	name = strings.Trim(name, " .")
	if name == "" || strings.Trim(name, "_") == "" {
		return ""
	}
	stem, ext := splitExt(name)
	base := strings.ToUpper(stem)
	if i := strings.IndexByte(base, '.'); i >= 0 {
		base = base[:i]
	}
	if windowsDevices[strings.TrimSpace(base)] {
		stem = "_" + stem
	}
	if len(stem)+len(ext) > maxFilenameBytes {
		stem = cutUTF8(stem, maxFilenameBytes-len(ext))
		stem = strings.TrimRight(stem, " .")
		if stem == "" {
			stem = "attachment"
		}
	}
	return stem + ext
}

// splitExt splits "name.ext" when the extension is short and plain.
func splitExt(name string) (stem, ext string) {
	i := strings.LastIndexByte(name, '.')
	if i <= 0 || len(name)-i > 12 {
		return name, ""
	}
	for _, r := range name[i+1:] {
		if !(r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '-')) {
			return name, ""
		}
	}
	return name[:i], name[i:]
}

// uniqueName appends -2, -3 … before the extension until the name is new;
// names are compared case-insensitively for case-insensitive file systems.
func uniqueName(name string, seen map[string]bool) string {
	stem, ext := splitExt(name)
	cand := name
	for i := 2; seen[strings.ToLower(cand)]; i++ {
		suffix := fmt.Sprintf("-%d", i)
		s := stem
		if len(s)+len(suffix)+len(ext) > maxFilenameBytes {
			s = cutUTF8(s, maxFilenameBytes-len(suffix)-len(ext))
		}
		cand = s + suffix + ext
	}
	seen[strings.ToLower(cand)] = true
	return cand
}
