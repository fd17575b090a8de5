package templates

import "embed"

// Replies are the default reply templates that `ticket init` installs as
// .ticket/templates/NAME.md; docs/replies.md describes their variables.
//
//go:embed replies
var Replies embed.FS
