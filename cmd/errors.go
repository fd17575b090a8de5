package cmd

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ticketdesk/ticket/gitstore"
)

// Exit codes; `ticket help exit-codes` documents them.
const (
	exitOK       = 0
	exitFailure  = 1
	exitUsage    = 2
	exitTempFail = 75 // EX_TEMPFAIL: a mail server keeps the message and retries
)

// exitError carries an exit code and hints to the one place that prints.
type exitError struct {
	code  int
	err   error
	hints []string
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageErrorf(format string, a ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, a...)}
}

func withHint(err error, hints ...string) error {
	var ee *exitError
	if errors.As(err, &ee) {
		ee.hints = append(ee.hints, hints...)
		return ee
	}
	return &exitError{code: exitFailure, err: err, hints: hints}
}

func tempFail(err error) error {
	var ee *exitError
	if errors.As(err, &ee) {
		ee.code = exitTempFail
		return ee
	}
	return &exitError{code: exitTempFail, err: err}
}

// report prints err once, as "ticket: what" plus "hint:" lines, and returns
// its exit code.
func report(a *App, err error) int {
	code := exitFailure
	var hints []string
	var ee *exitError
	if errors.As(err, &ee) {
		code, hints = ee.code, ee.hints
	}
	if errors.Is(err, gitstore.ErrLocked) && len(hints) == 0 {
		hints = append(hints, "another ticket command is writing to this desk; try again in a moment")
	}
	msg := strings.TrimSuffix(err.Error(), ".")
	fmt.Fprintf(a.Err, "ticket: %s\n", msg)
	for _, h := range hints {
		fmt.Fprintf(a.Err, "hint: %s\n", h)
	}
	return code
}

const exitCodesHelp = `Exit codes of ticket:

  0   success (a query that finds nothing is a success too)
  1   failure: bad input, a broken file, a git error, an SLA breach with
      --fail-on-breach, lint errors
  2   usage error: unknown command or flag, a bad flag value
  75  temporary failure (EX_TEMPFAIL) of "ticket import eml": the desk was
      locked or git failed; a mail server keeps the message and retries

Errors are printed once on standard error as "ticket: <what went wrong>",
followed by "hint:" lines that say what to do.
`
