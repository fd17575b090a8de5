package cmd

import (
	"bytes"
	"fmt"
	"io"
	"log"
	"net"
	"net/mail"
	"net/textproto"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/rogpeppe/go-internal/testscript"
)

// TestMailScripts runs the reply_* and outbox_* stories, each with its own
// real SMTP server on loopback in this test process. A script finds it
// through the environment:
//
//	TICKET_SMTP_URL   smtp://127.0.0.1:PORT?tls=none (what ticket reads)
//	$WORK/delivered/  every accepted message as N.eml, its envelope as N.env
//	$WORK/smtp-refuse if this file exists, its first line ("451 4.3.0 busy")
//	                  is the server's answer to every message
//
// They live in testdata/mail, apart from the stories of TestScripts, which
// have no server.
// The server accepts AUTH PLAIN for user alice with password s3cret and
// records the user in N.env.
func TestMailScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "mail"),
		UpdateScripts:       *updateScripts,
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			if err := scriptSetup(env); err != nil {
				return err
			}
			srv, err := startSMTP(filepath.Join(env.WorkDir, "delivered"), filepath.Join(env.WorkDir, "smtp-refuse"))
			if err != nil {
				return err
			}
			env.Defer(srv.close)
			env.Setenv("TICKET_SMTP_URL", "smtp://"+srv.addr+"?tls=none")
			env.Setenv("SMTP_ADDR", srv.addr)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"setenv-stdout": cmdSetenvStdout,
			"grepcount":     cmdGrepCount,
			"header":        cmdHeader,
		},
	})
}

// header FILE NAME REGEXP checks that a header field of the message in FILE,
// unfolded as a mail reader sees it, matches REGEXP; with !, that the field
// is absent (or does not match).
func cmdHeader(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 {
		ts.Fatalf("usage: header FILE NAME REGEXP")
	}
	m, err := mail.ReadMessage(strings.NewReader(ts.ReadFile(args[0])))
	ts.Check(err)
	re, err := regexp.Compile(args[2])
	ts.Check(err)
	vals := m.Header[textproto.CanonicalMIMEHeaderKey(args[1])]
	matched := false
	for _, v := range vals {
		if re.MatchString(v) {
			matched = true
		}
	}
	switch {
	case matched && neg:
		ts.Fatalf("%s: %s: %q matches %q", args[0], args[1], vals, args[2])
	case !matched && !neg:
		ts.Fatalf("%s: %s: %q does not match %q", args[0], args[1], vals, args[2])
	}
}

// testSMTP is a mail server that keeps what it accepts as files.
type testSMTP struct {
	srv    *smtp.Server
	addr   string
	dir    string
	refuse string
	mu     sync.Mutex
	n      int
}

func startSMTP(dir, refuse string) (*testSMTP, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &testSMTP{dir: dir, refuse: refuse, addr: l.Addr().String()}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &testSession{srv: s}, nil }))
	s.srv.Domain = "localhost"
	s.srv.AllowInsecureAuth = true
	s.srv.ReadTimeout, s.srv.WriteTimeout = 10*time.Second, 10*time.Second
	s.srv.ErrorLog = log.New(io.Discard, "", 0)
	go s.srv.Serve(l)
	return s, nil
}

func (s *testSMTP) close() { s.srv.Close() }

// refusal is the configured answer, or nil to accept.
func (s *testSMTP) refusal() error {
	data, err := os.ReadFile(s.refuse)
	if err != nil {
		return nil
	}
	line, _, _ := strings.Cut(strings.TrimSpace(string(data)), "\n")
	codeText, msg, _ := strings.Cut(line, " ")
	code, err := strconv.Atoi(codeText)
	if err != nil || code < 400 || code > 599 {
		code, msg = 451, line
	}
	return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 0, 0}, Message: msg}
}

func (s *testSMTP) deliver(env string, data []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	base := filepath.Join(s.dir, strconv.Itoa(s.n))
	if err := os.WriteFile(base+".eml", data, 0o644); err != nil {
		return err
	}
	return os.WriteFile(base+".env", []byte(env), 0o644)
}

type testSession struct {
	srv      *testSMTP
	user     string
	from     string
	rcpts    []string
	authFail bool
}

func (s *testSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *testSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != "alice" || password != "s3cret" {
			return smtp.ErrAuthFailed
		}
		s.user = username
		return nil
	}), nil
}

func (s *testSession) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}

func (s *testSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.rcpts = append(s.rcpts, to)
	return nil
}

func (s *testSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if err := s.srv.refusal(); err != nil {
		return err
	}
	var env bytes.Buffer
	fmt.Fprintf(&env, "mail from: %s\n", s.from)
	for _, r := range s.rcpts {
		fmt.Fprintf(&env, "rcpt to: %s\n", r)
	}
	if s.user != "" {
		fmt.Fprintf(&env, "auth: %s\n", s.user)
	}
	return s.srv.deliver(env.String(), data)
}

func (s *testSession) Reset()        { s.from, s.rcpts = "", nil }
func (s *testSession) Logout() error { return nil }

// TestReplyInEditor writes a reply in $EDITOR on a terminal: the thread is
// quoted below the cut line, and only the text above it is kept.
func TestReplyInEditor(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("GIT_AUTHOR_NAME", "Alice Agent")
	t.Setenv("GIT_AUTHOR_EMAIL", "alice@example.com")
	editor := filepath.Join(dir, "editor.sh")
	script := `#!/bin/sh
grep -q '^> The kettle arrived broken\.$' "$1" || { echo "no quoted thread in $1" >&2; exit 3; }
grep -q '^# ------------------------ >8 ------------------------$' "$1" || exit 4
{ printf 'Thanks for waiting.\n\nA refund is on its way.\n'; cat "$1"; } > "$1.new" && mv "$1.new" "$1"
`
	if err := os.WriteFile(editor, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"TICKET_NOW": "2026-11-20T10:00:00Z", "TICKET_EDITOR": editor}
	run := func(tty bool, args ...string) (string, int) {
		var out bytes.Buffer
		app := &App{In: strings.NewReader(""), Out: &out, Err: &out, InTTY: tty, OutTTY: tty,
			Getenv: func(k string) string { return env[k] }}
		code := Run(append([]string{"-C", filepath.Join(dir, "desk")}, args...), app)
		return out.String(), code
	}
	if out, code := run(false, "init", "--name", "Acme Support", "--email", "support@acme.example"); code != 0 {
		t.Fatal(out)
	}
	out, code := run(false, "new", "Kettle", "--customer", "jane@example.com", "-m", "The kettle arrived broken.")
	if code != 0 {
		t.Fatal(out)
	}
	id := strings.TrimSpace(out)
	if out, code := run(false, "reply", id); code != exitUsage || !strings.Contains(out, "no reply text: give -m TEXT, -F FILE or --template NAME") {
		t.Fatalf("without a terminal: exit %d: %s", code, out)
	}
	if out, code := run(true, "reply", id, "--queue"); code != 0 || !strings.Contains(out, "reply by Alice Agent; mail queued") {
		t.Fatalf("exit %d: %s", code, out)
	}
	out, _ = run(false, "show", id, "--json", "--jq", `.entries[] | select(.kind == "reply") | .body`)
	if strings.TrimSpace(out) != "Thanks for waiting.\n\nA refund is on its way." {
		t.Errorf("reply body %q", out)
	}
}
