// Package index keeps the derived, never-committed index of ticket files and
// the full-text search store.
//
// Both live under the git directory (<gitdir>/ticket/index/) and can always be
// rebuilt from the files: work-tree entries are keyed by path, size, mtime,
// ctime and inode, entries read at a ref by git blob id. Every load checks
// the keys and re-parses only what changed, so the index is never stale and
// never needs a manual step. The package must never write into the work tree
// or the repository's objects, and never trusts its own files: a missing,
// truncated or corrupt index is rebuilt without a word.
package index
