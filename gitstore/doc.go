// Package gitstore is everything ticket does with git: it finds a desk (a
// folder holding .ticket/, possibly inside a larger code repository), reads
// desk files from the work tree or from any revision, commits changes and
// walks a file's history.
//
// It is the only package that imports go-git, and it deals only in paths and
// bytes: it knows nothing of tickets. It must stay fast on desks of 100,000
// files, so it never scans the work tree: a commit writes the changed blobs,
// rebuilds only the trees along the changed paths, moves the branch with a
// compare-and-swap and splices just the changed entries into the git index,
// keeping git's cached trees for the rest. It never triggers a repack or gc,
// never runs clean/smudge filters (such as Git LFS) on the files it writes,
// and never touches files other than the ones it is asked to change.
//
// A Store is not safe for concurrent use; processes that write take Lock.
package gitstore
