package index

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/ticketdesk/ticket/ticket"
)

func TestSearchLanguages(t *testing.T) {
	ix := Open(filepath.Join(t.TempDir(), ".git"), t.TempDir(), "")
	s, err := ix.OpenSearch(false)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	doc := func(path string, t *ticket.Ticket) SearchDoc {
		return SearchDoc{Path: path, Key: "1", Load: func() (*ticket.Ticket, error) { return t, nil }}
	}
	de := sampleTicket("aaaaa5", "Lieferung", "Grüße von Jürgen Müller aus der Straße.")
	de.Customer = "juergen@example.de"
	docs := []SearchDoc{
		doc("en", sampleTicket("aaaaa1", "Refund for order 5521", "The blue kettle arrived broken, I want my money back.")),
		doc("ko", sampleTicket("aaaaa2", "주문 취소", "안녕하세요, 주문번호 1105 를 취소하고 싶습니다. 환불은 언제 되나요?")),
		doc("th", sampleTicket("aaaaa3", "สินค้าเสียหาย", "ฉันยังไม่ได้รับสินค้าที่สั่งซื้อเมื่อสัปดาห์ที่แล้ว")),
		doc("tr", sampleTicket("aaaaa4", "İstanbul teslimatı", "Siparişim İSTANBUL deposunda bekliyor, Çağrı Bey aradı.")),
		doc("de", de),
	}
	if n, err := s.Sync(docs); err != nil || n != 5 {
		t.Fatalf("sync: %d, %v", n, err)
	}
	if n, _ := s.Sync(docs); n != 0 {
		t.Fatalf("second sync wrote %d docs, want 0", n)
	}
	for q, want := range map[string][]string{
		"kettle":        {"en"},
		"BLUE kettle":   {"en"},
		`"blue kettle"`: {"en"},
		"kettle refund": {"en"},
		"kettle 주문":     nil,
		"환불":            {"ko"}, // a two-syllable word inside a sentence
		"취소하고":          {"ko"},
		"ไม่ได้รับสินค้า":   {"th"}, // Thai has no spaces between words
		"สั่งซื้อ":          {"th"},
		"istanbul":          {"tr"},
		"İstanbul deposu":   {"tr"},
		"siparisim":         {"tr"},
		"cagri":             {"tr"},
		"muller":            {"de"},
		"MÜLLER":            {"de"},
		"strasse":           {"de"},
		"grusse":            {"de"},
		"billing":           {"de", "en", "ko", "th", "tr"}, // a tag
		"jane@example.com":  {"de", "en", "ko", "th", "tr"},
		"juergen@example":   {"de"},
		"nothing-like-this": nil,
	} {
		hits, total, err := s.Search(SearchQuery{Terms: Terms(q)})
		if err == nil && total != len(hits) {
			t.Errorf("%q: total %d, %d hits", q, total, len(hits))
		}
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		var got []string
		for _, h := range hits {
			got = append(got, h.Path)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("search %q = %v, want %v", q, got, want)
		}
	}
	// An edit is picked up, a removal too.
	docs[0] = doc("en", sampleTicket("aaaaa1", "Refund", "The red toaster."))
	docs[0].Key = "2"
	if n, _ := s.Sync(docs[:4]); n != 1 {
		t.Fatalf("sync after edit wrote %d", n)
	}
	for q, n := range map[string]int{"kettle": 0, "toaster": 1, "muller": 0} {
		if hits, _, _ := s.Search(SearchQuery{Terms: Terms(q)}); len(hits) != n {
			t.Errorf("after edit, %q: %d hits, want %d", q, len(hits), n)
		}
	}
}

func TestSnippet(t *testing.T) {
	tk := sampleTicket("aaaaa4", "İstanbul", "Merhaba,\nsiparişim İSTANBUL deposunda bekliyor.")
	s := MakeSnippet(tk, Terms("istanbul"), 80)
	if got := s.Mark("[", "]"); got != "Merhaba, siparişim [İSTANBUL] deposunda bekliyor." || s.Field != "entry" || s.Entry != "4hx7pq" {
		t.Errorf("snippet %q (%s %s)", got, s.Field, s.Entry)
	}
	tk = sampleTicket("aaaaa2", "x", "안녕하세요, 주문번호 1105 를 취소하고 싶습니다. 환불은 언제 되나요?")
	if got := MakeSnippet(tk, Terms("환불"), 12).Mark("[", "]"); got != "…니다. [환불]은 언제 되…" {
		t.Errorf("korean snippet %q", got)
	}
	_ = ticket.KindMessage
}
