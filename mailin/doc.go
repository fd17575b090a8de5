// Package mailin files parsed mail into tickets: it threads each message
// onto the ticket it answers (our own Message-IDs, then any stored
// Message-ID, then the [#id] subject tag from the ticket's customer or an
// agent), skips messages it has already stored, stores attachments beside
// the ticket, and quarantines what cannot be read at all.
//
// An Importer holds the whole run in memory — one map from Message-ID to
// ticket and one from id to ticket, built once — and hands back every file
// to write as one list of changes, so a run is one commit. Commit makes
// that commit crash-safe: the changes are first written to a journal in
// the git directory, and a run that finds a journal left by a killed run
// finishes it before doing anything else.
//
// It never prints, never reads flags, and never sends mail; the command
// does that around it.
package mailin
