package gitstore

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/go-git/go-git/v5/plumbing"
)

// objectSink stores git objects: loose files (objectWriter) or, for a bulk
// commit, one packfile (packWriter).
type objectSink interface {
	write(t plumbing.ObjectType, data []byte) (plumbing.Hash, error)
}

// packWriter collects the objects of a bulk commit and writes them as one
// packfile with its index (Documentation/gitformat-pack), instead of one
// loose file each: tens of thousands of files cost a create, a write and a
// rename apiece, while a pack is one sequential write. Objects are stored
// whole (no deltas): the pack is what git would write with `--depth=0`, and
// the next `git gc` compresses it further. The data slices are kept, not
// copied, until finish.
type packWriter struct {
	dir  string // objects/pack of the common git dir
	objs []packObject
	seen map[plumbing.Hash]bool
	hdr  []byte
}

type packObject struct {
	t    plumbing.ObjectType
	data []byte
	h    plumbing.Hash
	off  uint64
	crc  uint32
}

func (s *Store) newPackWriter(n int) *packWriter {
	return &packWriter{
		dir:  filepath.Join(s.commonDir, "objects", "pack"),
		objs: make([]packObject, 0, n),
		seen: make(map[plumbing.Hash]bool, n),
	}
}

func (w *packWriter) write(t plumbing.ObjectType, data []byte) (plumbing.Hash, error) {
	w.hdr = append(append(append(w.hdr[:0], t.String()...), ' '), strconv.Itoa(len(data))...)
	w.hdr = append(w.hdr, 0)
	hs := sha1.New()
	hs.Write(w.hdr)
	hs.Write(data)
	var h plumbing.Hash
	copy(h[:], hs.Sum(nil))
	if !w.seen[h] {
		w.seen[h] = true
		w.objs = append(w.objs, packObject{t: t, data: data, h: h})
	}
	return h, nil
}

// finish writes the pack and its index under temporary names, syncs them,
// and renames them into place, pack first, as git does: an index is only
// ever seen beside its complete pack. It returns the pack's name, "" when
// there was nothing to write.
func (w *packWriter) finish() (string, error) {
	if len(w.objs) == 0 {
		return "", nil
	}
	if err := os.MkdirAll(w.dir, 0o777); err != nil {
		return "", fmt.Errorf("pack: %w", err)
	}
	pf, err := os.CreateTemp(w.dir, "tmp_pack_")
	if err != nil {
		return "", fmt.Errorf("pack: %w", err)
	}
	tmpPack := pf.Name()
	tmpIdx := ""
	ok := false
	defer func() {
		if !ok {
			pf.Close()
			os.Remove(tmpPack)
			if tmpIdx != "" {
				os.Remove(tmpIdx)
			}
		}
	}()
	sum, err := w.writePack(pf)
	if err == nil {
		err = pf.Sync()
	}
	if cerr := pf.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("pack: %w", err)
	}
	xf, err := os.CreateTemp(w.dir, tmpIndexPrefix)
	if err != nil {
		return "", fmt.Errorf("pack index: %w", err)
	}
	tmpIdx = xf.Name()
	err = w.writeIndex(xf, sum)
	if err == nil {
		err = xf.Sync()
	}
	if cerr := xf.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("pack index: %w", err)
	}
	name := "pack-" + sum.String()
	for _, mv := range [][2]string{{tmpPack, name + ".pack"}, {tmpIdx, name + ".idx"}} {
		os.Chmod(mv[0], 0o444)
		if err := os.Rename(mv[0], filepath.Join(w.dir, mv[1])); err != nil {
			return "", fmt.Errorf("pack: %w", err)
		}
	}
	ok = true
	syncDir(w.dir)
	w.objs, w.seen = nil, nil
	return name, nil
}

// hashingWriter feeds everything written through it to the pack checksum
// and to a CRC-32 that the caller resets per object.
type hashingWriter struct {
	w   io.Writer
	sum hash.Hash
	crc hash.Hash32
	n   uint64
}

func (h *hashingWriter) Write(p []byte) (int, error) {
	n, err := h.w.Write(p)
	h.sum.Write(p[:n])
	h.crc.Write(p[:n])
	h.n += uint64(n)
	return n, err
}

func (w *packWriter) writePack(f *os.File) (plumbing.Hash, error) {
	bw := bufio.NewWriterSize(f, 1<<20)
	hw := &hashingWriter{w: bw, sum: sha1.New(), crc: crc32.NewIEEE()}
	var head [12]byte
	copy(head[:], "PACK")
	binary.BigEndian.PutUint32(head[4:], 2)
	binary.BigEndian.PutUint32(head[8:], uint32(len(w.objs)))
	if _, err := hw.Write(head[:]); err != nil {
		return plumbing.ZeroHash, err
	}
	zw, _ := zlib.NewWriterLevel(hw, zlib.BestSpeed)
	var oh [16]byte
	for i := range w.objs {
		o := &w.objs[i]
		o.off = hw.n
		hw.crc.Reset()
		// Type and size: 3 bits of type, then the size 4 bits first and 7
		// bits per following byte, high bit meaning "more".
		size := uint64(len(o.data))
		n := 0
		c := byte(o.t)<<4 | byte(size&0x0f)
		size >>= 4
		for size != 0 {
			oh[n] = c | 0x80
			n++
			c = byte(size & 0x7f)
			size >>= 7
		}
		oh[n] = c
		n++
		if _, err := hw.Write(oh[:n]); err != nil {
			return plumbing.ZeroHash, err
		}
		zw.Reset(hw)
		if _, err := zw.Write(o.data); err != nil {
			return plumbing.ZeroHash, err
		}
		if err := zw.Close(); err != nil {
			return plumbing.ZeroHash, err
		}
		o.crc = hw.crc.Sum32()
		o.data = nil // written; let the caller's copy be the only one
	}
	var sum plumbing.Hash
	copy(sum[:], hw.sum.Sum(nil))
	if _, err := bw.Write(sum[:]); err != nil {
		return plumbing.ZeroHash, err
	}
	return sum, bw.Flush()
}

// writeIndex writes a version 2 pack index: fan-out table, sorted names,
// CRC-32s, offsets (large ones in a second table), pack and index checksums.
func (w *packWriter) writeIndex(f *os.File, packSum plumbing.Hash) error {
	objs := w.objs
	sort.Slice(objs, func(i, j int) bool { return bytes.Compare(objs[i].h[:], objs[j].h[:]) < 0 })
	var b bytes.Buffer
	b.Grow(8 + 256*4 + len(objs)*28 + 40)
	b.Write([]byte{0xff, 't', 'O', 'c', 0, 0, 0, 2})
	var fan [256]uint32
	for _, o := range objs {
		fan[o.h[0]]++
	}
	var total uint32
	for i := range fan {
		total += fan[i]
		b.Write(binary.BigEndian.AppendUint32(nil, total))
	}
	for _, o := range objs {
		b.Write(o.h[:])
	}
	for _, o := range objs {
		b.Write(binary.BigEndian.AppendUint32(nil, o.crc))
	}
	var large []uint64
	for _, o := range objs {
		if o.off < 1<<31 {
			b.Write(binary.BigEndian.AppendUint32(nil, uint32(o.off)))
			continue
		}
		b.Write(binary.BigEndian.AppendUint32(nil, 1<<31|uint32(len(large))))
		large = append(large, o.off)
	}
	for _, off := range large {
		b.Write(binary.BigEndian.AppendUint64(nil, off))
	}
	b.Write(packSum[:])
	sum := sha1.Sum(b.Bytes())
	b.Write(sum[:])
	_, err := f.Write(b.Bytes())
	return err
}

// syncDir makes a rename in dir durable; best effort.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
