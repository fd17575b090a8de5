package kb

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"time"
	"unicode"
	"unsafe"

	"github.com/ticketdesk/ticket/ticket"
	"golang.org/x/text/unicode/norm"
	"gopkg.in/yaml.v3"
)

// Dir is the desk folder that holds the articles.
const Dir = "kb"

// DefaultLanguage is an article's language when neither its front matter nor
// its file name (kb/SLUG.LANG.md) says.
const DefaultLanguage = "en"

// The article statuses and visibilities.
const (
	StatusDraft     = "draft"
	StatusPublished = "published"
	Public          = "public"
	Internal        = "internal"
)

// Article is one knowledge-base article in one language.
type Article struct {
	Path        string // desk-relative, such as kb/descale-kettle.de.md
	Title       string
	Slug        string
	Category    string
	Tags        []string
	Language    string
	Status      string
	Visibility  string
	Related     []string
	Updated     time.Time
	Weight      int    // higher shows first under popular articles
	Description string // summary for lists, feeds and search results
	Ticket      string // the ticket a published answer came from; never shown
	Body        string // Markdown
	BodyLine    int    // line of the file where Body starts
	Raw         []byte
}

// Published reports whether the article goes on a site at all.
func (a *Article) Published() bool { return a.Status == StatusPublished }

// Key names the article in one language: "en/descale-kettle".
func (a *Article) Key() string { return a.Language + "/" + a.Slug }

type frontMatter struct {
	Title       string    `yaml:"title"`
	Slug        string    `yaml:"slug,omitempty"`
	Category    string    `yaml:"category,omitempty"`
	Tags        []string  `yaml:"tags,omitempty,flow"`
	Language    string    `yaml:"language,omitempty"`
	Status      string    `yaml:"status"`
	Visibility  string    `yaml:"visibility"`
	Related     []string  `yaml:"related,omitempty,flow"`
	Updated     time.Time `yaml:"updated,omitempty"`
	Weight      int       `yaml:"weight,omitempty"`
	Description string    `yaml:"description,omitempty"`
	Ticket      string    `yaml:"ticket,omitempty"`
}

var (
	slugRE = lazyRegexp(`^[a-z0-9][a-z0-9-]*$`)
	langRE = lazyRegexp(`^[a-z]{2,3}(-[a-zA-Z0-9]{2,8})?$`)
	lineRE = lazyRegexp(`line (\d+)`)
)

// ParseArticle reads an article file. Errors name the file and line and say
// what to change.
func ParseArticle(file string, data []byte) (*Article, error) { return parseArticle(file, data, false) }

// parseArticle is ParseArticle; owned says the caller hands data over and
// never changes it, so Body may share its memory instead of copying it
// (a large knowledge base then holds each article once, not twice).
func parseArticle(file string, data []byte, owned bool) (*Article, error) {
	var src string
	if owned && len(data) > 0 {
		src = unsafe.String(unsafe.SliceData(data), len(data))
	} else {
		src = string(data)
	}
	// As in ticket files: CRLF and a lone CR end a line, and invalid UTF-8
	// and NUL read as U+FFFD. Clean text is returned as it is, not copied.
	src = ticket.CleanText(src)
	if !strings.HasPrefix(src, "---\n") {
		return nil, fmt.Errorf("%s:1: an article starts with front matter between --- lines; add at least title, status and visibility", file)
	}
	rest := src[4:]
	end := strings.Index(rest, "\n---\n")
	var fm, body string
	switch {
	case end >= 0:
		fm, body = rest[:end+1], rest[end+5:]
	case strings.HasSuffix(rest, "\n---"):
		fm = rest[:len(rest)-3]
	default:
		return nil, fmt.Errorf("%s:1: the front matter is not closed; end it with a line of ---", file)
	}
	m, ok := fastFrontMatter(fm)
	if !ok {
		m = frontMatter{}
		if err := ticket.RefuseYAMLAliases(file, 2, fm); err != nil {
			return nil, err
		}
		dec := yaml.NewDecoder(strings.NewReader(fm))
		dec.KnownFields(true)
		if err := dec.Decode(&m); err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s:%s", file, yamlMessage(err))
		}
	}
	a := &Article{
		Path: file, Title: strings.TrimSpace(m.Title), Slug: m.Slug, Category: strings.TrimSpace(m.Category),
		Language: m.Language, Status: m.Status, Visibility: m.Visibility, Related: m.Related,
		Updated: m.Updated.UTC(), Weight: m.Weight, Description: strings.TrimSpace(m.Description),
		Ticket: m.Ticket, Body: body, BodyLine: 2 + strings.Count(fm, "\n") + 1, Raw: data,
	}
	for _, t := range m.Tags {
		if t = normalizeTag(t); t != "" && !slices.Contains(a.Tags, t) {
			a.Tags = append(a.Tags, t)
		}
	}
	fileSlug, fileLang := splitName(file)
	if a.Slug == "" {
		a.Slug = fileSlug
	}
	if a.Language == "" {
		a.Language = fileLang
	}
	if a.Language == "" {
		a.Language = DefaultLanguage
	}
	if a.Visibility == "" {
		a.Visibility = Public
	}
	line := func(key string) int { return keyLine(fm, key) }
	switch {
	case a.Title == "":
		return nil, fmt.Errorf("%s:%d: the article has no title; add title: to the front matter", file, line("title"))
	case !slugRE().MatchString(a.Slug):
		return nil, fmt.Errorf("%s:%d: slug %q may hold only lower-case letters, digits and dashes; rename the file or set slug:", file, line("slug"), a.Slug)
	case !langRE().MatchString(a.Language):
		return nil, fmt.Errorf("%s:%d: language %q is not a language code such as en or pt-BR", file, line("language"), a.Language)
	case a.Status != StatusDraft && a.Status != StatusPublished:
		return nil, fmt.Errorf("%s:%d: status %q: want draft or published", file, line("status"), a.Status)
	case a.Visibility != Public && a.Visibility != Internal:
		return nil, fmt.Errorf("%s:%d: visibility %q: want public or internal", file, line("visibility"), a.Visibility)
	}
	if a.Category != "" && !strings.ContainsFunc(a.Category, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
		return nil, fmt.Errorf("%s:%d: category %q needs at least one letter or digit", file, line("category"), a.Category)
	}
	return a, nil
}

// yamlMessage turns a yaml.v3 error into "LINE: message", counting from the
// file's first line (the opening ---).
func yamlMessage(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if msg == "EOF" {
		return "1: empty front matter; add title, status and visibility"
	}
	n := 1
	if m := lineRE().FindStringSubmatch(msg); m != nil {
		fmt.Sscan(m[1], &n)
		n++
		msg = lineRE().ReplaceAllString(msg, "")
		msg = strings.TrimPrefix(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(msg), "unmarshal errors:")), ":")
	}
	return fmt.Sprintf("%d: %s; fix the front matter", n, strings.TrimSpace(msg))
}

// keyLine finds the file line of a top-level front-matter key, or 1.
func keyLine(fm, key string) int {
	for i, l := range strings.Split(fm, "\n") {
		if strings.HasPrefix(l, key+":") {
			return i + 2
		}
	}
	return 1
}

// splitName reads slug and language from kb/SLUG.md or kb/SLUG.LANG.md.
func splitName(file string) (slug, lang string) {
	base := strings.TrimSuffix(path.Base(file), ".md")
	if i := strings.LastIndexByte(base, '.'); i > 0 && langRE().MatchString(base[i+1:]) {
		return base[:i], base[i+1:]
	}
	return base, ""
}

// FileName is where an article with this slug and language lives.
func FileName(slug, lang string) string {
	if lang == "" || lang == DefaultLanguage {
		return Dir + "/" + slug + ".md"
	}
	return Dir + "/" + slug + "." + lang + ".md"
}

// Render writes an article file: front matter in a fixed key order, then the
// body.
func Render(a *Article) []byte {
	m := frontMatter{
		Title: a.Title, Slug: a.Slug, Category: a.Category, Tags: a.Tags, Language: a.Language,
		Status: a.Status, Visibility: a.Visibility, Related: a.Related, Updated: a.Updated.UTC(),
		Weight: a.Weight, Description: a.Description, Ticket: a.Ticket,
	}
	var b bytes.Buffer
	b.WriteString("---\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(m); err != nil {
		panic(err) // a struct of strings always encodes
	}
	enc.Close()
	b.WriteString("---\n")
	body := strings.TrimLeft(a.Body, "\n")
	if body != "" && !strings.HasSuffix(body, "\n") {
		body += "\n"
	}
	b.WriteString(body)
	return b.Bytes()
}

// Slugify turns a title into a slug: lower-case ASCII letters and digits
// joined by dashes, accents dropped. It returns "" when nothing is left (a
// title in a script without Latin letters); callers then ask for a slug.
func Slugify(s string) string { return slugify(s) }

func slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		case unicode.Is(unicode.Mn, r):
		case r == 'ß':
			b.WriteString("ss")
		default:
			dash = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	return strings.Trim(b.String(), "-")
}

func normalizeTag(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(strings.TrimSpace(s))), "-")
}
