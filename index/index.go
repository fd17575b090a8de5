package index

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/ticketdesk/ticket/ticket"
)

// Index is the derived index of one desk.
type Index struct {
	dir  string // <gitdir>/ticket/index
	tag  string // names this desk's files, for desks in a folder of a repository
	root string // the desk folder on disk
	// Lazy leaves tickets undecoded until Result.Load asks, for callers
	// such as search that need only a few of them.
	Lazy bool
}

// Open returns the index of the desk in folder root of the repository whose
// git directory is gitDir; prefix is the desk's folder inside the repository.
// Nothing is read until a load.
func Open(gitDir, root, prefix string) *Index {
	tag := "desk"
	if prefix != "" {
		h := sha256.Sum256([]byte(prefix))
		tag = "desk-" + hex.EncodeToString(h[:6])
	}
	return &Index{dir: filepath.Join(gitDir, "ticket", "index"), tag: tag, root: root}
}

// Dir is the folder holding the index files.
func (ix *Index) Dir() string { return ix.dir }

func (ix *Index) worktreeFile() string { return filepath.Join(ix.dir, ix.tag+".worktree") }
func (ix *Index) blobsFile() string    { return filepath.Join(ix.dir, ix.tag+".blobs") }

// Parser parses one ticket file; path is relative to the desk.
type Parser func(path string, data []byte) (*ticket.Ticket, error)

// File is a ticket file listed at a ref.
type File struct {
	Path string
	Hash string // git blob id
}

// Result is one loaded ticket file: its ticket, or why it could not be read.
type Result struct {
	Path   string
	Ticket *ticket.Ticket
	Err    error

	from *indexFile // where a lazy result decodes from
	rec  int
}

// Load returns the ticket, decoding it from the index when the load was
// lazy.
func (r *Result) Load() (*ticket.Ticket, error) {
	if r.Ticket != nil || r.Err != nil || r.from == nil {
		return r.Ticket, r.Err
	}
	t, err := r.from.decode(&r.from.records[r.rec])
	if err != nil {
		err = errors.New(r.Path + ": " + err.Error() + "; run `ticket index --rebuild`")
	}
	r.Ticket, r.Err = t, err
	return t, err
}

// Decode returns the whole ticket like Load, without keeping it on r.
func (r *Result) Decode() (*ticket.Ticket, error) {
	if r.Ticket != nil || r.Err != nil || r.from == nil {
		return r.Ticket, r.Err
	}
	t, err := r.from.decode(&r.from.records[r.rec])
	if err != nil {
		err = errors.New(r.Path + ": " + err.Error() + "; run `ticket index --rebuild`")
	}
	return t, err
}

// HeadInto is Head decoding into t, so a caller loading many heads can
// allocate them together. A result already loaded copies its ticket.
func (r *Result) HeadInto(t *ticket.Ticket) (ticket.Digest, error) {
	if r.Ticket != nil || r.Err != nil || r.from == nil {
		if r.Ticket == nil {
			return ticket.Digest{}, r.Err
		}
		*t = *r.Ticket
		return ticket.DigestOf(r.Ticket), nil
	}
	d := decoder{meta: r.from.records[r.rec].meta}
	dg := d.headInto(t)
	if d.err != nil {
		return dg, errors.New(r.Path + ": " + d.err.Error() + "; run `ticket index --rebuild`")
	}
	return dg, nil
}

// Status reads only the ticket's status, so a listing can pass over the
// tickets its filter leaves out without decoding them. ok is false when
// the status cannot be read that way; HeadInto then tells why.
func (r *Result) Status() (s ticket.Status, ok bool) {
	if r.Ticket != nil {
		return r.Ticket.Status, true
	}
	if r.Err != nil || r.from == nil {
		return "", false
	}
	d := decoder{meta: r.from.records[r.rec].meta}
	d.str() // id
	d.str() // title
	s = ticket.Status(d.str())
	return s, d.err == nil
}

// Head returns the ticket's front matter, with Entries and Preamble left
// empty, and the digest of its conversation, without reading the
// conversation. A result already loaded returns its whole ticket.
func (r *Result) Head() (*ticket.Ticket, ticket.Digest, error) {
	if r.Ticket != nil || r.Err != nil || r.from == nil {
		if r.Ticket == nil {
			return nil, ticket.Digest{}, r.Err
		}
		return r.Ticket, ticket.DigestOf(r.Ticket), r.Err
	}
	t, dg, err := r.from.head(&r.from.records[r.rec])
	if err != nil {
		err = errors.New(r.Path + ": " + err.Error() + "; run `ticket index --rebuild`")
	}
	return t, dg, err
}

// Stats says what a load did.
type Stats struct {
	Files  int // ticket files listed
	Parsed int // files read and parsed because they were new or changed
	Wrote  bool
}

// Worktree loads every ticket file below tickets/ in the work tree, parsing
// only files whose size, times or inode changed since they were indexed.
func (ix *Index) Worktree(parse Parser) ([]Result, Stats, error) {
	// Decode the index file while the work tree is listed: the listing
	// waits on the kernel, the decoding on the CPU.
	file := ix.worktreeFile()
	prev := make(chan *indexFile, 1)
	go func() {
		old, _ := readIndex(file, kindWorktree)
		prev <- old
	}()
	keys, err := listWorktree(ix.root)
	old := <-prev
	if err != nil {
		return nil, Stats{}, err
	}
	read := func(p string) ([]byte, error) { return os.ReadFile(filepath.Join(ix.root, filepath.FromSlash(p))) }
	return ix.load(file, kindWorktree, old, keys, read, parse)
}

// AtRef loads the ticket files listed at a ref, parsing only blobs the index
// has not seen.
func (ix *Index) AtRef(files []File, read func(path string) ([]byte, error), parse Parser) ([]Result, Stats, error) {
	keys := make([]key, len(files))
	for i, f := range files {
		keys[i] = key{path: f.Path, hash: f.Hash}
	}
	file := ix.blobsFile()
	old, _ := readIndex(file, kindBlobs)
	return ix.load(file, kindBlobs, old, keys, read, parse)
}

// Remove deletes the index files; the next load rebuilds them.
func (ix *Index) Remove() error {
	for _, f := range []string{ix.worktreeFile(), ix.blobsFile()} {
		if err := os.Remove(f); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		removeSegments(f, nil)
	}
	removeDB(ix.searchFile())
	removeDB(ix.searchRefFile())
	return nil
}

// FileStats describes one index file for `ticket index --stats`.
type FileStats struct {
	Name    string
	Path    string
	Entries int
	Bytes   int64
	OK      bool
}

// Files describes the index files as they are on disk.
func (ix *Index) Files() []FileStats {
	var out []FileStats
	for _, f := range []struct {
		name, path string
		kind       uint32
	}{{"work tree", ix.worktreeFile(), kindWorktree}, {"refs", ix.blobsFile(), kindBlobs}} {
		fs := FileStats{Name: f.name, Path: f.path}
		if fi, err := os.Stat(f.path); err == nil {
			fs.Bytes = fi.Size()
		}
		for _, n := range segments(f.path) {
			fs.Bytes += n
		}
		if x, err := readIndex(f.path, f.kind); err == nil {
			fs.Entries, fs.OK = len(x.records), true
		}
		out = append(out, fs)
	}
	for _, f := range []struct{ name, path string }{{"search", ix.searchFile()}, {"search (refs)", ix.searchRefFile()}} {
		fs := FileStats{Name: f.name, Path: f.path}
		fi, err := os.Stat(f.path)
		if err != nil {
			out = append(out, fs)
			continue
		}
		fs.Bytes = fi.Size()
		if wal, err := os.Stat(f.path + "-wal"); err == nil {
			fs.Bytes += wal.Size()
		}
		if s, err := openSearch(f.path); err == nil {
			fs.Entries, err = s.Count()
			fs.OK = err == nil
			s.Close()
		}
		out = append(out, fs)
	}
	return out
}

func workers() int { return max(1, min(runtime.GOMAXPROCS(0), 8)) }

// listWorktree lists tickets/XY/ID.md with the stat data of each file.
func listWorktree(root string) ([]key, error) {
	base := filepath.Join(root, ticket.TicketsDir)
	if fi, err := os.Lstat(base); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		return nil, fmt.Errorf("%s: is a symbolic link; ticket reads no tickets through a link (a pull can bring one in that points anywhere): replace it with the real folder", ticket.TicketsDir)
	}
	shards, err := os.ReadDir(base)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var dirs []string
	for _, s := range shards {
		if s.IsDir() {
			dirs = append(dirs, s.Name())
		}
	}
	parts := make([][]key, len(dirs))
	errs := make([]error, len(dirs))
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var sc scratch
			for i := range next {
				parts[i], errs[i] = listShard(base, dirs[i], &sc)
			}
		}()
	}
	for i := range dirs {
		next <- i
	}
	close(next)
	wg.Wait()
	n := 0
	for i := range parts {
		if errs[i] != nil {
			return nil, errs[i]
		}
		n += len(parts[i])
	}
	out := make([]key, 0, n)
	for i := range parts {
		out = append(out, parts[i]...)
	}
	return out, nil
}

// load is the one algorithm behind both kinds of index: match keys against
// the records of old (the index file as read; nil when it is missing or
// corrupt), parse what is missing or in doubt, write a new file when
// anything changed and point the results into it.
func (ix *Index) load(file string, kind uint32, old *indexFile, keys []key, read func(string) ([]byte, error), parse Parser) ([]Result, Stats, error) {
	st := Stats{Files: len(keys)}
	reread := func(p string) (*ticket.Ticket, error) {
		data, err := read(p)
		if err != nil {
			return nil, err
		}
		return parse(p, data)
	}
	hit := make([]int, len(keys))
	dirty := old == nil
	if old != nil {
		old.reread = reread
		// A record whose segment is gone or too short is parsed again.
		sizes := segments(file)
		usable := func(r *record) bool {
			size, ok := sizes[r.ref.seg]
			return ok && r.ref.off+uint64(r.ref.n) <= uint64(size)
		}
		// A file changed within the second the index was written may
		// change again without its stat changing: check it again (git's
		// "racy" entries).
		racyFrom := old.modTime.Unix()
		match := old.matcher(kind, keys)
		for i, k := range keys {
			hit[i] = -1
			j := match(i)
			if j < 0 {
				dirty = true
				continue
			}
			r := &old.records[j]
			if kind == kindBlobs || (r.sameStat(k) && r.mtime/1e9 < racyFrom) {
				if usable(r) {
					hit[i] = j
				}
			}
			if hit[i] < 0 {
				dirty = true
			}
		}
		if kind == kindWorktree && len(old.records) != len(keys) {
			dirty = true
		}
	} else {
		for i := range hit {
			hit[i] = -1
		}
	}
	out := make([]Result, len(keys))
	for i, k := range keys {
		out[i].Path = k.path
	}
	if !dirty {
		ix.decodeAll(old, hit, out)
		return out, st, nil
	}
	fresh, parsed, err := ix.rewrite(file, kind, old, keys, hit, read, parse, out)
	st.Parsed = parsed
	if err != nil {
		// The index cannot be written (a read-only repository, a full
		// disk): read the files as they are.
		for i, k := range keys {
			if out[i].Err != nil {
				continue
			}
			out[i].Ticket, out[i].Err = reread(k.path)
		}
		return out, st, nil
	}
	fresh.reread = reread
	st.Wrote = true
	match := fresh.matcher(kind, keys)
	for i, k := range keys {
		hit[i] = -1
		if out[i].Err != nil {
			continue
		}
		if j := match(i); j >= 0 {
			hit[i] = j
		} else {
			out[i].Ticket, out[i].Err = reread(k.path)
		}
	}
	ix.decodeAll(fresh, hit, out)
	return out, st, nil
}

func (ix *Index) decodeAll(f *indexFile, hit []int, out []Result) {
	for i := range out {
		if hit[i] >= 0 && out[i].Err == nil {
			out[i].from, out[i].rec = f, hit[i]
		}
	}
	if ix.Lazy {
		return
	}
	parallel(len(out), func(i int) {
		if out[i].from != nil {
			out[i].Load()
		}
	})
}

// parallel calls fn for 0..n-1 on every core.
func parallel(n int, fn func(i int)) {
	w := workers()
	var wg sync.WaitGroup
	for g := range w {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g * n / w; i < (g+1)*n/w; i++ {
				fn(i)
			}
		}()
	}
	wg.Wait()
}

// matcher returns where the record of keys[i] is in f, or -1. A work-tree
// index is written in the order of its listing, sorted by path, so the two
// are walked side by side; an index of refs, or one in another order, is
// looked up in a map.
func (f *indexFile) matcher(kind uint32, keys []key) func(i int) int {
	byPath := func(a, b record) int { return strings.Compare(a.path, b.path) }
	if kind == kindWorktree && slices.IsSortedFunc(f.records, byPath) &&
		slices.IsSortedFunc(keys, func(a, b key) int { return strings.Compare(a.path, b.path) }) {
		j := 0
		return func(i int) int {
			p := keys[i].path
			for j < len(f.records) && f.records[j].path < p {
				j++
			}
			if j < len(f.records) && f.records[j].path == p {
				return j
			}
			return -1
		}
	}
	byKey := make(map[string]int, len(f.records))
	for j := range f.records {
		if kind == kindBlobs {
			byKey[f.records[j].hash] = j
		} else {
			byKey[f.records[j].path] = j
		}
	}
	return func(i int) int {
		id := keys[i].path
		if kind == kindBlobs {
			id = keys[i].hash
		}
		if j, ok := byKey[id]; ok {
			return j
		}
		return -1
	}
}

// rewrite writes a new index holding the unchanged records and the files
// parsed now, and opens it. Files that do not parse get their error in out
// and are not stored, so they are reported again next time.
func (ix *Index) rewrite(file string, kind uint32, old *indexFile, keys []key, hit []int, read func(string) ([]byte, error), parse Parser, out []Result) (*indexFile, int, error) {
	w, err := newWriter(file, kind)
	if err != nil {
		return nil, 0, err
	}
	defer w.abort()
	var misses []int
	for i := range keys {
		if hit[i] < 0 {
			misses = append(misses, i)
		}
	}
	// Workers read, parse and encode; the writer takes one conversation
	// at a time under a lock, so no ticket outlives its turn. The heads
	// wait in one buffer, so the records can be written in the order of
	// keys: a work-tree index is then sorted by path, and the next load
	// matches it against the listing without a map.
	jobs := make(chan int, 64)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var werr error
	type parsed struct {
		from, to int
		ref      blobRef
		ok       bool
	}
	now := make([]parsed, len(keys))
	var heads []byte
	for range workers() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf []byte
			var e encoder
			for i := range jobs {
				var data []byte
				var err error
				if kind == kindWorktree {
					// The parsed ticket is encoded and dropped before
					// the next file, so one buffer serves them all.
					data, err = readFileInto(buf, filepath.Join(ix.root, filepath.FromSlash(keys[i].path)), keys[i].size)
					buf = data
				} else {
					data, err = read(keys[i].path)
				}
				var t *ticket.Ticket
				if err == nil {
					keys[i].sum = crc32.Checksum(data, castagnoli)
					t, err = parse(keys[i].path, data)
				}
				if err != nil {
					out[i].Err = err
					continue
				}
				e.meta, e.body = e.meta[:0], e.body[:0]
				e.ticket(t)
				mu.Lock()
				if werr == nil {
					var ref blobRef
					ref, werr = w.addBlob(e.body)
					from := len(heads)
					heads = append(heads, e.meta...)
					now[i] = parsed{from: from, to: len(heads), ref: ref, ok: werr == nil}
				}
				mu.Unlock()
			}
		}()
	}
	for _, i := range misses {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if werr != nil {
		return nil, len(misses), werr
	}
	// The records kept: those still listed, and for refs those of other
	// refs too, within reason, so switching between two branches does not
	// rebuild each time. j < 0 is a file parsed now (now[i]).
	type kept struct {
		k    key
		j, i int
	}
	keep := make([]kept, 0, len(keys))
	var stored []bool // by old record
	if old != nil {
		stored = make([]bool, len(old.records))
	}
	for i, k := range keys {
		if hit[i] < 0 {
			if now[i].ok {
				keep = append(keep, kept{k, -1, i})
			}
			continue
		}
		if stored[hit[i]] {
			continue
		}
		stored[hit[i]] = true
		rk := k
		if kind == kindWorktree {
			rk = old.records[hit[i]].key
		}
		keep = append(keep, kept{rk, hit[i], i})
	}
	if kind == kindBlobs && old != nil {
		limit := 2*len(keys) + 1000 - len(keep)
		for j := range old.records {
			if limit <= 0 {
				break
			}
			if !stored[j] {
				keep = append(keep, kept{old.records[j].key, j, -1})
				limit--
			}
		}
	}
	// Live bytes by segment; records of one segment mostly come in runs.
	live := map[uint64]uint64{}
	var seg, n uint64
	have := false
	for _, kp := range keep {
		if kp.j < 0 {
			continue
		}
		r := &old.records[kp.j]
		if !have || r.ref.seg != seg {
			if have {
				live[seg] += n
			}
			seg, n, have = r.ref.seg, 0, true
		}
		n += uint64(r.ref.n)
	}
	if have {
		live[seg] += n
	}
	compact := copyAll(file, live)
	for _, kp := range keep {
		if kp.j < 0 {
			p := now[kp.i]
			if err := w.addRecord(kp.k, heads[p.from:p.to], p.ref); err != nil {
				return nil, len(misses), err
			}
			continue
		}
		r := &old.records[kp.j]
		if !compact {
			if err := w.addRecord(kp.k, r.meta, r.ref); err != nil {
				return nil, len(misses), err
			}
			continue
		}
		b, err := old.blob(r)
		if err != nil {
			// Damaged: parse the file again.
			t, err := old.reread(r.path)
			if err != nil {
				continue
			}
			var e encoder
			e.ticket(t)
			if err := w.add(kp.k, e.meta, e.body); err != nil {
				return nil, len(misses), err
			}
			continue
		}
		if err := w.add(kp.k, r.meta, b); err != nil {
			return nil, len(misses), err
		}
	}
	if err := w.finish(); err != nil {
		return nil, len(misses), err
	}
	fresh, err := readIndex(file, kind)
	if err != nil {
		return nil, len(misses), err
	}
	return fresh, len(misses), nil
}

// Key changes whenever the file's content does: the blob id at a ref, a
// checksum and size in the work tree; empty for a file read without the
// index. It is made on demand: a listing never needs it.
func (r *Result) Key() string {
	if r.from == nil {
		return ""
	}
	k := &r.from.records[r.rec].key
	if k.hash != "" {
		return k.hash
	}
	return fmt.Sprintf("%08x.%d", k.sum, k.size)
}
