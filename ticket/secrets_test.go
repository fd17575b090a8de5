package ticket

import (
	"strings"
	"testing"
)

// TestCredentialsFound: each kind of credential is found on its line, and
// the finding never repeats it.
func TestCredentialsFound(t *testing.T) {
	for _, line := range []string{
		"-----BEGIN RSA PRIVATE KEY-----",
		"-----BEGIN OPENSSH PRIVATE KEY-----",
		"-----BEGIN EC PRIVATE KEY-----",
		"aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
		"slack: xoxb-1234567890-abcdefghijkl",
		"https://hooks.slack.com/services/T0001AAAA/B0001BBBB/abcdefghijklmnopqrstuvwx",
		"my token is ghp_0123456789abcdefghijABCDEFGHIJ0123456789",
		"github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ",
		"sk_live_0123456789abcdefghijklmn",
		"password: hunter22",
		"Password=Summer2024!",
		"passwd=s3cr3t",
		`"password": "correct-horse-battery"`,
		"pwd: p@ss",
		"db: postgres://admin:s3cretpw@db.internal:5432/app",
		"see https://user:pass%21word@example.com/x",
		"ftp://bob:hunter22@files.example.com",
		"api_key: 3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c",
		`"client_secret": "dGhpcyBpcyBhIHNlY3JldCB2YWx1ZQ=="`,
	} {
		got := Credentials("first line\n" + line + "\nlast line")
		if len(got) != 1 || got[0].Line != 2 || got[0].Severity != LintWarning {
			t.Errorf("Credentials(%q) = %v, want one warning on line 2", line, got)
			continue
		}
		for _, w := range strings.Fields(line) {
			if len(w) > 12 && strings.Contains(got[0].Message, w) {
				t.Errorf("the finding repeats the secret: %q", got[0].Message)
			}
		}
	}
}

// TestCredentialsNotFound: ordinary text of a help desk is no credential.
func TestCredentialsNotFound(t *testing.T) {
	for _, line := range []string{
		"I forgot my password, please reset it.",
		"Password: please send me a new one",
		"The password: forgotten again",
		"password: ********",
		"password: xxxxxxxx",
		"password: <your password>",
		"password=$SMTP_PASSWORD",
		"password: {{ .Password }}",
		"  password_env: TICKET_SMTP_PASSWORD",
		"  password_command: pass show mail/support",
		"Passwort: bitte zurücksetzen",
		"-----BEGIN PUBLIC KEY-----",
		"-----BEGIN CERTIFICATE-----",
		"See https://help.example.com/en/reset.html or mailto:support@example.com",
		"smtp://alice@mail.example.com:587",
		"Call us at https://example.com:8443/path",
		"Time: 10:30, at https://example.com/a:b@c", // no user:pass before the host
		"The order token was 5521.",
		"token: short",
		"Your tracking number is JD0123456789",
		"Ticket #7kq2m9: the printer shows error AK47 again",
		"git@github.com:acme/support.git",
	} {
		if got := Credentials(line); len(got) != 0 {
			t.Errorf("Credentials(%q) = %v, want nothing", line, got)
		}
	}
}
