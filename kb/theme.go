package kb

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"strings"

	"github.com/ticketdesk/ticket/templates"
)

// pageTemplates are the theme files that are html/template pages; each is
// parsed together with layout.html. Every other theme file is copied to the
// site as it is (style sheet, search script, images).
var pageTemplates = []string{"home.html", "article.html", "list.html", "search.html", "feedback.html", "404.html"}

// theme is the parsed theme of one build.
type theme struct {
	pages  map[string]*template.Template
	static map[string][]byte
}

// loadTheme reads the embedded theme and lets the desk's files win one by
// one.
func loadTheme(overrides map[string][]byte) (*theme, error) {
	files := map[string][]byte{}
	origin := map[string]string{}
	err := fs.WalkDir(templates.KB, "kb", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := templates.KB.ReadFile(p)
		name := strings.TrimPrefix(p, "kb/")
		files[name], origin[name] = data, "the embedded theme file "+name
		return err
	})
	if err != nil {
		return nil, err
	}
	for name, data := range overrides {
		files[name], origin[name] = data, ThemeDir+"/"+name
	}
	th := &theme{pages: map[string]*template.Template{}, static: map[string][]byte{}}
	layout, ok := files["layout.html"]
	if !ok {
		return nil, fmt.Errorf("the theme has no layout.html; restore it or remove %s", ThemeDir)
	}
	for _, name := range pageTemplates {
		t := template.New("layout.html")
		if _, err := t.Parse(string(layout)); err != nil {
			return nil, fmt.Errorf("%s: %w; fix the template", origin["layout.html"], err)
		}
		if _, err := t.New(name).Parse(string(files[name])); err != nil {
			return nil, fmt.Errorf("%s: %w; fix the template", origin[name], err)
		}
		th.pages[name] = t
	}
	for name, data := range files {
		if name == "layout.html" || isPage(name) {
			continue
		}
		th.static[name] = data
	}
	return th, nil
}

func isPage(name string) bool {
	for _, p := range pageTemplates {
		if p == name {
			return true
		}
	}
	return false
}

// exec renders one page through the layout into b.
func (th *theme) exec(b *bytes.Buffer, name string, p *Page) error {
	return th.pages[name].ExecuteTemplate(b, "layout.html", p)
}
