package templates

import "embed"

// KB is the default knowledge-base theme: html/template pages, the style
// sheet and the search script. A desk overrides any file by putting its own
// copy in .ticket/kb-theme/.
//
//go:embed all:kb
var KB embed.FS
