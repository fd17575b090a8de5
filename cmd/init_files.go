package cmd

import (
	"io/fs"
	"path"
	"strings"

	"github.com/ticketdesk/ticket/gitstore"
	"github.com/ticketdesk/ticket/mailout"
	"github.com/ticketdesk/ticket/templates"
)

// initFiles are the default files `ticket init` commits besides the
// configuration: the reply templates, as .ticket/templates/NAME.md.
func initFiles() ([]gitstore.Change, error) {
	files, err := fs.Glob(templates.Replies, "replies/*.md")
	if err != nil {
		return nil, err
	}
	var out []gitstore.Change
	for _, f := range files {
		data, err := fs.ReadFile(templates.Replies, f)
		if err != nil {
			return nil, err
		}
		name := strings.TrimSuffix(path.Base(f), ".md")
		out = append(out, gitstore.Change{Path: mailout.TemplatePath(name), Data: data})
	}
	return out, nil
}
