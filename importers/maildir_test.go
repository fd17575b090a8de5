package importers

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestReadMaildir(t *testing.T) {
	root := t.TempDir()
	write := func(rel, content string) {
		t.Helper()
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	mkdir := func(rel string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Join(root, filepath.FromSlash(rel)), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// Top folder: times out of name order across cur and new.
	write("cur/1700000300.M1P1.host:2,S", "Subject: third\n\n3\n")
	write("new/1700000100.M2P2.host", "Subject: first\n\n1\n")
	write("cur/999999999.M9P9.host:2,RS", "Subject: oldest (nine digits)\n\n0\n")
	write("cur/1700000100.M1P1.host:2,", "Subject: first, tie broken by name\n\n1a\n")
	write("new/not-a-time", "Subject: no time\n\nx\n")
	write("cur/.hidden", "Subject: hidden\n\nh\n")
	write("tmp/1700000000.M0P0.host", "Subject: in delivery\n\nt\n")
	// Maildir++ subfolders, and folders that are not.
	write(".Archive.2025/cur/1600000000.M1P1.host:2,S", "Subject: archived\n\na\n")
	write(".Archive/new/1650000000.M1P1.host", "Subject: archive root\n\nb\n")
	mkdir(".Empty/cur")
	write(".NotAMaildir/file", "x")
	write("plainsub/cur/1.M1.host", "Subject: not Maildir++\n\nn\n")

	var got []string
	read := func(recursive bool) []string {
		got = nil
		err := ReadMaildir(root, recursive, func(path string, raw []byte) error {
			rel, err := filepath.Rel(root, path)
			if err != nil {
				return err
			}
			got = append(got, filepath.ToSlash(rel))
			if _, err := Parse(raw, Options{}); err != nil {
				return err
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	top := []string{
		"cur/999999999.M9P9.host:2,RS",
		"cur/1700000100.M1P1.host:2,",
		"new/1700000100.M2P2.host",
		"cur/1700000300.M1P1.host:2,S",
		"new/not-a-time",
	}
	if g := read(false); !reflect.DeepEqual(g, top) {
		t.Errorf("flat read = %q, want %q", g, top)
	}
	all := append(append([]string{}, top...), ".Archive/new/1650000000.M1P1.host", ".Archive.2025/cur/1600000000.M1P1.host:2,S")
	if g := read(true); !reflect.DeepEqual(g, all) {
		t.Errorf("recursive read = %q, want %q", g, all)
	}

	stop := errors.New("stop here")
	err := ReadMaildir(root, false, func(path string, raw []byte) error { return stop })
	if !errors.Is(err, stop) || !strings.HasSuffix(err.Error(), "999999999.M9P9.host:2,RS: stop here") {
		t.Errorf("err = %v", err)
	}
	if err := ReadMaildir(filepath.Join(root, "plainsub", "cur"), false, func(string, []byte) error { return nil }); err == nil {
		t.Error("a folder without cur/ or new/ was accepted")
	}
	if err := ReadMaildir(filepath.Join(root, "missing"), true, func(string, []byte) error { return nil }); err == nil {
		t.Error("a missing folder was accepted")
	}
}
