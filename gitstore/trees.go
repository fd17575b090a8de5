package gitstore

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// trees decodes tree objects once each; history walks and path lookups
// revisit the same subtrees over and over.
type trees struct {
	st    storer.EncodedObjectStorer
	cache map[plumbing.Hash]*object.Tree
}

func newTrees(st storer.EncodedObjectStorer) *trees {
	return &trees{st: st, cache: make(map[plumbing.Hash]*object.Tree)}
}

func (t *trees) get(h plumbing.Hash) (*object.Tree, error) {
	if tr, ok := t.cache[h]; ok {
		return tr, nil
	}
	o, err := t.st.EncodedObject(plumbing.TreeObject, h)
	if err != nil {
		return nil, fmt.Errorf("tree %s: %w", h, err)
	}
	tr, err := object.DecodeTree(t.st, o)
	if err != nil {
		return nil, fmt.Errorf("tree %s: %w", h, err)
	}
	t.cache[h] = tr
	return tr, nil
}

// lookup resolves a slash-separated path below the tree root, one component
// at a time; ok is false when the path does not exist.
func (t *trees) lookup(root plumbing.Hash, p string) (object.TreeEntry, bool, error) {
	cur := root
	for {
		name, rest, more := strings.Cut(p, "/")
		tr, err := t.get(cur)
		if err != nil {
			return object.TreeEntry{}, false, err
		}
		e, ok := findEntry(tr.Entries, name)
		if !ok {
			return object.TreeEntry{}, false, nil
		}
		if !more {
			return e, true, nil
		}
		if e.Mode != filemode.Dir {
			return object.TreeEntry{}, false, nil
		}
		cur, p = e.Hash, rest
	}
}

// findEntry searches a tree's entries, which git sorts as if directory names
// ended in "/", so a plain scan is the honest choice for small trees and a
// binary search on the file-or-directory key for large ones.
func findEntry(es []object.TreeEntry, name string) (object.TreeEntry, bool) {
	if len(es) < 16 {
		for _, e := range es {
			if e.Name == name {
				return e, true
			}
		}
		return object.TreeEntry{}, false
	}
	for _, key := range [2]string{name, name + "/"} {
		i := sort.Search(len(es), func(i int) bool { return entryKey(es[i]) >= key })
		if i < len(es) && es[i].Name == name {
			return es[i], true
		}
	}
	return object.TreeEntry{}, false
}

// entryKey is the string git sorts tree entries by.
func entryKey(e object.TreeEntry) string {
	if e.Mode == filemode.Dir {
		return e.Name + "/"
	}
	return e.Name
}

func sortEntries(es []object.TreeEntry) {
	sort.Slice(es, func(i, j int) bool { return entryKey(es[i]) < entryKey(es[j]) })
}

// pathLookup resolves one fixed path in many trees, as a history walk does.
// Each tree is asked for a single name, so the raw tree is scanned for it
// instead of decoded, and only the answer is remembered.
type pathLookup struct {
	st    storer.EncodedObjectStorer
	parts []string
	found map[plumbing.Hash]plumbing.Hash // tree -> child on the path, zero if none
}

func newPathLookup(st storer.EncodedObjectStorer, p string) *pathLookup {
	return &pathLookup{st: st, parts: strings.Split(p, "/"), found: make(map[plumbing.Hash]plumbing.Hash)}
}

// at returns the object at the path below root, zero when absent.
func (l *pathLookup) at(root plumbing.Hash) (plumbing.Hash, error) {
	cur := root
	for _, name := range l.parts {
		next, ok := l.found[cur]
		if !ok {
			var err error
			if next, err = l.child(cur, name); err != nil {
				return plumbing.ZeroHash, err
			}
			l.found[cur] = next
		}
		if next.IsZero() {
			return next, nil
		}
		cur = next
	}
	return cur, nil
}

// child scans a tree object (entries of "mode SP name NUL hash") for name.
// A file where a folder is expected counts as absent only if it is not the
// last component, which the caller sees as the path leading nowhere.
func (l *pathLookup) child(tree plumbing.Hash, name string) (plumbing.Hash, error) {
	o, err := l.st.EncodedObject(plumbing.TreeObject, tree)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("tree %s: %w", tree, err)
	}
	r, err := o.Reader()
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("tree %s: %w", tree, err)
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("tree %s: %w", tree, err)
	}
	for len(data) > 0 {
		sp := bytes.IndexByte(data, ' ')
		if sp < 0 {
			break
		}
		rest := data[sp+1:]
		nul := bytes.IndexByte(rest, 0)
		if nul < 0 || len(rest) < nul+1+20 {
			break
		}
		if string(rest[:nul]) == name {
			var h plumbing.Hash
			copy(h[:], rest[nul+1:nul+21])
			return h, nil
		}
		data = rest[nul+21:]
	}
	return plumbing.ZeroHash, nil
}
