package report

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ticketdesk/ticket/ticket"
)

// chromium finds the browser, failing (never skipping) when it is missing.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("chromium is missing: run scripts/test.sh, which installs it, or apt-get install chromium")
	return ""
}

func runChromium(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir(), "--window-size=1280,2000"}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, errb.String())
	}
	return out.Bytes()
}

// TestHTMLInBrowser opens the HTML report in headless Chromium: the page
// renders to a non-empty screenshot and every chart is drawn.
func TestHTMLInBrowser(t *testing.T) {
	bin := chromium(t)
	pol := &ticket.SLAPolicy{Name: "std", Targets: map[string]ticket.SLATargets{
		"normal": {FirstResponse: "2h", Resolution: "2d"}, "high": {FirstResponse: "1h"},
	}}
	o := testOptions()
	o.By = []string{"channel"}
	o.SLA = func(t *ticket.Ticket, now time.Time) []ticket.SLAClock { return ticket.EvalSLA(t, pol, nil, now, 0) }
	r, err := Compute(deskTickets(), o)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	var b bytes.Buffer
	if err := r.WriteHTML(&b); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if regexp.MustCompile(`(?i)(src|href)=["']?(https?:)?//`).Match(b.Bytes()) {
		t.Error("the page loads an external asset; it must be self-contained")
	}

	shot := filepath.Join(dir, "report.png")
	runChromium(t, bin, "--screenshot="+shot, "file://"+page)
	if keep := os.Getenv("REPORT_SCREENSHOT"); keep != "" {
		data, _ := os.ReadFile(shot)
		_ = os.WriteFile(keep, data, 0o644)
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot is not a PNG: %v", err)
	}
	if bd := img.Bounds(); bd.Dx() < 1000 || bd.Dy() < 1000 {
		t.Errorf("screenshot is %v, want the 1280×2000 window", bd)
	}
	if n := colours(img); n < 8 {
		t.Errorf("screenshot has %d colours: the page looks blank", n)
	}

	dom := string(runChromium(t, bin, "--dump-dom", "file://"+page))
	figures := regexp.MustCompile(`(?s)<figure id="chart-([a-z-]+)">(.*?)</figure>`).FindAllStringSubmatch(dom, -1)
	want := []string{"volume", "flow", "first-response", "resolution", "agents", "sla"}
	if len(figures) != len(want) {
		t.Fatalf("the rendered page has %d charts, want %d", len(figures), len(want))
	}
	for i, fig := range figures {
		if fig[1] != want[i] {
			t.Errorf("chart %d is %q, want %q", i, fig[1], want[i])
		}
		svg := fig[2]
		if !strings.Contains(svg, "<svg") {
			t.Errorf("chart %s has no <svg>", fig[1])
			continue
		}
		// Bars and lines are filled or stroked paths in a data colour.
		drawn := regexp.MustCompile(`(?i)<path[^>]*(fill|stroke):#(0072b2|e69f00|009e73|cc79a7|56b4e9|d55e00|999999)`).FindAllString(svg, -1)
		if len(drawn) < 3 {
			t.Errorf("chart %s draws %d data paths, want bars or lines", fig[1], len(drawn))
		}
		if !strings.Contains(svg, "<text") {
			t.Errorf("chart %s has no text: no title or axis labels", fig[1])
		}
	}
	for _, s := range []string{"first_response", "fcr_rate", "csat", "Agents", "By channel"} {
		if !strings.Contains(dom, s) {
			t.Errorf("the rendered page lacks %q", s)
		}
	}
}

// colours counts distinct colours on a sample grid of the image.
func colours(img image.Image) int {
	seen := map[[4]uint32]bool{}
	bd := img.Bounds()
	for y := bd.Min.Y; y < bd.Max.Y; y += 7 {
		for x := bd.Min.X; x < bd.Max.X; x += 7 {
			r, g, b, a := img.At(x, y).RGBA()
			seen[[4]uint32{r >> 8, g >> 8, b >> 8, a >> 8}] = true
		}
	}
	return len(seen)
}
