package index

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ticketdesk/ticket/ticket"
	_ "modernc.org/sqlite" // the search store's engine
)

// The search store is an SQLite database with two FTS5 tables. fts uses the
// trigram tokenizer: every three-character substring is indexed, so a word
// of three characters or more is found anywhere, also inside a Korean or
// Thai sentence, without any word segmentation. Trigrams cannot find a
// shorter word, and a two-syllable word is common in Korean, Chinese and
// Japanese (환불, refund), so grams holds every one- and two-character
// substring of the runs of those scripts and of Thai (see grams). Text is
// folded (fold) before it is stored and before it is searched, so matching
// ignores case and accents the same way everywhere.
//
// docs holds, beside each ticket's path and content key, the front-matter
// fields the filters of list look at, so a filtered search is answered
// inside SQLite without decoding tickets (search_filter.go).

const searchVersion = "2"

func (ix *Index) searchFile() string { return filepath.Join(ix.dir, ix.tag+".search") }

// The tickets at a ref are kept in a store of their own, so searching a
// branch does not churn the work tree's.
func (ix *Index) searchRefFile() string { return filepath.Join(ix.dir, ix.tag+".search-ref") }

// SearchDoc is one ticket to keep searchable.
type SearchDoc struct {
	Path string
	Key  string // Result.Key: the doc is re-indexed when it changes
	// Load returns the ticket; it is called only for docs whose key
	// changed.
	Load func() (*ticket.Ticket, error)
}

// Hit is one ticket matching a search, best first.
type Hit struct {
	Path string
	Rank float64 // bm25: lower is better
}

// SearchStore is an open search database.
type SearchStore struct {
	db *sql.DB
}

// OpenSearch opens the search store of the work tree (or of refs),
// creating it or, when it is damaged or of another version, rebuilding it
// from scratch.
func (ix *Index) OpenSearch(ref bool) (*SearchStore, error) {
	if err := os.MkdirAll(ix.dir, 0o755); err != nil {
		return nil, err
	}
	file := ix.searchFile()
	if ref {
		file = ix.searchRefFile()
	}
	s, err := openSearch(file)
	if err == nil {
		return s, nil
	}
	removeDB(file)
	return openSearch(file)
}

// ResetSearch deletes the search store (of the work tree or of refs), for a
// caller whose query failed on a damaged store.
func (ix *Index) ResetSearch(ref bool) {
	if ref {
		removeDB(ix.searchRefFile())
	} else {
		removeDB(ix.searchFile())
	}
}

func removeDB(file string) {
	for _, suf := range []string{"", "-wal", "-shm"} {
		os.Remove(file + suf)
	}
}

func openSearch(file string) (*SearchStore, error) {
	db, err := sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(wal)&_pragma=synchronous(normal)")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	s := &SearchStore{db: db}
	if err := s.init(); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

func (s *SearchStore) init() error {
	var v string
	err := s.db.QueryRow(`SELECT v FROM meta WHERE k = 'version'`).Scan(&v)
	if err == nil && v == searchVersion {
		// No integrity check here: on FTS5 it reads the whole index. A
		// damaged store fails its queries and the caller rebuilds it.
		return nil
	}
	if err == nil {
		return fmt.Errorf("search store version %s", v)
	}
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM sqlite_master`).Scan(&n); err != nil {
		return err
	}
	if n != 0 {
		return errors.New("search store has no version")
	}
	for _, q := range []string{
		`CREATE TABLE meta(k TEXT PRIMARY KEY, v TEXT)`,
		`CREATE TABLE docs(id INTEGER PRIMARY KEY, path TEXT UNIQUE NOT NULL, key TEXT NOT NULL,
			status TEXT NOT NULL, priority TEXT NOT NULL, assignee TEXT NOT NULL, channel TEXT NOT NULL,
			customer TEXT NOT NULL, team TEXT NOT NULL, lang TEXT NOT NULL,
			created_s INTEGER NOT NULL, created_ns INTEGER NOT NULL, tags TEXT NOT NULL)`,
		`CREATE VIRTUAL TABLE fts USING fts5(title, people, tags, body, tokenize = 'trigram case_sensitive 1')`,
		`CREATE VIRTUAL TABLE grams USING fts5(title, people, tags, body, tokenize = 'ascii')`,
		`INSERT INTO meta VALUES ('version', '` + searchVersion + `')`,
	} {
		if _, err := s.db.Exec(q); err != nil {
			return err
		}
	}
	return nil
}

// Close closes the database.
func (s *SearchStore) Close() error { return s.db.Close() }

// Sync brings the store up to date with docs: only tickets whose Key changed
// are indexed again; tickets that are gone are removed. It reports how many
// were written.
func (s *SearchStore) Sync(docs []SearchDoc) (int, error) {
	// One digest of every path and key tells, without reading the docs
	// table, that nothing changed since the last sync.
	h := sha256.New()
	for _, d := range docs {
		h.Write([]byte(d.Path))
		h.Write([]byte{0})
		h.Write([]byte(d.Key))
		h.Write([]byte{0})
	}
	digest := hex.EncodeToString(h.Sum(nil))
	var last string
	if err := s.db.QueryRow(`SELECT v FROM meta WHERE k = 'digest'`).Scan(&last); err == nil && last == digest {
		return 0, nil
	}
	n, err := s.sync(docs)
	if err != nil {
		return n, err
	}
	_, err = s.db.Exec(`INSERT INTO meta VALUES ('digest', ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v`, digest)
	return n, err
}

func (s *SearchStore) sync(docs []SearchDoc) (int, error) {
	have := map[string]struct {
		id  int64
		key string
	}{}
	rows, err := s.db.Query(`SELECT id, path, key FROM docs`)
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var id int64
		var p, k string
		if err := rows.Scan(&id, &p, &k); err != nil {
			rows.Close()
			return 0, err
		}
		have[p] = struct {
			id  int64
			key string
		}{id, k}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	var todo []int
	seen := make(map[string]bool, len(docs))
	for i, d := range docs {
		seen[d.Path] = true
		if h, ok := have[d.Path]; !ok || h.key != d.Key {
			todo = append(todo, i)
		}
	}
	var gone []int64
	for p, h := range have {
		if !seen[p] {
			gone = append(gone, h.id)
		}
	}
	if len(todo) == 0 && len(gone) == 0 {
		return 0, nil
	}
	ctx := context.Background()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	del, err := tx.Prepare(`DELETE FROM fts WHERE rowid = ?`)
	if err != nil {
		return 0, err
	}
	delGrams, err := tx.Prepare(`DELETE FROM grams WHERE rowid = ?`)
	if err != nil {
		return 0, err
	}
	for _, id := range gone {
		if _, err := del.Exec(id); err != nil {
			return 0, err
		}
		if _, err := delGrams.Exec(id); err != nil {
			return 0, err
		}
		if _, err := tx.Exec(`DELETE FROM docs WHERE id = ?`, id); err != nil {
			return 0, err
		}
	}
	upDoc, err := tx.Prepare(`INSERT INTO docs(path, key, status, priority, assignee, channel, customer, team, lang, created_s, created_ns, tags)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(path) DO UPDATE SET key = excluded.key, status = excluded.status, priority = excluded.priority,
			assignee = excluded.assignee, channel = excluded.channel, customer = excluded.customer, team = excluded.team,
			lang = excluded.lang, created_s = excluded.created_s, created_ns = excluded.created_ns, tags = excluded.tags
		RETURNING id`)
	if err != nil {
		return 0, err
	}
	ins, err := tx.Prepare(`INSERT INTO fts(rowid, title, people, tags, body) VALUES (?, ?, ?, ?, ?)`)
	if err != nil {
		return 0, err
	}
	insGrams, err := tx.Prepare(`INSERT INTO grams(rowid, title, people, tags, body) VALUES (?, ?, ?, ?, ?)`)
	if err != nil {
		return 0, err
	}
	for _, i := range todo {
		d := docs[i]
		if h, ok := have[d.Path]; ok {
			if _, err := del.Exec(h.id); err != nil {
				return 0, err
			}
			if _, err := delGrams.Exec(h.id); err != nil {
				return 0, err
			}
		}
		t, err := d.Load()
		if err != nil {
			// Broken files are reported by the caller's load; leave
			// them out and try again next time.
			continue
		}
		var id int64
		args := append([]any{d.Path, d.Key}, filterColumns(t)...)
		if err := upDoc.QueryRow(args...).Scan(&id); err != nil {
			return 0, err
		}
		title, people, tags, body := searchText(t)
		title, people, tags, body = fold(title, nil), fold(people, nil), fold(tags, nil), fold(body, nil)
		if _, err := ins.Exec(id, title, people, tags, body); err != nil {
			return 0, err
		}
		if gt, gp, gg, gb := grams(title), grams(people), grams(tags), grams(body); gt != "" || gp != "" || gg != "" || gb != "" {
			if _, err := insGrams.Exec(id, gt, gp, gg, gb); err != nil {
				return 0, err
			}
		}
	}
	return len(todo), tx.Commit()
}

// searchText is what a search looks at: the title, the customer and the
// authors of messages, the tags, and every entry's body.
func searchText(t *ticket.Ticket) (title, people, tags, body string) {
	var p, b strings.Builder
	p.WriteString(t.Customer)
	seen := map[string]bool{t.Customer: true}
	for _, e := range t.Entries {
		if e.Kind == ticket.KindMessage && !seen[e.Author] {
			seen[e.Author] = true
			p.WriteString("\n")
			p.WriteString(e.Author)
		}
	}
	b.WriteString(t.Preamble)
	for _, e := range t.Entries {
		if e.Body != "" {
			b.WriteString("\n\n")
			b.WriteString(e.Body)
		}
	}
	return t.Title, p.String(), strings.Join(t.Tags, " "), b.String()
}

// Count is the number of tickets in the store.
func (s *SearchStore) Count() (int, error) {
	var n int
	err := s.db.QueryRow(`SELECT count(*) FROM docs`).Scan(&n)
	return n, err
}
