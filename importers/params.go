package importers

import (
	"sort"
	"strconv"
	"strings"
)

// parseParams parses a Content-Type or Content-Disposition value leniently:
// a missing or odd media type, unquoted values with spaces, duplicate
// parameters, RFC 2231 extended values in any charset with continuations,
// and RFC 2047 words inside quoted values (which RFC 2231 forbids but mail
// programs send). Keys are lower-cased; values are decoded UTF-8.
func parseParams(v, hint string, warn func(string)) (string, map[string]string) {
	params := map[string]string{}
	parts := splitParams(v)
	if len(parts) == 0 {
		return "", params
	}
	kind := strings.ToLower(strings.TrimSpace(parts[0]))
	if strings.Contains(kind, "=") {
		// no media type at all, just parameters
		parts = append([]string{""}, parts...)
		kind = ""
	}
	kind = strings.Trim(kind, "\"' ")
	if strings.IndexFunc(kind, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune("!#$&^_.+-/", r))
	}) >= 0 {
		kind = "" // not a media type; the caller falls back
	}
	type piece struct {
		n     int
		ext   bool
		value string
	}
	ext := map[string][]piece{}
	// order keeps each name as first written, so that warnings come out
	// in header order and the same message always reads the same way.
	var order []string
	for _, p := range parts[1:] {
		k, val, ok := strings.Cut(p, "=")
		if !ok {
			continue
		}
		k = strings.ToLower(strings.TrimSpace(k))
		val = strings.TrimSpace(val)
		if len(val) >= 2 && val[0] == '"' {
			val = unquote(val)
		}
		if k == "" {
			continue
		}
		if i := strings.IndexByte(k, '*'); i >= 0 {
			base, rest := k[:i], k[i+1:]
			pc := piece{}
			if strings.HasSuffix(rest, "*") {
				pc.ext = true
				rest = strings.TrimSuffix(rest, "*")
			}
			if rest == "" {
				pc.ext = true // name*=charset''value
			} else {
				n, err := strconv.Atoi(rest)
				if err != nil {
					continue
				}
				pc.n = n
			}
			pc.value = val
			if _, ok := ext[base]; !ok {
				if _, ok := params[base]; !ok {
					order = append(order, base)
				}
			}
			ext[base] = append(ext[base], pc)
			continue
		}
		if _, dup := params[k]; !dup {
			if _, ok := ext[k]; !ok {
				order = append(order, k)
			}
			params[k] = val
		}
	}
	for _, base := range order {
		pcs, ok := ext[base]
		if !ok {
			continue
		}
		sort.SliceStable(pcs, func(i, j int) bool { return pcs[i].n < pcs[j].n })
		var raw []byte
		cs := ""
		for i, pc := range pcs {
			val := pc.value
			if pc.ext {
				if i == 0 {
					if a, rest, ok := strings.Cut(val, "'"); ok {
						if _, rest2, ok := strings.Cut(rest, "'"); ok {
							cs, val = a, rest2
						}
					}
				}
				raw = append(raw, percentDecode(val)...)
			} else {
				raw = append(raw, val...)
			}
		}
		s := ""
		if cs != "" {
			var w string
			s, w = decodeCharset(cs, raw)
			if w != "" {
				warn("parameter " + base + ": " + w)
			}
		} else {
			s = guess8bit(raw, hint)
		}
		params[base] = s // the extended form wins over a plain one
	}
	for _, k := range order {
		if k == "boundary" {
			continue // matched byte for byte against the delimiter lines
		}
		params[k] = decodeText(params[k], hint, warn)
	}
	return kind, params
}

// splitParams splits on semicolons outside quotes.
func splitParams(v string) []string {
	var out []string
	var cur strings.Builder
	inQ := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '\\' && inQ && i+1 < len(v):
			cur.WriteByte(c)
			cur.WriteByte(v[i+1])
			i++
			continue
		case c == '"':
			inQ = !inQ
		case c == ';' && !inQ:
			if strings.TrimSpace(cur.String()) != "" || len(out) == 0 {
				out = append(out, cur.String())
			}
			cur.Reset()
			continue
		}
		cur.WriteByte(c)
	}
	if strings.TrimSpace(cur.String()) != "" {
		out = append(out, cur.String())
	}
	return out
}

func unquote(s string) string {
	s = s[1:]
	if strings.HasSuffix(s, "\"") {
		s = s[:len(s)-1]
	}
	if !strings.Contains(s, "\\") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		// A backslash escapes the next byte, except before what looks like a
		// Windows path component, which senders forget to escape.
		if s[i] == '\\' && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\') {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func percentDecode(s string) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			out = append(out, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		out = append(out, s[i])
	}
	return out
}
