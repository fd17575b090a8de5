package importers

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// generatedMail holds the corpus messages whose bytes cannot be written
// readably in a text file (CR-only line ends, raw 8-bit headers, NUL). They
// are spelled here with escapes and written to testdata/mail by
// go test -run TestGeneratedCorpus -update.
var generatedMail = map[string]string{
	"cr-only.eml": strings.ReplaceAll("From: Yuri <yuri@example.com>\n"+
		"To: support@example.com\n"+
		"Subject: Classic Mac line ends\n"+
		"Message-ID: <cr-only@example.com>\n"+
		"Date: Sat, 7 Mar 2026 09:00:00 +0000\n"+
		"\n"+
		"First line.\n"+
		"Second line.\n", "\n", "\r"),

	"raw-8bit-header-utf8.eml": "From: Zoë Ärger <zoe@example.com>\n" +
		"To: support@example.com\n" +
		"Subject: Größe und Farbe\n" +
		"Message-ID: <raw-8bit-utf8@example.com>\n" +
		"Date: Sat, 7 Mar 2026 09:10:00 +0000\n" +
		"Content-Type: text/plain; charset=utf-8\n" +
		"\n" +
		"Raw UTF-8 in the header.\n",

	"raw-8bit-header-hint.eml": "From: Ren\xe9e <renee@example.com>\n" +
		"To: support@example.com\n" +
		"Subject: \xc7a co\xfbte trop cher\n" +
		"Message-ID: <raw-8bit-hint@example.com>\n" +
		"Date: Sat, 7 Mar 2026 09:20:00 +0000\n" +
		"Content-Type: text/plain; charset=iso-8859-15\n" +
		"\n" +
		"Le prix est de 30 \xa4.\n",

	"raw-8bit-header-guess.eml": "From: Bj\xf6rn <bjorn@example.com>\n" +
		"To: support@example.com\n" +
		"Subject: \x93Quoted\x94 \x96 and \x80 sign\n" +
		"Message-ID: <raw-8bit-guess@example.com>\n" +
		"Date: Sat, 7 Mar 2026 09:30:00 +0000\n" +
		"\n" +
		"No charset anywhere: caf\xe9.\n",

	"nul-bytes.eml": "From: Ada <ada@example.com>\r\n" +
		"To: support@example.com\r\n" +
		"Subject: NUL\x00 bytes\r\n" +
		"Message-ID: <nul-bytes@example.com>\r\n" +
		"Date: Sat, 7 Mar 2026 09:40:00 +0000\r\n" +
		"\r\n" +
		"Text with a NUL\x00 byte, a lone\rCR and invalid \xff\xfe UTF-8 \xe2\x82.\r\n",
}

func TestGeneratedCorpus(t *testing.T) {
	for name, content := range generatedMail {
		path := filepath.Join("testdata", "mail", name)
		if *update {
			if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, []byte(content)) {
			t.Errorf("%s differs from its generator; run with -update", path)
		}
	}
}
