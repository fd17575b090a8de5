package gitstore

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func TestLockExcludesSecondHolder(t *testing.T) {
	repo := newRepo(t)
	s := openStore(t, repo)
	unlock, err := s.Lock(time.Second)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := openStore(t, repo).Lock(50 * time.Millisecond); !errors.Is(err, ErrLocked) {
		t.Fatalf("second Lock = %v, want ErrLocked", err)
	}
	if time.Since(start) < 50*time.Millisecond {
		t.Error("second Lock gave up before its wait was over")
	}
	unlock()
	unlock() // harmless twice
	again, err := s.Lock(0)
	if err != nil {
		t.Fatalf("Lock after unlock = %v", err)
	}
	again()
}

func TestLockWaitsForRelease(t *testing.T) {
	repo := newRepo(t)
	s := openStore(t, repo)
	unlock, err := s.Lock(time.Second)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		time.Sleep(30 * time.Millisecond)
		unlock()
	}()
	u2, err := s.Lock(5 * time.Second)
	if err != nil {
		t.Fatalf("Lock while waiting for release = %v", err)
	}
	u2()
}

// TestLockHolderProcess is run as a separate process by
// TestLockAcrossProcesses: it holds the lock until its stdin closes.
func TestLockHolderProcess(t *testing.T) {
	dir := os.Getenv("TICKET_LOCK_HOLDER_DIR")
	if dir == "" {
		t.Skip("run by TestLockAcrossProcesses")
	}
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	unlock, err := s.Lock(5 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("locked")
	bufio.NewReader(os.Stdin).ReadString('\n')
	unlock()
}

func TestLockAcrossProcesses(t *testing.T) {
	repo := newRepo(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockHolderProcess$")
	cmd.Env = append(os.Environ(), "TICKET_LOCK_HOLDER_DIR="+repo)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "locked\n" {
		stdin.Close()
		cmd.Wait()
		t.Fatalf("holder said %q, %v", line, err)
	}
	s := openStore(t, repo)
	_, err = s.Lock(50 * time.Millisecond)
	if !errors.Is(err, ErrLocked) {
		t.Errorf("Lock while another process holds it = %v", err)
	} else {
		// The message names the lock file and the process holding it.
		msg := err.Error()
		if !strings.Contains(msg, s.LockPath()) || !strings.Contains(msg, fmt.Sprintf("held by pid %d ", cmd.Process.Pid)) {
			t.Errorf("Lock error %q does not name %s and pid %d", msg, s.LockPath(), cmd.Process.Pid)
		}
	}
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("holder: %v", err)
	}
	unlock, err := s.Lock(time.Second)
	if err != nil {
		t.Fatalf("Lock after the other process quit = %v", err)
	}
	unlock()
}

func TestLockReleaseClearsHolder(t *testing.T) {
	repo := newRepo(t)
	s := openStore(t, repo)
	unlock, err := s.Lock(time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if h := lockHolder(s.LockPath()); !strings.HasPrefix(h, fmt.Sprintf("held by pid %d since ", os.Getpid())) {
		t.Errorf("holder while locked = %q", h)
	}
	unlock()
	if h := lockHolder(s.LockPath()); h != "" {
		t.Errorf("holder after release = %q, want none", h)
	}
}
