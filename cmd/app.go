package cmd

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/ticketdesk/ticket/desk"
	"github.com/ticketdesk/ticket/gitstore"
)

// App carries what every command needs: standard streams and whether they are
// terminals, the environment, the clock and the lazily opened desk.
type App struct {
	In                    io.Reader
	Out, Err              io.Writer
	InTTY, OutTTY, ErrTTY bool
	Getenv                func(string) string

	// Set by global flags.
	Dir      string
	Author   string
	NoCommit bool
	Ref      string

	now  time.Time
	desk *desk.Desk
}

// Stdio is an App over the process's standard streams and environment.
func Stdio() *App {
	return &App{
		In: os.Stdin, Out: os.Stdout, Err: os.Stderr,
		InTTY:  isatty.IsTerminal(os.Stdin.Fd()),
		OutTTY: isatty.IsTerminal(os.Stdout.Fd()),
		ErrTTY: isatty.IsTerminal(os.Stderr.Fd()),
		Getenv: os.Getenv,
	}
}

// Now is the one clock of every command: TICKET_NOW (RFC 3339) when set, so
// tests and backfills are exact, else the time the command started.
func (a *App) Now() time.Time {
	if a.now.IsZero() {
		a.now = time.Now().UTC().Truncate(time.Second)
		if v := a.Getenv("TICKET_NOW"); v != "" {
			if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
				a.now = t.UTC().Truncate(time.Second)
			}
		}
	}
	return a.now
}

func (a *App) checkNow() error {
	if v := a.Getenv("TICKET_NOW"); v != "" {
		if _, err := time.Parse(time.RFC3339Nano, v); err != nil {
			return usageErrorf("TICKET_NOW=%q is not an RFC 3339 time like 2026-11-01T09:00:00Z", v)
		}
	}
	return nil
}

// Desk opens the desk enclosing -C DIR (or the working directory) once.
func (a *App) Desk() (*desk.Desk, error) {
	if a.desk != nil {
		return a.desk, nil
	}
	dir := a.Dir
	if dir == "" {
		dir = "."
	}
	d, err := desk.Open(dir, a.Now)
	if errors.Is(err, gitstore.ErrNoDesk) {
		return nil, withHint(err, "run `ticket init` to make this folder a desk, or use -C DIR")
	}
	if err != nil {
		return nil, err
	}
	a.desk = d
	if !d.Store.MergeDriverRegistered() {
		a.warnf("the ticket merge driver is not registered in this clone; run ticket setup")
	}
	return d, nil
}

// author is the --author override, or nil for the git identity.
func (a *App) author() (*gitstore.Signature, error) {
	if a.Author == "" {
		return nil, nil
	}
	name, email, ok := strings.Cut(a.Author, "<")
	if !ok || !strings.HasSuffix(email, ">") {
		return nil, usageErrorf("--author %q: want \"Name <email>\"", a.Author)
	}
	return &gitstore.Signature{Name: strings.TrimSpace(name), Email: strings.TrimSuffix(email, ">")}, nil
}

func (a *App) warnf(format string, args ...any) {
	fmt.Fprintf(a.Err, "warning: "+format+"\n", args...)
}
