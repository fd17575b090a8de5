package index

import (
	"bufio"
	"encoding/binary"
	"errors"
	"hash"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/ticketdesk/ticket/ticket"
)

// The file: a 64-byte header, the body section (entry bodies and preambles)
// and the record section (keys and ticket fields). Both sections carry a
// CRC-32C; a file that fails any check is ignored and rebuilt.
//
//	0  magic "tktindex"
//	8  version u32, kind u32, count u32, reserved u32
//	24 record section length u64, body section length u64
//	40 record CRC u32, body CRC u32, reserved u64
//	56 header CRC u32 (of bytes 0..56), reserved u32
const (
	magic      = "tktindex"
	version    = 1
	headerSize = 64
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

// record is one indexed ticket file: its key and the encoded ticket, not
// decoded until asked for.
type record struct {
	key
	meta []byte // the ticket's fields
}

// indexFile is a loaded index file.
type indexFile struct {
	records  []record
	body     []byte
	modTime  time.Time // when it was written, to spot racy entries
	byPath   map[string]int
	byHash   map[string]int
	fileSize int64
}

func (f *indexFile) decode(r *record) (*ticket.Ticket, error) {
	d := decoder{meta: r.meta, body: f.body}
	t := d.ticket()
	if d.err != nil {
		return nil, d.err
	}
	return t, nil
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
	var h [headerSize]byte
	if _, err := io.ReadFull(f, h[:]); err != nil {
		return nil, errBadIndex
	}
	le := binary.LittleEndian
	if string(h[:8]) != magic || le.Uint32(h[8:]) != version || le.Uint32(h[12:]) != kind ||
		crc32.Checksum(h[:56], castagnoli) != le.Uint32(h[56:]) {
		return nil, errBadIndex
	}
	count := le.Uint32(h[16:])
	metaLen, bodyLen := le.Uint64(h[24:]), le.Uint64(h[32:])
	if metaLen > uint64(fi.Size()) || bodyLen > uint64(fi.Size()) || headerSize+metaLen+bodyLen != uint64(fi.Size()) {
		return nil, errBadIndex
	}
	// The body section is checked through a small buffer, so a listing
	// does not fault the conversations' pages into memory.
	sum := crc32.New(castagnoli)
	if _, err := io.Copy(sum, io.NewSectionReader(f, headerSize, int64(bodyLen))); err != nil || sum.Sum32() != le.Uint32(h[44:]) {
		return nil, errBadIndex
	}
	data, err := mapFile(f, fi.Size())
	if err != nil {
		return nil, err
	}
	meta := data[headerSize+bodyLen:]
	if crc32.Checksum(meta, castagnoli) != le.Uint32(h[40:]) {
		return nil, errBadIndex
	}
	ix := &indexFile{body: data[headerSize : headerSize+bodyLen], modTime: fi.ModTime(), fileSize: fi.Size()}
	if count > uint32(len(meta)) {
		return nil, errBadIndex
	}
	ix.records = make([]record, 0, count)
	d := decoder{meta: meta}
	for range count {
		var r record
		r.path = d.str()
		r.hash = d.str()
		r.size = int64(d.uint())
		r.mtime = int64(d.uint())
		r.ctime = int64(d.uint())
		r.ino = d.uint()
		r.sum = uint32(d.uint())
		n := d.uint()
		if d.err != nil || n > uint64(len(d.meta)) {
			return nil, errBadIndex
		}
		r.meta = d.meta[:n]
		d.meta = d.meta[n:]
		ix.records = append(ix.records, r)
	}
	if d.err != nil || len(d.meta) != 0 {
		return nil, errBadIndex
	}
	return ix, nil
}

// writer streams a new index file: bodies go straight to the file, records
// to a second temporary file appended at the end, so a rebuild holds neither
// in memory.
type writer struct {
	path     string
	kind     uint32
	f, recs  *os.File
	fw, rw   *bufio.Writer
	bodyCRC  hash.Hash32
	metaCRC  hash.Hash32
	enc      encoder
	tmp      encoder
	count    uint32
	metaLen  uint64
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
	recs, err := os.CreateTemp(dir, ".tmp-records-*")
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	w := &writer{path: path, kind: kind, f: f, recs: recs,
		fw: bufio.NewWriterSize(f, 1<<16), rw: bufio.NewWriterSize(recs, 1<<16),
		bodyCRC: crc32.New(castagnoli), metaCRC: crc32.New(castagnoli)}
	var zero [headerSize]byte
	w.fw.Write(zero[:])
	return w, nil
}

// add appends one ticket file's record.
func (w *writer) add(k key, t *ticket.Ticket) error {
	w.tmp.meta = w.tmp.meta[:0]
	w.tmp.body = w.tmp.body[:0]
	w.tmp.ticket(t)
	e := &w.enc
	e.meta = e.meta[:0]
	e.str(k.path)
	e.str(k.hash)
	e.uint(uint64(k.size))
	e.uint(uint64(k.mtime))
	e.uint(uint64(k.ctime))
	e.uint(k.ino)
	e.uint(uint64(k.sum))
	e.uint(uint64(len(w.tmp.meta)))
	for _, b := range [][]byte{e.meta, w.tmp.meta} {
		w.metaCRC.Write(b)
		if _, err := w.rw.Write(b); err != nil {
			return err
		}
		w.metaLen += uint64(len(b))
	}
	w.bodyCRC.Write(w.tmp.body)
	if _, err := w.fw.Write(w.tmp.body); err != nil {
		return err
	}
	w.tmp.base += uint64(len(w.tmp.body))
	w.count++
	return nil
}

// abort removes the temporary files.
func (w *writer) abort() {
	if w.finished {
		return
	}
	w.finished = true
	w.f.Close()
	w.recs.Close()
	os.Remove(w.f.Name())
	os.Remove(w.recs.Name())
}

// finish writes the header and renames the file into place.
func (w *writer) finish() error {
	defer w.abort()
	if err := w.rw.Flush(); err != nil {
		return err
	}
	if _, err := w.recs.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if _, err := w.fw.ReadFrom(w.recs); err != nil {
		return err
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
	le.PutUint64(h[32:], w.tmp.base)
	le.PutUint32(h[40:], w.metaCRC.Sum32())
	le.PutUint32(h[44:], w.bodyCRC.Sum32())
	le.PutUint32(h[56:], crc32.Checksum(h[:56], castagnoli))
	if _, err := w.f.WriteAt(h[:], 0); err != nil {
		return err
	}
	if err := w.f.Close(); err != nil {
		return err
	}
	return os.Rename(w.f.Name(), w.path)
}
