package index

import (
	"bufio"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ticketdesk/ticket/ticket"
)

// An index is an index file and the segment files it points into.
//
// The index file: a 64-byte header, then one record per ticket file, checked
// by a CRC-32C; a file that fails any check is ignored and rebuilt.
//
//	0  magic "tktindex"
//	8  version u32, kind u32, count u32, reserved u32
//	24 record section length u64, reserved u64
//	40 record CRC u32, reserved u32, reserved u64
//	56 header CRC u32 (of bytes 0..56), reserved u32
//
// A record is the file's key (path, blob id, stat data, checksum), the
// ticket's head (codec.go) and where its conversation lies: the segment, the
// offset and length in it and the CRC-32C of those bytes (24 bytes, fixed).
//
// Segments (<index file>.<id>.seg) hold conversations back to back and are
// never changed once renamed into place. A load that parses changed files
// writes their conversations to one new segment and copies the other
// records as they are, so a pull of 100 changed tickets writes 100
// conversations, not 100,000. Segments no record points to are deleted;
// when too much of the segments is dead, the live conversations are copied
// into the new one.
const (
	magic      = "tktindex"
	version    = 2
	headerSize = 64
	refSize    = 24
)

// Kinds of index file.
const (
	kindWorktree = 1
	kindBlobs    = 2
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// key tells whether a stored record still describes a file.
type key struct {
	path  string
	hash  string // git blob id, for files read at a ref
	size  int64
	mtime int64 // nanoseconds
	ctime int64
	ino   uint64
	sum   uint32 // CRC-32C of the file's bytes, for the search store
}

func (k key) sameStat(o key) bool {
	return k.size == o.size && k.mtime == o.mtime && k.ctime == o.ctime && k.ino == o.ino
}

// blobRef is where a conversation lies.
type blobRef struct {
	seg uint64
	off uint64
	n   uint32
	crc uint32
}

// record is one indexed ticket file: its key, the encoded head and where
// its conversation is.
type record struct {
	key
	meta []byte
	ref  blobRef
}

// indexFile is a loaded index file.
type indexFile struct {
	path     string
	records  []record
	modTime  time.Time // when it was written, to spot racy entries
	fileSize int64

	mu   sync.Mutex
	segs map[uint64]*os.File // segments, opened on first use
	// reread parses a file again when its conversation cannot be read
	// (a segment deleted by a concurrent rewrite, or damaged).
	reread func(path string) (*ticket.Ticket, error)
}

func segmentPath(file string, id uint64) string {
	return file + "." + fmt.Sprintf("%016x", id) + ".seg"
}

// segment opens a segment file. Segments are read, not mapped: a report
// reading most conversations once would otherwise keep every page of
// them resident.
func (f *indexFile) segment(id uint64) (*os.File, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if fh, ok := f.segs[id]; ok {
		return fh, nil
	}
	fh, err := os.Open(segmentPath(f.path, id))
	if err != nil {
		return nil, err
	}
	if f.segs == nil {
		f.segs = map[uint64]*os.File{}
	}
	f.segs[id] = fh
	return fh, nil
}

// blob reads a record's conversation, checked. The decoded ticket's
// strings point into the returned buffer.
func (f *indexFile) blob(r *record) ([]byte, error) {
	seg, err := f.segment(r.ref.seg)
	if err != nil {
		return nil, err
	}
	b := make([]byte, r.ref.n)
	if _, err := seg.ReadAt(b, int64(r.ref.off)); err != nil {
		return nil, errCorrupt
	}
	if crc32.Checksum(b, castagnoli) != r.ref.crc {
		return nil, errCorrupt
	}
	return b, nil
}

// head decodes a record's front matter and digest.
func (f *indexFile) head(r *record) (*ticket.Ticket, ticket.Digest, error) {
	d := decoder{meta: r.meta}
	t, dg := d.head()
	if d.err != nil {
		return nil, dg, d.err
	}
	return t, dg, nil
}

// decode decodes the whole ticket, reading the file again when its
// conversation cannot be read from the segment.
func (f *indexFile) decode(r *record) (*ticket.Ticket, error) {
	t, dg, err := f.head(r)
	if err != nil {
		return nil, err
	}
	if err := f.entries(r, t, dg); err != nil {
		if f.reread != nil {
			return f.reread(r.path)
		}
		return nil, err
	}
	return t, nil
}

// entries fills in the conversation of t, decoded from r's head.
func (f *indexFile) entries(r *record, t *ticket.Ticket, dg ticket.Digest) error {
	b, err := f.blob(r)
	if err != nil {
		return err
	}
	if dg.Entries > len(b) {
		return errCorrupt
	}
	d := decoder{meta: b}
	d.entries(t, dg.Entries)
	if d.err != nil || len(d.meta) != 0 {
		return errCorrupt
	}
	return nil
}

var errBadIndex = errors.New("index file is damaged")

// readIndex opens and checks an index file; any problem reads as "no index".
func readIndex(path string, kind uint32) (*indexFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if fi.Size() < headerSize {
		return nil, errBadIndex
	}
	data, err := mapFile(f, fi.Size())
	if err != nil {
		return nil, err
	}
	h := data[:headerSize]
	le := binary.LittleEndian
	if string(h[:8]) != magic || le.Uint32(h[8:]) != version || le.Uint32(h[12:]) != kind ||
		crc32.Checksum(h[:56], castagnoli) != le.Uint32(h[56:]) {
		return nil, errBadIndex
	}
	count := le.Uint32(h[16:])
	metaLen := le.Uint64(h[24:])
	if metaLen != uint64(fi.Size())-headerSize {
		return nil, errBadIndex
	}
	meta := data[headerSize:]
	if crc32.Checksum(meta, castagnoli) != le.Uint32(h[40:]) {
		return nil, errBadIndex
	}
	ix := &indexFile{path: path, modTime: fi.ModTime(), fileSize: fi.Size()}
	if uint64(count) > metaLen/refSize {
		return nil, errBadIndex
	}
	ix.records = make([]record, count)
	d := decoder{meta: meta}
	for i := range ix.records {
		r := &ix.records[i]
		r.path = d.str()
		r.hash = d.str()
		r.size = int64(d.uint())
		r.mtime = int64(d.uint())
		r.ctime = int64(d.uint())
		r.ino = d.uint()
		r.sum = uint32(d.uint())
		n := d.uint()
		if d.err != nil || n+refSize > uint64(len(d.meta)) {
			return nil, errBadIndex
		}
		r.meta = d.meta[:n:n]
		ref := d.meta[n : n+refSize]
		r.ref = blobRef{seg: le.Uint64(ref), off: le.Uint64(ref[8:]), n: le.Uint32(ref[16:]), crc: le.Uint32(ref[20:])}
		d.meta = d.meta[n+refSize:]
	}
	if d.err != nil || len(d.meta) != 0 {
		return nil, errBadIndex
	}
	return ix, nil
}

// writer streams a new index file and one new segment; nothing of the
// rebuild is held in memory.
type writer struct {
	path     string
	kind     uint32
	f        *os.File
	fw       *bufio.Writer
	metaCRC  hash.Hash32
	metaLen  uint64
	count    uint32
	rec      []byte
	seg      *os.File // created on the first conversation
	sw       *bufio.Writer
	segID    uint64
	segLen   uint64
	used     map[uint64]bool // segments the new file points into
	finished bool
}

func newWriter(path string, kind uint32) (*writer, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return nil, err
	}
	var id [8]byte
	rand.Read(id[:])
	w := &writer{path: path, kind: kind, f: f, fw: bufio.NewWriterSize(f, 1<<16),
		metaCRC: crc32.New(castagnoli), used: map[uint64]bool{},
		segID: binary.LittleEndian.Uint64(id[:]) | 1}
	var zero [headerSize]byte
	w.fw.Write(zero[:])
	return w, nil
}

// addBlob appends a conversation to the new segment.
func (w *writer) addBlob(b []byte) (blobRef, error) {
	if w.seg == nil {
		f, err := os.CreateTemp(filepath.Dir(w.path), ".tmp-segment-*")
		if err != nil {
			return blobRef{}, err
		}
		w.seg, w.sw = f, bufio.NewWriterSize(f, 1<<16)
	}
	ref := blobRef{seg: w.segID, off: w.segLen, n: uint32(len(b)), crc: crc32.Checksum(b, castagnoli)}
	if uint64(len(b)) > 1<<31 {
		return blobRef{}, errors.New("ticket too large to index")
	}
	if _, err := w.sw.Write(b); err != nil {
		return blobRef{}, err
	}
	w.segLen += uint64(len(b))
	return ref, nil
}

// addRecord appends one record whose conversation is already in a segment.
func (w *writer) addRecord(k key, meta []byte, ref blobRef) error {
	e := encoder{meta: w.rec[:0]}
	e.str(k.path)
	e.str(k.hash)
	e.uint(uint64(k.size))
	e.uint(uint64(k.mtime))
	e.uint(uint64(k.ctime))
	e.uint(k.ino)
	e.uint(uint64(k.sum))
	e.uint(uint64(len(meta)))
	e.meta = append(e.meta, meta...)
	le := binary.LittleEndian
	e.meta = le.AppendUint64(e.meta, ref.seg)
	e.meta = le.AppendUint64(e.meta, ref.off)
	e.meta = le.AppendUint32(e.meta, ref.n)
	e.meta = le.AppendUint32(e.meta, ref.crc)
	w.rec = e.meta
	w.metaCRC.Write(e.meta)
	if _, err := w.fw.Write(e.meta); err != nil {
		return err
	}
	w.metaLen += uint64(len(e.meta))
	w.count++
	w.used[ref.seg] = true
	return nil
}

// add appends a freshly encoded ticket: its head and its conversation.
func (w *writer) add(k key, meta, body []byte) error {
	ref, err := w.addBlob(body)
	if err != nil {
		return err
	}
	return w.addRecord(k, meta, ref)
}

// abort removes the temporary files.
func (w *writer) abort() {
	if w.finished {
		return
	}
	w.finished = true
	w.f.Close()
	os.Remove(w.f.Name())
	if w.seg != nil {
		w.seg.Close()
		os.Remove(w.seg.Name())
	}
}

// finish renames the segment and then the index file into place, and
// deletes the segments nothing points to any more.
func (w *writer) finish() error {
	defer w.abort()
	if w.seg != nil {
		if err := w.sw.Flush(); err != nil {
			return err
		}
		if err := w.seg.Close(); err != nil {
			return err
		}
		if err := os.Rename(w.seg.Name(), segmentPath(w.path, w.segID)); err != nil {
			return err
		}
		w.seg = nil
	}
	if err := w.fw.Flush(); err != nil {
		return err
	}
	var h [headerSize]byte
	le := binary.LittleEndian
	copy(h[:], magic)
	le.PutUint32(h[8:], version)
	le.PutUint32(h[12:], w.kind)
	le.PutUint32(h[16:], w.count)
	le.PutUint64(h[24:], w.metaLen)
	le.PutUint32(h[40:], w.metaCRC.Sum32())
	le.PutUint32(h[56:], crc32.Checksum(h[:56], castagnoli))
	if _, err := w.f.WriteAt(h[:], 0); err != nil {
		return err
	}
	if err := w.f.Close(); err != nil {
		return err
	}
	if err := os.Rename(w.f.Name(), w.path); err != nil {
		return err
	}
	removeSegments(w.path, w.used)
	removeStaleTemps(filepath.Dir(w.path))
	return nil
}

// staleTemp is how old a temporary file must be before a writer takes it
// for one a killed process left behind. Writing even a 100,000-ticket
// index takes seconds, so a live writer's file is never this old.
const staleTemp = time.Hour

// removeStaleTemps deletes the ".tmp-" files (index files and segments
// being written) that a process killed mid-write left in dir. Writers run
// without a lock, so a file is only taken for stale by its age.
func removeStaleTemps(dir string) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	cutoff := time.Now().Add(-staleTemp)
	for _, e := range ents {
		if !strings.HasPrefix(e.Name(), ".tmp-") || !e.Type().IsRegular() {
			continue
		}
		if fi, err := e.Info(); err == nil && fi.ModTime().Before(cutoff) {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// segments lists the segment files of an index file with their sizes.
func segments(file string) map[uint64]int64 {
	ents, err := os.ReadDir(filepath.Dir(file))
	if err != nil {
		return nil
	}
	prefix := filepath.Base(file) + "."
	out := map[uint64]int64{}
	for _, e := range ents {
		name := e.Name()
		if !strings.HasPrefix(name, prefix) || !strings.HasSuffix(name, ".seg") {
			continue
		}
		id, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimPrefix(name, prefix), ".seg"), 16, 64)
		if err != nil {
			continue
		}
		var size int64
		if fi, err := e.Info(); err == nil {
			size = fi.Size()
		}
		out[id] = size
	}
	return out
}

// removeSegments deletes the segments of file not in keep (all when keep is
// nil). A process still reading an older index file finds its segment gone
// and parses the ticket file again.
func removeSegments(file string, keep map[uint64]bool) {
	for id := range segments(file) {
		if !keep[id] {
			os.Remove(segmentPath(file, id))
		}
	}
}

// copyAll reports whether r's segments hold so much that no record points
// to that the live conversations should be copied into a new segment.
func copyAll(file string, live map[uint64]uint64) bool {
	sizes := segments(file)
	var total, used uint64
	for id, n := range live {
		total += uint64(sizes[id])
		used += n
	}
	return len(live) > 8 || total > 2*used+1<<20
}
