package cmd

import "github.com/ticketdesk/ticket/gitstore"

// initFiles are the default files `ticket init` commits besides the
// configuration, such as reply templates.
func initFiles() ([]gitstore.Change, error) {
	return nil, nil
}
