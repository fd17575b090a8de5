package index

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ticketdesk/ticket/ticket"
)

// Terms splits a query into folded search terms: words separated by white
// space, or "quoted phrases".
func Terms(q string) []string {
	var out []string
	for q != "" {
		q = strings.TrimLeft(q, " \t\r\n")
		if q == "" {
			break
		}
		var t string
		if q[0] == '"' {
			end := strings.IndexByte(q[1:], '"')
			if end < 0 {
				t, q = q[1:], ""
			} else {
				t, q = q[1:end+1], q[end+2:]
			}
		} else {
			end := strings.IndexAny(q, " \t\r\n")
			if end < 0 {
				end = len(q)
			}
			t, q = q[:end], q[end:]
		}
		if t = strings.TrimSpace(fold(t, nil)); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// SearchQuery is what a search looks for.
type SearchQuery struct {
	Terms []string // from Terms; every one must occur
	// Filter narrows the hits; nil keeps all. Its Query and SLA state need
	// the whole ticket and are left to the caller.
	Filter *ticket.Filter
	Now    time.Time // for the filter
	// Limit is the most hits returned, best first; 0 returns every hit.
	Limit int
	// CountOnly returns no hits, only their number, without ranking.
	CountOnly bool
}

// bm25 weights of the columns title, people, tags, body: a match in the
// title counts most, then customer and tags, then the conversation.
const weights = `10.0, 4.0, 4.0, 1.0`

// Search finds the tickets holding every term, best first (ties by path),
// and counts them all. Terms of three characters or more are looked up in
// the trigram index, shorter ones of Hangul, Han, kana or Thai in the grams
// index; other short terms (a two-letter Latin word) are matched by a scan
// of the stored text. Ranking and the limit are applied inside SQLite, so
// the cost of a common word is counting and scoring its hits, never
// reading them out.
func (s *SearchStore) Search(q SearchQuery) (hits []Hit, total int, err error) {
	if len(q.Terms) == 0 {
		return nil, 0, nil
	}
	var long, short, scan []string
	for _, t := range q.Terms {
		switch {
		case utf8.RuneCountInString(t) >= 3:
			long = append(long, t)
		case isGramTerm(t):
			short = append(short, t)
		default:
			scan = append(scan, t)
		}
	}
	var (
		from  string
		rank  = "0.0"
		conds []string
		args  []any
	)
	switch {
	case len(long) > 0:
		from, rank = "fts", "bm25(fts, "+weights+")"
		conds = append(conds, "fts MATCH ?")
		args = append(args, matchExpr(long))
		if len(short) > 0 {
			conds = append(conds, "fts.rowid IN (SELECT rowid FROM grams WHERE grams MATCH ?)")
			args = append(args, matchExpr(short))
		}
	case len(short) > 0:
		from, rank = "grams", "bm25(grams, "+weights+")"
		conds = append(conds, "grams MATCH ?")
		args = append(args, matchExpr(short))
	default:
		from = "fts"
	}
	for _, t := range scan {
		pat := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(t) + "%"
		table := "fts"
		if from != "fts" {
			table = "s"
		}
		var ors []string
		for _, col := range []string{"title", "people", "tags", "body"} {
			ors = append(ors, table+"."+col+` LIKE ? ESCAPE '\'`)
			args = append(args, pat)
		}
		c := "(" + strings.Join(ors, " OR ") + ")"
		if from != "fts" {
			c = "EXISTS (SELECT 1 FROM fts AS s WHERE s.rowid = grams.rowid AND " + c + ")"
		}
		conds = append(conds, c)
	}
	fc, fargs, done := filterSQL(q.Filter, q.Now)
	defer done()
	conds = append(conds, fc...)
	args = append(args, fargs...)
	where := ""
	if len(conds) > 0 {
		where = ` WHERE ` + strings.Join(conds, " AND ")
	}
	join := ` JOIN docs ON docs.id = ` + from + `.rowid`
	if q.CountOnly {
		if len(fc) == 0 {
			join = ""
		}
		err := s.db.QueryRow(`SELECT count(*) FROM `+from+join+where, args...).Scan(&total)
		return nil, total, err
	}
	sel := `SELECT docs.path, ` + rank + ` FROM ` + from + join + where + ` ORDER BY ` + rank + `, docs.path`
	if q.Limit > 0 {
		sel += ` LIMIT ` + strconv.Itoa(q.Limit)
	}
	rows, err := s.db.Query(sel, args...)
	if err != nil {
		return nil, 0, err
	}
	for rows.Next() {
		var h Hit
		if err := rows.Scan(&h.Path, &h.Rank); err != nil {
			rows.Close()
			return nil, 0, err
		}
		hits = append(hits, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	if q.Limit == 0 || len(hits) < q.Limit {
		return hits, len(hits), nil
	}
	// More hits than shown, maybe: count them without scoring, and without
	// the docs table unless a filter looks at it (every row of fts and
	// grams has its row in docs).
	if len(fc) == 0 {
		join = ""
	}
	if err := s.db.QueryRow(`SELECT count(*) FROM `+from+join+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	return hits, total, nil
}

// matchExpr is an FTS5 query requiring every term as a phrase.
func matchExpr(terms []string) string {
	q := make([]string, len(terms))
	for i, t := range terms {
		q[i] = `"` + strings.ReplaceAll(t, `"`, `""`) + `"`
	}
	return strings.Join(q, " ")
}
