// Package desk joins the domain to the repository: it opens a desk (its git
// store and committed configuration), loads tickets from the work tree or any
// ref, resolves the id prefixes people type, and saves changes as one commit
// under the desk's lock.
//
// It holds no command-line concerns (flags, printing) and no git plumbing of
// its own: reading and committing go through gitstore.
package desk
