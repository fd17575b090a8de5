// Command ticket is a help desk that lives in git.
package main

import (
	"os"

	cli "github.com/ticketdesk/ticket/cmd"
)

func main() { os.Exit(cli.Run(os.Args[1:], cli.Stdio())) }
