package kb

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestFingerprintSeesChanges(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "kb", "a.md")
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(file, []byte("one"), 0o644)
	before := Fingerprint(dir)
	if Fingerprint(dir) != before {
		t.Fatal("the fingerprint changed with nothing changed")
	}
	os.WriteFile(filepath.Join(dir, "unrelated.txt"), []byte("x"), 0o644)
	if Fingerprint(dir) != before {
		t.Error("a file outside kb/ and the theme changed the fingerprint")
	}
	os.WriteFile(file, []byte("two"), 0o644)
	os.Chtimes(file, time.Now(), time.Now().Add(time.Second))
	if Fingerprint(dir) == before {
		t.Error("an edited article left the fingerprint as it was")
	}
	theme := filepath.Join(dir, ".ticket", "kb-theme", "style.css")
	os.MkdirAll(filepath.Dir(theme), 0o755)
	after := Fingerprint(dir)
	os.WriteFile(theme, []byte("body{}"), 0o644)
	if Fingerprint(dir) == after {
		t.Error("a new theme file left the fingerprint as it was")
	}
}
