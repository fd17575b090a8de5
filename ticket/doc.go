// Package ticket is the help desk's domain: the Ticket and its Entries, statuses
// and priorities, the file format (parse and render), ids, queries and the rules
// that decide how a ticket changes.
//
// It must never import cobra, go-git or anything that does I/O beyond the
// readers and writers handed to it: callers decide where bytes come from and
// where they go, and pass the clock in.
package ticket
