package importers

import (
	"fmt"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// hostileNames are attachment names built to escape the ticket's folder,
// hit a device, fool a reader or collide with another file.
var hostileNames = []string{
	"../../etc/passwd",
	"..\\..\\windows\\win.ini",
	"/etc/passwd",
	"C:\\Windows\\System32\\drivers\\etc\\hosts",
	"\\\\server\\share\\x.doc",
	"..",
	".",
	"...",
	"",
	"   ",
	"CON", "con", "NUL", "AUX", "PRN", "COM1", "LPT1", "com9",
	"CON.txt", "nul.tar.gz", "Aux.", "LPT1 .log", "COM¹.txt",
	"a\x00b.txt", "a\nb.txt", "tab\there.txt", "bell\a.txt", "del\x7f.txt", "c1\u0085.txt",
	"invoice\u202Efdp.exe", // RTL override: shows as "invoiceexe.pdf"
	"zero\u200bwidth.txt",
	"bom\ufeff.txt",
	"<>:\"|?*.txt",
	".htaccess",
	".git",
	"report.PDF", "REPORT.pdf", "Report.pdf",
	strings.Repeat("a", 300) + ".pdf",
	strings.Repeat("ü", 150) + ".pdf",      // 300 bytes of two-byte runes
	strings.Repeat("日本", 50) + ".txt",      // three-byte runes
	strings.Repeat("x", 295) + ".tar.gz",   // the last extension is kept
	strings.Repeat("é", 200),               // no extension at all
	"\xff\xfe.txt",                         // invalid UTF-8
	"name.with.very.long.extension1234567", // not an extension
}

// TestHostileAttachmentNames: every name is stored under a safe, unique
// base name; long names are cut on a rune boundary with the extension kept.
func TestHostileAttachmentNames(t *testing.T) {
	var b strings.Builder
	b.WriteString("From: m@evil.test\nSubject: files\nMessage-ID: <files@evil.test>\nContent-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain\n\nsee attached\n")
	for i, n := range hostileNames {
		fmt.Fprintf(&b, "--B\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename*=utf-8''%s\n\npart %d\n", pctEncode(n), i)
	}
	b.WriteString("--B--\n")
	m, err := Parse([]byte(b.String()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Attachments) != len(hostileNames) {
		t.Fatalf("%d attachments, want %d", len(m.Attachments), len(hostileNames))
	}
	seen := map[string]string{}
	for i, a := range m.Attachments {
		orig, name := hostileNames[i], a.Filename
		if want := fmt.Sprintf("part %d", i); string(a.Data) != want {
			t.Errorf("attachment %d holds %q, want %q", i, a.Data, want)
		}
		checkSafeName(t, orig, name)
		low := strings.ToLower(name)
		if prev, dup := seen[low]; dup {
			t.Errorf("%q and %q both stored as %q (case-insensitively)", prev, orig, name)
		}
		seen[low] = orig
		if len(orig) > maxFilenameBytes && utf8.ValidString(orig) {
			if _, ext := splitExt(orig); ext != "" && !strings.HasSuffix(name, ext) {
				t.Errorf("%q cut to %q lost its extension %s", orig, name, ext)
			}
		}
	}
	// Names that differ only in case are kept apart.
	var pdfs []string
	for _, a := range m.Attachments {
		if strings.EqualFold(strings.TrimSuffix(strings.ToLower(a.Filename), ".pdf"), "report") || strings.HasPrefix(strings.ToLower(a.Filename), "report-") {
			pdfs = append(pdfs, a.Filename)
		}
	}
	if len(pdfs) != 3 {
		t.Errorf("the three report.pdf names became %q", pdfs)
	}
}

// checkSafeName asserts what every stored attachment name must be.
func checkSafeName(t *testing.T, orig, name string) {
	t.Helper()
	switch {
	case name == "" || name == "." || name == "..":
		t.Errorf("%q stored as %q", orig, name)
	case len(name) > maxFilenameBytes:
		t.Errorf("%q stored as %d bytes", orig, len(name))
	case !utf8.ValidString(name):
		t.Errorf("%q stored as invalid UTF-8 %q", orig, name)
	case strings.ContainsAny(name, "/\\<>:\"|?*"):
		t.Errorf("%q stored with a separator or reserved character: %q", orig, name)
	case strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".") || strings.HasSuffix(name, " "):
		t.Errorf("%q stored as hidden or with a trailing dot or space: %q", orig, name)
	}
	for _, r := range name {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			t.Errorf("%q stored with control or format character %U: %q", orig, r, name)
		}
	}
	stem := strings.ToUpper(name)
	if i := strings.IndexByte(stem, '.'); i >= 0 {
		stem = stem[:i]
	}
	if windowsDevices[strings.TrimSpace(stem)] {
		t.Errorf("%q stored as a device name %q", orig, name)
	}
}

func pctEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		fmt.Fprintf(&b, "%%%02X", s[i])
	}
	return b.String()
}

// TestSafeFilenameCuts: long names are cut on a rune boundary and keep
// their extension.
func TestSafeFilenameCuts(t *testing.T) {
	for _, tt := range []struct{ in, wantPrefix, wantExt string }{
		{strings.Repeat("a", 300) + ".pdf", "aaaa", ".pdf"},
		{strings.Repeat("ü", 150) + ".pdf", "üü", ".pdf"},
		{strings.Repeat("日", 100) + ".docx", "日日", ".docx"},
	} {
		got := safeFilename(tt.in)
		if !utf8.ValidString(got) || len(got) > maxFilenameBytes || !strings.HasPrefix(got, tt.wantPrefix) || !strings.HasSuffix(got, tt.wantExt) {
			t.Errorf("safeFilename(%d bytes %q…) = %q (%d bytes)", len(tt.in), tt.in[:8], got, len(got))
		}
		if len(got) < maxFilenameBytes-3 {
			t.Errorf("safeFilename cut %q to %d bytes, more than it had to", tt.in[:8], len(got))
		}
	}
}
