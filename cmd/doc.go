// Package cmd is the ticket command line: one file per command, each an
// options struct, a constructor that maps flags to options, and a run
// function that calls the domain and the desk and prints.
//
// Commands parse and print; they hold no domain logic. Nothing imports cmd.
package cmd
