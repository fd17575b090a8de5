package cmd

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/ticketdesk/ticket/desk"
	"github.com/ticketdesk/ticket/kb"
)

type kbBuildOptions struct {
	Out, BaseURL, Ref, Addr string
	Internal, CheckLinks    bool
}

func newKBBuildCmd(app *App) *cobra.Command {
	o := kbBuildOptions{}
	c := &cobra.Command{
		Use:   "build",
		Short: "Build the static knowledge-base site",
		Long: `Build the site from the published articles into DIR (default _site). Only
files whose bytes changed are written, and pages of articles that went away
are removed (also after a build that was interrupted), so a rebuild is fast
and a deploy uploads little.

The public build leaves out drafts and internal articles, and fails when a
published article holds the email address or phone number of a customer of
the desk's tickets, also an address written around ("jane at example dot
com"). --internal adds internal articles (for a site behind a
login). --check-links fails on links to missing articles or files.

A page that cannot show an article as written is still built, with a
warning naming the file and line: a code block whose highlighter does not
finish on it is shown without colours, as are blocks naming more than 64
different languages in one article and blocks after an article's code has
taken 5s to highlight, and a body nested more than 256 elements deep is
shown as its source.`,
		Example: `  ticket kb build -o public --base-url https://help.example.com/ --check-links
  ticket kb build --ref origin/main -o public     # in CI, from a branch
  ticket kb build --internal -o internal-site`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runKBBuild(app, o) },
	}
	addKBBuildFlags(c, &o)
	c.Flags().StringVar(&o.Ref, "ref", "", "build from git `REF` (branch, tag, commit) instead of the work tree")
	c.Flags().BoolVar(&o.CheckLinks, "check-links", false, "fail on a link to a missing article or file")
	return c
}

func addKBBuildFlags(c *cobra.Command, o *kbBuildOptions) {
	f := c.Flags()
	f.StringVarP(&o.Out, "output", "o", "_site", "write the site into `DIR`")
	f.BoolVar(&o.Internal, "internal", false, "include internal articles")
	f.StringVar(&o.BaseURL, "base-url", "", "the site's public `URL` (default: kb.base_url of the config)")
}

// outDir resolves -o against -C, as if the command ran there.
func (a *App) outDir(out string) string {
	if filepath.IsAbs(out) || a.Dir == "" {
		return out
	}
	return filepath.Join(a.Dir, out)
}

func kbOptions(app *App, d *desk.Desk, o kbBuildOptions) (kb.Options, error) {
	opts := kb.Options{Out: app.outDir(o.Out), Internal: o.Internal, BaseURL: o.BaseURL, CheckLinks: o.CheckLinks}
	if o.BaseURL != "" && !strings.HasPrefix(o.BaseURL, "http://") && !strings.HasPrefix(o.BaseURL, "https://") {
		return opts, usageErrorf("--base-url %q: want an http or https address", o.BaseURL)
	}
	if !o.Internal {
		c, err := kb.LoadCustomers(d, o.Ref, func(err error) { app.warnf("%v", err) })
		if err != nil {
			return opts, err
		}
		opts.Privacy = c
	}
	return opts, nil
}

func kbError(err error) error {
	switch {
	case kb.IsPrivacy(err):
		return withHint(err, "remove the customer's contact details from the article (write [email address] or a made-up example),",
			"or set visibility: internal so it only goes on the internal site")
	case strings.Contains(err.Error(), "broken link"):
		return withHint(err, "links to articles are written as SLUG.md or SLUG.LANG.md, relative to kb/")
	}
	return err
}

func runKBBuild(app *App, o kbBuildOptions) error {
	d, err := app.Desk()
	if err != nil {
		return err
	}
	opts, err := kbOptions(app, d, o)
	if err != nil {
		return err
	}
	src, err := kb.Load(d, o.Ref)
	if err != nil {
		return err
	}
	start := time.Now()
	res, err := kb.Build(src, opts)
	if err != nil {
		return kbError(err)
	}
	kind := "public"
	if o.Internal {
		kind = "internal"
	}
	fmt.Fprintf(app.Out, "built the %s site in %s: %d articles, %d files (%d written, %d removed)\n",
		kind, o.Out, res.Articles, res.Pages, res.Written, res.Removed)
	for _, w := range res.Warnings {
		app.warnf("%s", w)
	}
	if app.ErrTTY {
		fmt.Fprintf(app.Err, "took %s\n", time.Since(start).Round(time.Millisecond))
	}
	return nil
}

func newKBServeCmd(app *App) *cobra.Command {
	o := kbBuildOptions{}
	c := &cobra.Command{
		Use:   "serve",
		Short: "Build the site, serve it and rebuild when articles change",
		Long: `Build the site from the work tree, serve it on ADDR and rebuild whenever a
file below kb/ or .ticket/kb-theme/ changes (checked twice a second). Only
changed articles are rendered again. Stop with Ctrl-C.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runKBServe(ctx, app, o)
		},
	}
	addKBBuildFlags(c, &o)
	c.Flags().Lookup("output").DefValue = "a temporary folder"
	c.Flags().Set("output", "")
	c.Flags().StringVar(&o.Addr, "addr", "127.0.0.1:8080", "listen on `HOST:PORT`")
	return c
}

func runKBServe(ctx context.Context, app *App, o kbBuildOptions) error {
	d, err := app.Desk()
	if err != nil {
		return err
	}
	if o.Out == "" {
		tmp, err := os.MkdirTemp("", "ticket-kb-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		o.Out = tmp
	}
	opts, err := kbOptions(app, d, o)
	if err != nil {
		return err
	}
	b := kb.NewBuilder()
	build := func() {
		start := time.Now()
		src, err := kb.Load(d, "")
		if err == nil {
			var res *kb.Result
			if res, err = b.Build(src, opts); err == nil {
				fmt.Fprintf(app.Err, "built %d articles in %s (%d rendered, %d files written, %d removed)\n",
					res.Articles, time.Since(start).Round(time.Millisecond), res.Rendered, res.Written, res.Removed)
				for _, w := range res.Warnings {
					app.warnf("%s", w)
				}
				return
			}
		}
		fmt.Fprintf(app.Err, "ticket: %s\n", kbError(err))
	}
	build()
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return withHint(err, "choose another address with --addr, such as 127.0.0.1:8081")
	}
	srv := &http.Server{Handler: siteHandler(opts.Out), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	fmt.Fprintf(app.Out, "serving the knowledge base on http://%s/ (Ctrl-C stops)\n", ln.Addr())
	last := kb.Fingerprint(d.Store.Dir())
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
			if fp := kb.Fingerprint(d.Store.Dir()); fp != last {
				last = fp
				build()
			}
		}
	}
}

// siteHandler serves a built site, with its 404 page for missing files.
func siteHandler(dir string) http.Handler {
	files := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := filepath.Join(dir, filepath.FromSlash(filepath.Clean("/"+r.URL.Path)))
		if st, err := os.Stat(p); (err != nil && errors.Is(err, os.ErrNotExist)) || (err == nil && st.IsDir() && !exists(filepath.Join(p, "index.html"))) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusNotFound)
			data, _ := os.ReadFile(filepath.Join(dir, "404.html"))
			w.Write(data)
			return
		}
		files.ServeHTTP(w, r)
	})
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
