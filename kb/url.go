package kb

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/ticketdesk/ticket/ticket"
)

// ArticleURL is the public address of an article, for links in replies:
// kb.base_url of the config, then LANG/SLUG.html. An empty language means
// DefaultLanguage.
func ArticleURL(cfg *ticket.Config, slug, lang string) (string, error) {
	if cfg == nil || cfg.KB.BaseURL == "" {
		return "", errors.New("kb: base_url is not set; add it to .ticket/config.yaml to link articles")
	}
	if !slugRE().MatchString(slug) {
		return "", fmt.Errorf("%q is not an article slug (lower-case letters, digits and dashes)", slug)
	}
	if lang == "" {
		lang = DefaultLanguage
	}
	if !langRE().MatchString(lang) {
		return "", fmt.Errorf("%q is not a language code such as en or pt-BR", lang)
	}
	u, err := url.Parse(cfg.KB.BaseURL)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("kb: base_url %q is not an http or https address", cfg.KB.BaseURL)
	}
	base := cfg.KB.BaseURL
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	return base + ArticlePath(slug, lang), nil
}
