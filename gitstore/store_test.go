package gitstore

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpenFindsDeskInSubfolder(t *testing.T) {
	isolate(t)
	repo := t.TempDir()
	if r, err := filepath.EvalSymlinks(repo); err == nil {
		repo = r
	}
	gitc(t, repo, "init", "-q", "-b", "main")
	writeFile(t, filepath.Join(repo, "main.go"), "package main\n")
	writeFile(t, filepath.Join(repo, "support", ".ticket", "config.yml"), "version: 1\n")
	deep := filepath.Join(repo, "support", "tickets", "2026", "11")
	if err := os.MkdirAll(deep, 0o777); err != nil {
		t.Fatal(err)
	}
	for _, start := range []string{filepath.Join(repo, "support"), deep} {
		s := openStore(t, start)
		if got, want := s.Dir(), filepath.Join(repo, "support"); got != want {
			t.Errorf("Open(%s).Dir() = %s, want %s", start, got, want)
		}
		if s.RepoRoot() != repo {
			t.Errorf("RepoRoot() = %s, want %s", s.RepoRoot(), repo)
		}
		if s.Prefix() != "support" {
			t.Errorf("Prefix() = %q, want support", s.Prefix())
		}
		if s.GitDir() != filepath.Join(repo, ".git") {
			t.Errorf("GitDir() = %s", s.GitDir())
		}
	}
	if _, err := Open(repo); !errors.Is(err, ErrNoDesk) {
		t.Errorf("Open(repo root without .ticket) = %v, want ErrNoDesk", err)
	}
	if _, err := Open(t.TempDir()); !errors.Is(err, ErrNoDesk) {
		t.Errorf("Open(elsewhere) = %v, want ErrNoDesk", err)
	}
}

func TestOpenDeskAtRoot(t *testing.T) {
	repo := newRepo(t)
	s := openStore(t, repo)
	if s.Prefix() != "" || s.Dir() != repo || s.RepoRoot() != repo {
		t.Errorf("got dir %s root %s prefix %q", s.Dir(), s.RepoRoot(), s.Prefix())
	}
	branch, hash, err := s.Head()
	if err != nil || branch != "main" || hash != "" {
		t.Errorf("Head() = %q, %q, %v; want main, \"\"", branch, hash, err)
	}
}

func TestInitNewRepositoryUsesDefaultBranch(t *testing.T) {
	home := isolate(t)
	writeFile(t, filepath.Join(home, ".gitconfig"),
		"[user]\n\tname = A\n\temail = a@example.com\n[init]\n\tdefaultBranch = trunk\n")
	dir := filepath.Join(t.TempDir(), "desk")
	s, err := Init(dir)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(filepath.Join(dir, ".ticket")); err != nil || !fi.IsDir() {
		t.Fatalf(".ticket not created: %v", err)
	}
	if got := strings.TrimSpace(gitc(t, dir, "symbolic-ref", "HEAD")); got != "refs/heads/trunk" {
		t.Errorf("HEAD = %s, want refs/heads/trunk", got)
	}
	if b, _, _ := s.Head(); b != "trunk" {
		t.Errorf("Head branch = %q", b)
	}
	if _, err := s.Apply([]Change{{Path: ".ticket/config.yml", Data: []byte("v: 1\n")}},
		CommitOptions{Message: "init desk"}); err != nil {
		t.Fatal(err)
	}
	assertClean(t, dir)
	assertFsck(t, dir)
}

func TestInitWithoutConfiguredBranchUsesMain(t *testing.T) {
	home := isolate(t)
	writeFile(t, filepath.Join(home, ".gitconfig"), "")
	dir := t.TempDir()
	if _, err := Init(dir); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(gitc(t, dir, "symbolic-ref", "HEAD")); got != "refs/heads/main" {
		t.Errorf("HEAD = %s, want refs/heads/main", got)
	}
}

func TestInitInsideExistingRepository(t *testing.T) {
	repo := newRepo(t)
	sub := filepath.Join(repo, "help")
	s, err := Init(sub)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(sub, ".git")); !os.IsNotExist(err) {
		t.Errorf("Init ran git init inside an existing work tree")
	}
	if s.RepoRoot() != repo || s.Prefix() != "help" {
		t.Errorf("root %s prefix %q", s.RepoRoot(), s.Prefix())
	}
}

func TestIdentity(t *testing.T) {
	repo := newRepo(t)
	s := openStore(t, repo)

	id, err := s.Identity()
	if err != nil || id.Name != "Test Agent" || id.Email != "agent@example.com" {
		t.Errorf("global identity = %+v, %v", id, err)
	}

	gitc(t, repo, "config", "user.name", "Repo Person")
	gitc(t, repo, "config", "user.email", "repo@example.com")
	s = openStore(t, repo)
	id, err = s.Identity()
	if err != nil || id.Name != "Repo Person" || id.Email != "repo@example.com" {
		t.Errorf("repo identity = %+v, %v", id, err)
	}

	t.Setenv("GIT_AUTHOR_NAME", "Env Person")
	t.Setenv("GIT_AUTHOR_EMAIL", "env@example.com")
	id, err = s.Identity()
	if err != nil || id.Name != "Env Person" || id.Email != "env@example.com" {
		t.Errorf("env identity = %+v, %v", id, err)
	}
	if id.When.IsZero() {
		t.Error("identity has no time")
	}
}

func TestIdentityMissing(t *testing.T) {
	home := isolate(t)
	writeFile(t, filepath.Join(home, ".gitconfig"), "")
	dir := t.TempDir()
	s, err := Init(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Identity()
	if err == nil || !strings.Contains(err.Error(), "git config user.email you@example.com") {
		t.Errorf("Identity() error = %v, want a hint", err)
	}
}
