package mailout

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"log"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/ticketdesk/ticket/ticket"
)

// tlsServer is a real SMTP server on loopback with a certificate for
// 127.0.0.1 that only the returned pool trusts.
type tlsServer struct {
	addr string
	pool *x509.CertPool
	mu   sync.Mutex
	got  []string // "tls=true user=alice to=… " per accepted message
}

func startTLSServer(t *testing.T, implicit, offerTLS bool) *tlsServer {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	s := &tlsServer{pool: x509.NewCertPool()}
	s.pool.AddCert(cert)
	tc := &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}

	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &tlsSession{srv: s, conn: c}, nil }))
	srv.Domain = "localhost"
	srv.ErrorLog = log.New(io.Discard, "", 0)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if implicit {
		l = tls.NewListener(l, tc)
	} else if offerTLS {
		srv.TLSConfig = tc
	} else {
		srv.AllowInsecureAuth = true
	}
	s.addr = l.Addr().String()
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return s
}

type tlsSession struct {
	srv  *tlsServer
	conn *smtp.Conn
	user string
	to   []string
}

func (s *tlsSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *tlsSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "alice" || pass != "s3cret" {
			return smtp.ErrAuthFailed
		}
		s.user = user
		return nil
	}), nil
}
func (s *tlsSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *tlsSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}
func (s *tlsSession) Data(r io.Reader) error {
	io.Copy(io.Discard, r)
	_, isTLS := s.conn.TLSConnectionState()
	s.srv.mu.Lock()
	defer s.srv.mu.Unlock()
	s.srv.got = append(s.srv.got, "tls="+map[bool]string{true: "true", false: "false"}[isTLS]+" user="+s.user+" to="+strings.Join(s.to, ","))
	return nil
}
func (s *tlsSession) Reset()        {}
func (s *tlsSession) Logout() error { return nil }

func TestSMTPOverTLS(t *testing.T) {
	msg := []byte("Subject: hi\r\n\r\nhello\r\n")
	for _, mode := range []string{"starttls", "implicit"} {
		t.Run(mode, func(t *testing.T) {
			srv := startTLSServer(t, mode == "implicit", true)
			host, port, _ := net.SplitHostPort(srv.addr)
			s, err := NewSender(&ticket.Config{}, envOf(map[string]string{
				"TICKET_SMTP_URL":      map[string]string{"starttls": "smtp", "implicit": "smtps"}[mode] + "://alice@" + host + ":" + port,
				"TICKET_SMTP_PASSWORD": "s3cret",
			}))
			if err != nil {
				t.Fatal(err)
			}
			s.(*SMTP).rootCAs = srv.pool
			if err := s.Send("support@acme.example", []string{"jane@example.com"}, msg); err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(srv.got, "|"); got != "tls=true user=alice to=jane@example.com" {
				t.Errorf("server saw %q", got)
			}
			// A certificate nobody trusts is refused.
			s.(*SMTP).rootCAs = x509.NewCertPool()
			if err := s.Send("support@acme.example", []string{"jane@example.com"}, msg); err == nil || !strings.Contains(err.Error(), "certificate") {
				t.Errorf("untrusted certificate: %v", err)
			}
		})
	}
	t.Run("no STARTTLS offered", func(t *testing.T) {
		srv := startTLSServer(t, false, false)
		s, _ := NewSender(&ticket.Config{}, envOf(map[string]string{"TICKET_SMTP_URL": "smtp://" + srv.addr}))
		err := s.Send("support@acme.example", []string{"jane@example.com"}, msg)
		if err == nil || !strings.Contains(err.Error(), "set tls: none") || len(srv.got) != 0 {
			t.Fatalf("a server without TLS got the mail in the clear: %v", err)
		}
	})
}

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestNewSender(t *testing.T) {
	cfg := &ticket.Config{SMTP: ticket.SMTP{Host: "mail.acme.example", Username: "support", PasswordEnv: "ACME_SMTP"}}
	tests := []struct {
		name    string
		cfg     *ticket.Config
		env     map[string]string
		want    string // String() of the sender
		pass    string
		wantErr string
	}{
		{name: "config", cfg: cfg, env: map[string]string{"ACME_SMTP": "pw1"}, want: "smtp mail.acme.example:587", pass: "pw1"},
		{name: "password_env unset", cfg: cfg, want: "smtp mail.acme.example:587", wantErr: "password_env names $ACME_SMTP, which is not set"},
		{name: "TICKET_SMTP_PASSWORD wins", cfg: cfg, env: map[string]string{"ACME_SMTP": "pw1", "TICKET_SMTP_PASSWORD": "pw2"}, want: "smtp mail.acme.example:587", pass: "pw2"},
		{name: "password_command", cfg: &ticket.Config{SMTP: ticket.SMTP{Host: "h", TLS: "implicit", Username: "u", PasswordCommand: "printf 'pw3\\n'"}}, want: "smtp h:465", pass: "pw3"},
		{name: "password_command fails", cfg: &ticket.Config{SMTP: ticket.SMTP{Host: "h", TLS: "none", Username: "u", PasswordCommand: "exit 1"}}, want: "smtp h:25", wantErr: `password_command "exit 1" failed`},
		{name: "URL over config", cfg: cfg, env: map[string]string{"TICKET_SMTP_URL": "smtps://bob:pw4@relay.example:2465"}, want: "smtp relay.example:2465", pass: "pw4"},
		{name: "URL plain", cfg: &ticket.Config{}, env: map[string]string{"TICKET_SMTP_URL": "smtp://127.0.0.1?tls=none"}, want: "smtp 127.0.0.1:25"},
		{name: "URL bad scheme", cfg: &ticket.Config{}, env: map[string]string{"TICKET_SMTP_URL": "http://x"}, wantErr: `TICKET_SMTP_URL "http://x": unknown scheme http`},
		{name: "URL bad tls", cfg: &ticket.Config{}, env: map[string]string{"TICKET_SMTP_URL": "smtp://x?tls=maybe"}, wantErr: "tls=maybe is not none, starttls or implicit"},
		{name: "URL password redacted", cfg: &ticket.Config{}, env: map[string]string{"TICKET_SMTP_URL": "ftp://u:secret@x"}, wantErr: "ftp://u:xxxxx@x"},
		{name: "sendmail", cfg: &ticket.Config{Sendmail: "/usr/sbin/sendmail -t"}, want: "sendmail /usr/sbin/sendmail -t"},
		{name: "nothing", cfg: &ticket.Config{}, wantErr: "no mail server configured"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := NewSender(tc.cfg, envOf(tc.env))
			if err == nil && s.String() != tc.want {
				t.Errorf("sender %s, want %s", s, tc.want)
			}
			if err == nil {
				if sm, ok := s.(*SMTP); ok && sm.password != nil {
					var p string
					p, err = sm.password()
					if err == nil && p != tc.pass {
						t.Errorf("password %q, want %q", p, tc.pass)
					}
				}
			}
			if tc.wantErr == "" && err != nil {
				t.Fatal(err)
			}
			if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("error %v, want %q", err, tc.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "secret") {
				t.Errorf("the error shows the password: %v", err)
			}
		})
	}
}
