package mailout

import (
	"bytes"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ticketdesk/ticket/ticket"
)

// TestPasswordNeverStored: the SMTP password reaches the server and
// nothing else: not the config, not the outbox, not the ticket, not a
// commit, not an error — whether sending works or the server refuses it.
func TestPasswordNeverStored(t *testing.T) {
	const secret = "s3cret"
	srv := startTLSServer(t, false, false)
	host, port, _ := net.SplitHostPort(srv.addr)
	p, _ := strconv.Atoi(port)
	// The command reads the password from a file outside the desk, as a
	// password manager would print it.
	pwFile := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pwFile, []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		env  map[string]string
		cfg  ticket.SMTP
		sent bool
	}{
		{"password_env", map[string]string{"SUPPORT_SMTP_PW": secret}, ticket.SMTP{PasswordEnv: "SUPPORT_SMTP_PW"}, true},
		{"password_command", nil, ticket.SMTP{PasswordCommand: "cat " + pwFile}, true},
		{"TICKET_SMTP_PASSWORD", map[string]string{"TICKET_SMTP_PASSWORD": secret}, ticket.SMTP{}, true},
		{"wrong password", map[string]string{"TICKET_SMTP_PASSWORD": secret + "x"}, ticket.SMTP{}, false},
		{"failing command", nil, ticket.SMTP{PasswordCommand: "cat " + pwFile + "; echo oops >&2; exit 3"}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv.got = nil
			d, tk := testDesk(t, func(c *ticket.Config) {
				c.SMTP = tt.cfg
				c.SMTP.Host, c.SMTP.Port, c.SMTP.TLS, c.SMTP.Username = host, p, "none", "alice"
			})
			if err := os.WriteFile(filepath.Join(d.Store.Dir(), ticket.ConfigPath), ticket.RenderConfig(d.Config), 0o644); err != nil {
				t.Fatal(err)
			}
			queueReply(t, d, tk)
			s, err := NewSender(d.Config, envOf(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			outs, err := Flush(d, s, FlushOptions{Save: SaveOptions{Author: who}})
			if err != nil || len(outs) != 1 {
				t.Fatalf("flush: %+v, %v", outs, err)
			}
			if outs[0].Sent != tt.sent || (len(srv.got) == 1) != tt.sent {
				t.Fatalf("sent = %v (server saw %q), want %v; error %v", outs[0].Sent, srv.got, tt.sent, outs[0].Err)
			}
			if outs[0].Err != nil && strings.Contains(outs[0].Err.Error(), secret) {
				t.Errorf("the error shows the password: %v", outs[0].Err)
			}
			// Every file of the work tree and the git directory (outbox,
			// logs, index), and every object of every commit.
			filepath.WalkDir(d.Store.Dir(), func(p string, e fs.DirEntry, err error) error {
				if err != nil || e.IsDir() {
					return err
				}
				if data, _ := os.ReadFile(p); bytes.Contains(data, []byte(secret)) {
					t.Errorf("%s holds the password", p)
				}
				return nil
			})
			out, err := exec.Command("git", "-C", d.Store.Dir(), "log", "--all", "-p", "--format=%H %s%n%b").CombinedOutput()
			if err != nil {
				t.Fatalf("git log: %v\n%s", err, out)
			}
			if bytes.Contains(out, []byte(secret)) {
				t.Errorf("a commit holds the password:\n%s", out)
			}
		})
	}
}

// TestPasswordURLRedacted: a password in TICKET_SMTP_URL never shows in a
// message about the URL.
func TestPasswordURLRedacted(t *testing.T) {
	_, err := NewSender(&ticket.Config{}, envOf(map[string]string{"TICKET_SMTP_URL": "ftp://alice:s3cret@mail.example.com"}))
	if err == nil || strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), "alice:xxxxx@") {
		t.Errorf("error = %v", err)
	}
	s, err := NewSender(&ticket.Config{}, envOf(map[string]string{"TICKET_SMTP_URL": "smtp://alice:s3cret@mail.example.com"}))
	if err != nil || strings.Contains(s.String(), "s3cret") {
		t.Errorf("sender %v, %v", s, err)
	}
}
