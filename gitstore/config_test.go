package gitstore

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRegisterMergeDriver(t *testing.T) {
	repo := newRepo(t)
	s := openStore(t, repo)
	if s.MergeDriverRegistered() {
		t.Fatal("a fresh repository reports the driver as registered")
	}
	cfg := filepath.Join(repo, ".git", "config")
	// A comment the user wrote must survive.
	f, err := os.OpenFile(cfg, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("# keep me\n[alias]\n\tst = status")
	f.Close()
	for i := 0; i < 2; i++ {
		if err := s.RegisterMergeDriver(); err != nil {
			t.Fatal(err)
		}
	}
	if !s.MergeDriverRegistered() {
		t.Fatal("not registered after RegisterMergeDriver")
	}
	if got := strings.TrimSpace(gitc(t, repo, "config", "merge.ticket.driver")); got != MergeDriverCommand {
		t.Errorf("git config merge.ticket.driver = %q", got)
	}
	data := readFile(t, cfg)
	if !strings.Contains(data, "# keep me\n[alias]\n\tst = status\n[merge") || strings.Count(data, `[merge "ticket"]`) != 1 {
		t.Errorf("config:\n%s", data)
	}
	if got := strings.TrimSpace(gitc(t, repo, "config", "alias.st")); got != "status" {
		t.Errorf("alias.st = %q", got)
	}
}

func TestMergeDriverRegisteredGlobally(t *testing.T) {
	repo := newRepo(t)
	gitc(t, repo, "config", "--global", "merge.ticket.driver", "/opt/bin/ticket merge-driver %O %A %B %P")
	s := openStore(t, repo)
	if !s.MergeDriverRegistered() {
		t.Fatal("a driver in the global config is not seen")
	}
	if err := s.RegisterMergeDriver(); err != nil {
		t.Fatal(err)
	}
}

func TestRegisterMergeDriverKeepsCustomDriver(t *testing.T) {
	repo := newRepo(t)
	gitc(t, repo, "config", "merge.ticket.driver", "/opt/bin/ticket merge-driver %O %A %B %P")
	s := openStore(t, repo)
	if err := s.RegisterMergeDriver(); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(gitc(t, repo, "config", "--get-all", "merge.ticket.driver")); got != "/opt/bin/ticket merge-driver %O %A %B %P" {
		t.Errorf("driver = %q", got)
	}
}
