package gitstore

import (
	"bufio"
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"
)

// The git index is rewritten by splicing bytes rather than through go-git's
// encoder, which costs a full re-encode and drops the cached trees (TREE)
// that keep the user's next `git commit` fast. See Documentation/gitformat-index.

// errIndexFallback marks index features the splice does not handle (version
// 4 path compression, split and sparse indexes); updateIndexSlow takes over.
var errIndexFallback = errors.New("index needs the slow update path")

const (
	indexHeaderLen = 12
	indexHashLen   = 20
	entryFixedLen  = 62 // stat data, hash and flags of a version 2 entry
	flagExtended   = 0x4000
	nameMask       = 0xfff
)

// indexUpdate replaces every stage of name by entry, or removes them when
// entry is nil.
type indexUpdate struct {
	name  string
	entry []byte
}

func indexUpdates(ps []pending) []indexUpdate {
	ups := make([]indexUpdate, len(ps))
	for i, p := range ps {
		ups[i].name = p.full
		if !p.del {
			ups[i].entry = encodeIndexEntry(p.full, p.mode, p.blob, p.stat)
		}
	}
	return ups
}

// encodeIndexEntry lays out a version 2 entry: stat data so git trusts the
// file unchanged without hashing it, then hash, flags, name and padding.
func encodeIndexEntry(name string, mode filemode.FileMode, h plumbing.Hash, st statData) []byte {
	b := make([]byte, (entryFixedLen+len(name)+8)&^7)
	be := binary.BigEndian
	for i, v := range []uint32{st.ctimeSec, st.ctimeNsec, st.mtimeSec, st.mtimeNsec,
		st.dev, st.ino, uint32(mode), st.uid, st.gid, st.size} {
		be.PutUint32(b[4*i:], v)
	}
	copy(b[40:60], h[:])
	n := len(name)
	if n > nameMask {
		n = nameMask
	}
	be.PutUint16(b[60:], uint16(n))
	copy(b[62:], name)
	return b
}

// rawIndex is a parsed view of an index file: where each entry starts and
// where its name lies, without copying anything.
type rawIndex struct {
	data      []byte
	version   uint32
	offs      []int // entry starts, plus the end of the entries
	nameStart []int
	nameLen   []int
	extEnd    int // where extensions stop and the trailing hash begins
}

func parseIndex(data []byte) (*rawIndex, error) {
	if len(data) < indexHeaderLen+indexHashLen || string(data[:4]) != "DIRC" {
		return nil, errors.New("not a git index file")
	}
	be := binary.BigEndian
	ri := &rawIndex{data: data, version: be.Uint32(data[4:]), extEnd: len(data) - indexHashLen}
	switch ri.version {
	case 2, 3:
	case 4:
		return nil, errIndexFallback
	default:
		return nil, fmt.Errorf("unsupported index version %d", ri.version)
	}
	n := int(be.Uint32(data[8:]))
	if n > len(data)/entryFixedLen {
		return nil, errors.New("corrupt index: entry count too large")
	}
	ri.offs = make([]int, n+1)
	ri.nameStart = make([]int, n)
	ri.nameLen = make([]int, n)
	off := indexHeaderLen
	for i := 0; i < n; i++ {
		if off+entryFixedLen > ri.extEnd {
			return nil, errors.New("corrupt index: truncated entry")
		}
		flags := be.Uint16(data[off+60:])
		ns := off + entryFixedLen
		if flags&flagExtended != 0 {
			if ri.version < 3 {
				return nil, errors.New("corrupt index: extended flags in version 2")
			}
			ns += 2
		}
		nl := int(flags & nameMask)
		if nl == nameMask {
			k := bytes.IndexByte(data[ns:ri.extEnd], 0)
			if k < 0 {
				return nil, errors.New("corrupt index: unterminated name")
			}
			nl = k
		}
		size := (ns - off + nl + 8) &^ 7
		if off+size > ri.extEnd {
			return nil, errors.New("corrupt index: truncated entry")
		}
		ri.offs[i], ri.nameStart[i], ri.nameLen[i] = off, ns, nl
		off += size
	}
	ri.offs[n] = off
	return ri, nil
}

func (ri *rawIndex) count() int { return len(ri.offs) - 1 }

func (ri *rawIndex) name(i int) []byte {
	return ri.data[ri.nameStart[i] : ri.nameStart[i]+ri.nameLen[i]]
}

// search returns the first entry whose name is not below name; the index is
// sorted by name bytes, then stage.
func (ri *rawIndex) search(name string) int {
	return sort.Search(ri.count(), func(i int) bool { return string(ri.name(i)) >= name })
}

func (ri *rawIndex) has(name string) bool {
	i := ri.search(name)
	return i < ri.count() && string(ri.name(i)) == name
}

// hasUnder reports whether some entry lies inside the folder dir.
func (ri *rawIndex) hasUnder(dir string) bool {
	i := ri.search(dir + "/")
	return i < ri.count() && strings.HasPrefix(string(ri.name(i)), dir+"/")
}

// spliceIndex writes to w the index old with the entries of ups inserted,
// replaced or removed, the cached trees along their paths invalidated, and
// extensions it cannot keep consistent dropped. Untouched runs of entries
// are written straight from old, never copied.
func spliceIndex(old []byte, ups []indexUpdate, w io.Writer) error {
	ri, err := parseIndex(old)
	if err != nil {
		return err
	}
	for _, u := range ups {
		if u.entry == nil {
			continue
		}
		for d := parentDir(u.name); d != ""; d = parentDir(d) {
			if ri.has(d) {
				return fmt.Errorf("%s: the index holds a file %s where a folder is needed", u.name, d)
			}
		}
		if ri.hasUnder(u.name) {
			return fmt.Errorf("%s: the index holds a folder of that name", u.name)
		}
	}

	header := append([]byte(nil), old[:indexHeaderLen]...)
	segs := [][]byte{header}
	n := ri.count()
	count, prev := n, 0
	for _, u := range ups {
		i := ri.search(u.name)
		if i < prev {
			return errors.New("index updates out of order")
		}
		j := i
		for j < n && string(ri.name(j)) == u.name {
			j++
		}
		segs = append(segs, old[ri.offs[prev]:ri.offs[i]])
		count -= j - i
		if u.entry != nil {
			segs = append(segs, u.entry)
			count++
		}
		prev = j
	}
	segs = append(segs, old[ri.offs[prev]:ri.offs[n]])
	binary.BigEndian.PutUint32(header[8:], uint32(count))

	be := binary.BigEndian
	for off := ri.offs[n]; off < ri.extEnd; {
		if off+8 > ri.extEnd {
			return errors.New("corrupt index: truncated extension")
		}
		sig := string(old[off : off+4])
		size := int(be.Uint32(old[off+4:]))
		if size < 0 || off+8+size > ri.extEnd {
			return fmt.Errorf("corrupt index: extension %q overruns the file", sig)
		}
		raw := old[off : off+8+size]
		data := raw[8:]
		off += 8 + size
		switch {
		case sig == "TREE":
			ct, err := parseCacheTree(data)
			if err != nil {
				return err
			}
			for _, u := range ups {
				ct.invalidate(u.name)
			}
			var buf bytes.Buffer
			ct.encode(&buf)
			segs = append(segs, appendExtension(nil, sig, buf.Bytes()))
		case sig == "REUC":
			// Resolve-undo records stay valid: they describe past conflicts.
			segs = append(segs, raw)
		case sig[0] >= 'A' && sig[0] <= 'Z':
			// Optional (UNTR, FSMN, EOIE, IEOT, ...); its offsets or
			// validity would be stale, and git rebuilds it when wanted.
		default:
			// A required extension (split "link", sparse "sdir", or one we
			// do not know) must be kept consistent by git itself.
			return errIndexFallback
		}
	}
	sum := sha1.New()
	bw := bufio.NewWriterSize(w, 64<<10)
	for _, sg := range segs {
		sum.Write(sg)
		if _, err := bw.Write(sg); err != nil {
			return err
		}
	}
	if _, err := bw.Write(sum.Sum(nil)); err != nil {
		return err
	}
	return bw.Flush()
}

func appendExtension(out []byte, sig string, data []byte) []byte {
	out = append(out, sig...)
	out = binary.BigEndian.AppendUint32(out, uint32(len(data)))
	return append(out, data...)
}

func parentDir(p string) string {
	i := strings.LastIndexByte(p, '/')
	if i < 0 {
		return ""
	}
	return p[:i]
}

// cacheTree is a node of the TREE extension: a folder, how many index
// entries it covers (-1 once invalid) and, when valid, its tree hash.
type cacheTree struct {
	name  string
	count int
	hash  []byte
	subs  []*cacheTree
}

func parseCacheTree(data []byte) (*cacheTree, error) {
	t, rest, err := parseCacheTreeNode(data)
	if err != nil {
		return nil, err
	}
	if len(rest) != 0 {
		return nil, errors.New("corrupt index: trailing bytes in TREE extension")
	}
	return t, nil
}

func parseCacheTreeNode(data []byte) (*cacheTree, []byte, error) {
	bad := errors.New("corrupt index: malformed TREE extension")
	i := bytes.IndexByte(data, 0)
	if i < 0 {
		return nil, nil, bad
	}
	t := &cacheTree{name: string(data[:i])}
	data = data[i+1:]
	sp := bytes.IndexByte(data, ' ')
	nl := bytes.IndexByte(data, '\n')
	if sp < 0 || nl < sp {
		return nil, nil, bad
	}
	count, err1 := strconv.Atoi(string(data[:sp]))
	nsub, err2 := strconv.Atoi(string(data[sp+1 : nl]))
	if err1 != nil || err2 != nil || nsub < 0 {
		return nil, nil, bad
	}
	t.count = count
	data = data[nl+1:]
	if count >= 0 {
		if len(data) < indexHashLen {
			return nil, nil, bad
		}
		t.hash, data = data[:indexHashLen], data[indexHashLen:]
	}
	for k := 0; k < nsub; k++ {
		var sub *cacheTree
		var err error
		if sub, data, err = parseCacheTreeNode(data); err != nil {
			return nil, nil, err
		}
		t.subs = append(t.subs, sub)
	}
	return t, data, nil
}

// invalidate marks the root and every cached folder on the way to p as
// changed, exactly as git does when it touches an entry.
func (t *cacheTree) invalidate(p string) {
	node := t
	node.count, node.hash = -1, nil
	for {
		dir, rest, more := strings.Cut(p, "/")
		if !more {
			return
		}
		var next *cacheTree
		for _, s := range node.subs {
			if s.name == dir {
				next = s
				break
			}
		}
		if next == nil {
			return
		}
		next.count, next.hash = -1, nil
		node, p = next, rest
	}
}

func (t *cacheTree) encode(b *bytes.Buffer) {
	b.WriteString(t.name)
	b.WriteByte(0)
	fmt.Fprintf(b, "%d %d\n", t.count, len(t.subs))
	if t.count >= 0 {
		b.Write(t.hash)
	}
	for _, s := range t.subs {
		s.encode(b)
	}
}

// indexFromTree builds a fresh index (none existed) listing every file of
// tree. Files other than the ones just written get empty stat data, which
// makes git hash them once instead of wrongly trusting them.
func (s *Store) indexFromTree(tree plumbing.Hash, ps []pending) ([]byte, error) {
	stats := make(map[string]statData, len(ps))
	for _, p := range ps {
		if !p.del {
			stats[p.full] = p.stat
		}
	}
	type file struct {
		name string
		mode filemode.FileMode
		hash plumbing.Hash
	}
	var files []file
	tr := newTrees(s.repo.Storer)
	var walk func(h plumbing.Hash, dir string) error
	walk = func(h plumbing.Hash, dir string) error {
		t, err := tr.get(h)
		if err != nil {
			return err
		}
		for _, e := range t.Entries {
			p := joinPrefix(dir, e.Name)
			if e.Mode == filemode.Dir {
				if err := walk(e.Hash, p); err != nil {
					return err
				}
				continue
			}
			files = append(files, file{p, e.Mode, e.Hash})
		}
		return nil
	}
	if err := walk(tree, ""); err != nil {
		return nil, err
	}
	sort.Slice(files, func(i, j int) bool { return files[i].name < files[j].name })
	out := []byte("DIRC")
	out = binary.BigEndian.AppendUint32(out, 2)
	out = binary.BigEndian.AppendUint32(out, uint32(len(files)))
	for _, f := range files {
		out = append(out, encodeIndexEntry(f.name, f.mode, f.hash, stats[f.name])...)
	}
	sum := sha1.Sum(out)
	return append(out, sum[:]...), nil
}

// fileLock is git's lock protocol: create path.lock exclusively, write the new
// content into it, rename it over path. An existing lock means git is busy.
type fileLock struct {
	path, lock string
	f          *os.File
	done       bool
}

func lockFile(path string) (*fileLock, error) {
	lock := path + ".lock"
	deadline := time.Now().Add(time.Second)
	for {
		f, err := os.OpenFile(lock, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
		if err == nil {
			return &fileLock{path: path, lock: lock, f: f}, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("%s exists: another git process seems to be running in this repository; if not, remove the file", lock)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (l *fileLock) Write(p []byte) (int, error) { return l.f.Write(p) }

// commit makes what was written to the lock file the new content of path.
func (l *fileLock) commit() error {
	if l.done {
		return fmt.Errorf("%s: lock already released", l.path)
	}
	l.done = true
	err := l.f.Close()
	if err == nil {
		err = os.Rename(l.lock, l.path)
	}
	if err != nil {
		os.Remove(l.lock)
		return fmt.Errorf("write %s: %w", l.path, err)
	}
	return nil
}

func (l *fileLock) rollback() {
	if l.done {
		return
	}
	l.done = true
	l.f.Close()
	os.Remove(l.lock)
}

// updateIndexSlow handles indexes the splice cannot: with the git CLI when
// it is installed (it understands every index format), else by a full
// re-encode through go-git, which drops the cached trees.
func (s *Store) updateIndexSlow(indexFile string, ps []pending) error {
	if gitBin, err := exec.LookPath("git"); err == nil {
		var in bytes.Buffer
		for _, p := range ps {
			in.WriteString(p.full)
			in.WriteByte(0)
		}
		cmd := exec.Command(gitBin, "update-index", "--add", "--remove", "-z", "--stdin")
		cmd.Dir = s.root
		cmd.Env = append(os.Environ(), "GIT_DIR="+s.gitDir, "GIT_WORK_TREE="+s.root)
		cmd.Stdin = &in
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("%s: git update-index: %v: %s", indexFile, err, bytes.TrimSpace(out))
		}
		return nil
	}
	lk, err := lockFile(indexFile)
	if err != nil {
		return err
	}
	defer lk.rollback()
	old, err := os.ReadFile(indexFile)
	if err != nil {
		return fmt.Errorf("read %s: %w", indexFile, err)
	}
	if isSplitOrSparse(old) {
		return fmt.Errorf("%s: split or sparse index needs the git command to update", indexFile)
	}
	idx := &index.Index{}
	if err := index.NewDecoder(bytes.NewReader(old)).Decode(idx); err != nil {
		return fmt.Errorf("%s: %w", indexFile, err)
	}
	drop := make(map[string]bool, len(ps))
	for _, p := range ps {
		drop[p.full] = true
	}
	kept := idx.Entries[:0]
	for _, e := range idx.Entries {
		if !drop[e.Name] {
			kept = append(kept, e)
		}
	}
	idx.Entries = kept
	for _, p := range ps {
		if p.del {
			continue
		}
		idx.Entries = append(idx.Entries, &index.Entry{
			Hash:       p.blob,
			Name:       p.full,
			CreatedAt:  time.Unix(int64(p.stat.ctimeSec), int64(p.stat.ctimeNsec)),
			ModifiedAt: time.Unix(int64(p.stat.mtimeSec), int64(p.stat.mtimeNsec)),
			Dev:        p.stat.dev,
			Inode:      p.stat.ino,
			Mode:       p.mode,
			UID:        p.stat.uid,
			GID:        p.stat.gid,
			Size:       p.stat.size,
		})
	}
	sort.SliceStable(idx.Entries, func(i, j int) bool {
		a, b := idx.Entries[i], idx.Entries[j]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Stage < b.Stage
	})
	idx.Cache = nil
	idx.EndOfIndexEntry = nil
	if err := index.NewEncoder(lk).Encode(idx); err != nil {
		return fmt.Errorf("%s: %w", indexFile, err)
	}
	return lk.commit()
}

// isSplitOrSparse looks for the extensions go-git cannot carry through.
func isSplitOrSparse(data []byte) bool {
	ri, err := parseIndex(data)
	if err != nil {
		return false // version 4: go-git decodes it
	}
	be := binary.BigEndian
	for off := ri.offs[ri.count()]; off+8 <= ri.extEnd; {
		sig := string(data[off : off+4])
		if sig == "link" || sig == "sdir" {
			return true
		}
		off += 8 + int(be.Uint32(data[off+4:]))
	}
	return false
}
