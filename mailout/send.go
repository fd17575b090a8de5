package mailout

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/ticketdesk/ticket/ticket"
)

// Sender hands a finished message to the mail system.
type Sender interface {
	Send(from string, to []string, msg []byte) error
	// String names the transport for messages: "smtp mail.example.com:587".
	String() string
}

// ErrNoTransport means neither smtp nor sendmail is configured.
var ErrNoTransport = errors.New("no mail server configured: set smtp: or sendmail: in " + ticket.ConfigPath + ", or TICKET_SMTP_URL")

// NewSender returns the configured transport: TICKET_SMTP_URL (with
// TICKET_SMTP_PASSWORD) over the config's smtp section, else the config's
// sendmail command. It returns ErrNoTransport when there is none.
func NewSender(cfg *ticket.Config, getenv func(string) string) (Sender, error) {
	if u := getenv("TICKET_SMTP_URL"); u != "" {
		s, err := parseSMTPURL(u)
		if err != nil {
			return nil, err
		}
		if p := getenv("TICKET_SMTP_PASSWORD"); p != "" {
			s.password = func() (string, error) { return p, nil }
		}
		return s, nil
	}
	if c := cfg.SMTP; c.Host != "" {
		s := &SMTP{Host: c.Host, Port: c.Port, TLS: c.TLS, Username: c.Username}
		if s.TLS == "" {
			s.TLS = "starttls"
		}
		switch {
		case getenv("TICKET_SMTP_PASSWORD") != "":
			p := getenv("TICKET_SMTP_PASSWORD")
			s.password = func() (string, error) { return p, nil }
		case c.PasswordEnv != "":
			name := c.PasswordEnv
			s.password = func() (string, error) {
				if v := getenv(name); v != "" {
					return v, nil
				}
				return "", fmt.Errorf("smtp: password_env names $%s, which is not set; export it or set TICKET_SMTP_PASSWORD", name)
			}
		case c.PasswordCommand != "":
			command := c.PasswordCommand
			s.password = func() (string, error) { return passwordFromCommand(command) }
		}
		return s, nil
	}
	if strings.TrimSpace(cfg.Sendmail) != "" {
		return &Sendmail{Command: cfg.Sendmail}, nil
	}
	return nil, ErrNoTransport
}

func passwordFromCommand(command string) (string, error) {
	var stderr bytes.Buffer
	c := exec.Command("sh", "-c", command)
	c.Stderr = &stderr
	out, err := c.Output()
	if err != nil {
		return "", fmt.Errorf("smtp: password_command %q failed: %v %s", command, err, strings.TrimSpace(stderr.String()))
	}
	p := strings.TrimRight(string(out), "\r\n")
	if p == "" {
		return "", fmt.Errorf("smtp: password_command %q printed nothing", command)
	}
	return p, nil
}

// parseSMTPURL reads smtp://user@host:port (STARTTLS; add ?tls=none for a
// plain connection, such as a relay on the same machine) or
// smtps://user@host:port (TLS from the start).
func parseSMTPURL(raw string) (*SMTP, error) {
	u, err := url.Parse(raw)
	bad := func(why string) error {
		return fmt.Errorf("TICKET_SMTP_URL %q: %s; write smtp://user@host:587 or smtps://user@host:465", redact(raw), why)
	}
	if err != nil || u.Host == "" {
		return nil, bad("not a URL")
	}
	s := &SMTP{Host: u.Hostname()}
	switch u.Scheme {
	case "smtp":
		s.TLS = "starttls"
	case "smtps":
		s.TLS = "implicit"
	default:
		return nil, bad("unknown scheme " + u.Scheme)
	}
	switch v := u.Query().Get("tls"); v {
	case "":
	case "none", "starttls", "implicit":
		s.TLS = v
	default:
		return nil, bad("tls=" + v + " is not none, starttls or implicit")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n <= 0 || n > 65535 {
			return nil, bad("port " + p + " is not a TCP port")
		}
		s.Port = n
	}
	if u.User != nil {
		s.Username = u.User.Username()
		if p, ok := u.User.Password(); ok {
			s.password = func() (string, error) { return p, nil }
		}
	}
	return s, nil
}

func redact(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Redacted()
	}
	return raw
}

// SMTP sends through a mail server with github.com/emersion/go-smtp.
type SMTP struct {
	Host     string
	Port     int    // 0: 587 for starttls, 465 for implicit, 25 for none
	TLS      string // starttls, implicit or none
	Username string // empty: no authentication
	password func() (string, error)
	// Timeout bounds connecting and every command; zero means a minute.
	Timeout time.Duration
	rootCAs *x509.CertPool // nil: the system's; tests trust their own
}

func (s *SMTP) addr() string {
	port := s.Port
	if port == 0 {
		switch s.TLS {
		case "implicit":
			port = 465
		case "none":
			port = 25
		default:
			port = 587
		}
	}
	return net.JoinHostPort(s.Host, strconv.Itoa(port))
}

func (s *SMTP) String() string { return "smtp " + s.addr() }

// Send delivers one message in one connection.
func (s *SMTP) Send(from string, to []string, msg []byte) error {
	if err := s.send(from, to, msg); err != nil {
		return fmt.Errorf("smtp %s: %w", s.addr(), err)
	}
	return nil
}

func (s *SMTP) send(from string, to []string, msg []byte) error {
	timeout := s.Timeout
	if timeout == 0 {
		timeout = time.Minute
	}
	dialer := &net.Dialer{Timeout: timeout}
	tc := &tls.Config{ServerName: s.Host, RootCAs: s.rootCAs}
	var c *smtp.Client
	switch s.TLS {
	case "implicit":
		conn, err := tls.DialWithDialer(dialer, "tcp", s.addr(), tc)
		if err != nil {
			return err
		}
		c = smtp.NewClient(conn)
	case "none":
		conn, err := dialer.Dial("tcp", s.addr())
		if err != nil {
			return err
		}
		c = smtp.NewClient(conn)
	default:
		conn, err := dialer.Dial("tcp", s.addr())
		if err != nil {
			return err
		}
		if c, err = smtp.NewClientStartTLS(conn, tc); err != nil {
			return fmt.Errorf("%w (for a server without TLS set tls: none, or ?tls=none in TICKET_SMTP_URL)", err)
		}
	}
	defer c.Close()
	c.CommandTimeout = timeout
	c.SubmissionTimeout = 5 * timeout
	// Greet now, so that a failed TLS handshake after STARTTLS is reported
	// as itself rather than as a missing extension.
	if err := c.Hello("localhost"); err != nil {
		return err
	}
	if s.Username != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return errors.New("the server does not offer AUTH; remove the user name or use another server")
		}
		if s.password == nil {
			return errors.New("no password for " + s.Username + "; set TICKET_SMTP_PASSWORD, or smtp: password_env or password_command")
		}
		pw, err := s.password()
		if err != nil {
			return err
		}
		if err := c.Auth(sasl.NewPlainClient("", s.Username, pw)); err != nil {
			return err
		}
	}
	if err := c.SendMail(from, to, bytes.NewReader(msg)); err != nil {
		return err
	}
	c.Quit() // the message is accepted; a failed goodbye changes nothing
	return nil
}

// Sendmail pipes the message to a local command such as
// "/usr/sbin/sendmail -t -i", which reads the recipients from the header.
type Sendmail struct{ Command string }

func (s *Sendmail) String() string { return "sendmail " + s.Command }

// Send runs the command once with the message on standard input.
func (s *Sendmail) Send(_ string, _ []string, msg []byte) error {
	var stderr bytes.Buffer
	c := exec.Command("sh", "-c", s.Command)
	c.Stdin = bytes.NewReader(msg)
	c.Stderr = &stderr
	if err := c.Run(); err != nil {
		return fmt.Errorf("sendmail command %q: %v %s", s.Command, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}
