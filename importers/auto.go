package importers

import (
	"strings"
	"unicode"

	"github.com/abadojack/whatlanggo"
)

// Values of Message.Auto.
const (
	AutoReply  = "auto-reply"
	AutoBounce = "bounce"
	AutoList   = "list"
	AutoBulk   = "bulk"
)

// classify sets Message.Auto. The order is the one documented in doc.go:
// bounce, auto-reply, list, bulk; the first that matches wins.
func classify(p *parser) {
	h, m := p.h, p.msg
	precedence := strings.ToLower(strings.TrimSpace(h.get("Precedence")))
	fromLocal := strings.ToLower(m.From.Email)
	if i := strings.LastIndexByte(fromLocal, '@'); i >= 0 {
		fromLocal = fromLocal[:i]
	}
	returnPath := strings.TrimSpace(h.get("Return-Path"))
	nullSender := h.has("Return-Path") && (returnPath == "<>" || returnPath == "")
	switch {
	case p.isReport,
		nullSender && (p.hasDSN || p.bounceID != ""),
		fromLocal == "mailer-daemon" || fromLocal == "postmaster":
		m.Auto = AutoBounce
	case autoSubmitted(h.get("Auto-Submitted")),
		h.has("X-Autoreply"), h.has("X-Autorespond"), h.has("X-Auto-Response-Suppress"),
		precedence == "auto_reply":
		m.Auto = AutoReply
	case h.has("List-Id"), h.has("List-Unsubscribe"), precedence == "list":
		m.Auto = AutoList
	case precedence == "bulk" || precedence == "junk":
		m.Auto = AutoBulk
	}
}

// autoSubmitted reports whether an Auto-Submitted value (RFC 3834) marks
// automatic mail: present and not "no".
func autoSubmitted(v string) bool {
	v = strings.ToLower(strings.TrimSpace(v))
	if i := strings.IndexAny(v, " ;("); i >= 0 {
		v = v[:i]
	}
	return v != "" && v != "no"
}

var bodyMsgIDRe = lazyRegexp(`(?im)^\s*>?\s*message-id:\s*<([^<>\s]+)>`)

// bouncedFromText finds the original Message-ID in a bounce whose report
// came as plain text.
func bouncedFromText(s string) string {
	if m := bodyMsgIDRe().FindStringSubmatch(s); m != nil {
		return cleanID(m[1])
	}
	return ""
}

// DetectLanguage names the language of subject and text as ISO 639-1, or ""
// when the detector is not confident. Scripts that several languages share
// (Latin, Cyrillic, Arabic …) need some text before a guess counts; a
// script of one language (Hangul, Thai …) is enough on its own.
func DetectLanguage(subject, text string) string {
	s := subject + "\n" + text
	// A thousand bytes is plenty for trigram statistics, and the detector's
	// cost grows with its input.
	if len(s) > 1000 {
		s = cutUTF8(s, 1000)
	}
	letters := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			letters++
		}
	}
	if letters == 0 {
		return ""
	}
	info := whatlanggo.Detect(s)
	if !info.IsReliable() {
		return ""
	}
	if letters < 40 && info.Confidence < 1 {
		return ""
	}
	return info.Lang.Iso6391()
}
