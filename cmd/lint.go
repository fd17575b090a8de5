package cmd

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/ticketdesk/ticket/desk"
	"github.com/ticketdesk/ticket/gitstore"
	"github.com/ticketdesk/ticket/kb"
	"github.com/ticketdesk/ticket/mailout"
	"github.com/ticketdesk/ticket/ticket"
)

type lintOptions struct {
	Ref, Format string
}

type findingJSON struct {
	File     string `json:"file"`
	Line     int    `json:"line"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
}

func newLintCmd(app *App) *cobra.Command {
	o := lintOptions{}
	c := &cobra.Command{
		Use:   "lint",
		Short: "Check every ticket file and the configuration",
		Long: `Check the desk as CI should on every pull request.

Errors (exit code 1):
  - the configuration does not parse, or a rule or SLA condition cannot run
  - a ticket file does not parse or validate (unknown status or priority …)
  - a ticket is not at tickets/XY/ID.md (XY: the first two characters of its
    id), or its id differs from its file name
  - two files carry the same id (a collision that merged branches brought in)
  - the same Message-ID in two tickets
  - an assignee or team the configuration does not list (when it lists any)
  - an attachment reference whose file is missing
  - a time in the future (more than 5 minutes after now; TICKET_NOW sets now)
  - a symbolic link in the desk (ticket neither reads nor writes through one;
    in the work tree, or in the commit --ref names)

Warnings (exit code 0):
  - files under tickets/ that are neither tickets nor attachments
  - anything that looks like a credential, in tickets, the configuration,
    articles and reply templates: passwords, URLs with a password in them,
    private keys, AWS keys, Slack, GitHub and Stripe tokens, long secrets
    after token, secret or api_key (ordinary words after "password:" and
    masks such as ******** are not reported)
  - a resolved ticket without a resolution time

Knowledge-base articles under kb/ are checked as "ticket kb build" reads
them, and reply templates under .ticket/templates/ as replies read them
(front matter and template syntax); a problem in either is an error.

--format text prints "FILE:LINE: severity: message"; github prints workflow
annotations ("::error file=FILE,line=LINE::message") that GitHub shows on the
pull request's diff; json prints an array of {file, line, severity,
message}. Files are named relative to the repository root.

Warnings never fail lint, so a false alarm cannot block a pull request; a CI
job that must stop on them can count them:
  test "$(ticket lint --format json --jq '[.[] | select(.severity == "warning")] | length')" = 0`,
		Example: `  ticket lint
  ticket lint --format github
  ticket lint --ref origin/main --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runLint(app, o) },
	}
	c.Flags().StringVar(&o.Ref, "ref", "", "check the desk at git `REF` instead of the work tree")
	c.Flags().StringVar(&o.Format, "format", "text", "output `FORMAT`: text, github or json")
	return c
}

func runLint(app *App, o lintOptions) error {
	switch o.Format {
	case "text", "github", "json":
	default:
		return usageErrorf("--format %q: want text, github or json", o.Format)
	}
	dir := app.Dir
	if dir == "" {
		dir = "."
	}
	d, err := desk.OpenForLint(dir, app.Now)
	if err != nil {
		if _, derr := app.Desk(); derr != nil {
			return derr // the same error, with its hint
		}
		return err
	}
	r, err := d.Reader(o.Ref)
	if err != nil {
		return err
	}
	findings, err := d.Lint(r)
	if err != nil {
		return err
	}
	if files, err := r.List(kb.Dir); err == nil && len(files) > 0 {
		if src, err := kb.Load(d, o.Ref); err != nil {
			findings = append(findings, desk.FindingsOf(err, d.Rel(kb.Dir), ticket.LintError)...)
		} else {
			for _, p := range src.Problems {
				findings = append(findings, desk.FindingsOf(p, d.Rel(kb.Dir), ticket.LintError)...)
			}
		}
	}
	findings = append(findings, credentialFindings(d, r, kb.Dir, mailout.TemplatesDir)...)
	if files, err := r.List(mailout.TemplatesDir); err == nil && len(files) > 0 {
		_, err := mailout.ListTemplates(r, func(err error) {
			findings = append(findings, desk.FindingsOf(err, d.Rel(mailout.TemplatesDir), ticket.LintError)...)
		})
		if err != nil {
			return err
		}
	}
	findings = append(findings, d.LinkFindings(r)...)
	desk.SortFindings(findings)
	errs, warns := 0, 0
	for _, f := range findings {
		if f.Severity == ticket.LintError {
			errs++
		} else {
			warns++
		}
	}
	switch o.Format {
	case "json":
		rows := make([]findingJSON, len(findings))
		for i, f := range findings {
			rows[i] = findingJSON{File: f.File, Line: f.Line, Severity: f.Severity, Message: f.Message}
		}
		var jf jsonFlags
		jf.JSON = true
		if err := jf.print(app.Out, rows); err != nil {
			return err
		}
	case "github":
		for _, f := range findings {
			fmt.Fprintln(app.Out, githubAnnotation(f))
		}
	default:
		for _, f := range findings {
			fmt.Fprintln(app.Out, safe(f.String()))
		}
	}
	if errs > 0 {
		return fmt.Errorf("lint found %s and %s", lintCount(errs, "error"), lintCount(warns, "warning"))
	}
	if o.Format == "text" && app.ErrTTY {
		if warns > 0 {
			fmt.Fprintf(app.Err, "no errors, %s\n", lintCount(warns, "warning"))
		} else {
			fmt.Fprintln(app.Err, "no problems found")
		}
	}
	return nil
}

// credentialFindings reports what looks like a credential in the Markdown
// files of dirs: a secret pasted into a public article or a reply template
// goes out to the world.
func credentialFindings(d *desk.Desk, r gitstore.Reader, dirs ...string) []desk.Finding {
	var out []desk.Finding
	for _, dir := range dirs {
		files, err := r.List(dir)
		if err != nil {
			continue
		}
		for _, f := range files {
			if !strings.HasSuffix(f.Path, ".md") {
				continue
			}
			data, err := r.Read(f.Path)
			if err != nil {
				continue
			}
			for _, c := range ticket.Credentials(string(data)) {
				out = append(out, desk.Finding{File: d.Rel(f.Path), Line: c.Line, Severity: c.Severity, Message: c.Message})
			}
		}
	}
	return out
}

func lintCount(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// githubAnnotation is a workflow command that GitHub Actions shows on the
// file and line of a pull request.
func githubAnnotation(f desk.Finding) string {
	prop := func(s string) string {
		return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
	}
	msg := strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(f.Message)
	level := "error"
	if f.Severity != ticket.LintError {
		level = "warning"
	}
	if f.Line > 0 {
		return fmt.Sprintf("::%s file=%s,line=%d::%s", level, prop(f.File), f.Line, msg)
	}
	return fmt.Sprintf("::%s file=%s::%s", level, prop(f.File), msg)
}
