// Command mboxgen writes a realistic mbox for import benchmarks and crash
// tests: customers writing new queries and replying into their earlier
// threads (by In-Reply-To and References), in several languages, with the
// odd attachment, automatic reply and body line that needs From_ escaping.
// The output depends only on -n and -seed.
//
//	go run ./internal/mboxgen -n 100000 -o /tmp/bench.mbox
package main

import (
	"bufio"
	"encoding/base64"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"time"
)

func main() {
	n := flag.Int("n", 100000, "number of `MESSAGES`")
	out := flag.String("o", "-", "output `FILE` (- for standard output)")
	replies := flag.Float64("replies", 0.3, "share of messages that reply into an earlier thread")
	seed := flag.Uint64("seed", 1, "random `SEED`")
	flag.Parse()
	w := os.Stdout
	if *out != "-" {
		f, err := os.Create(*out)
		if err != nil {
			fmt.Fprintf(os.Stderr, "mboxgen: %v\n", err)
			os.Exit(1)
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	if err := generate(bw, *n, *replies, *seed); err != nil {
		fmt.Fprintf(os.Stderr, "mboxgen: %v\n", err)
		os.Exit(1)
	}
	if err := bw.Flush(); err != nil {
		fmt.Fprintf(os.Stderr, "mboxgen: %v\n", err)
		os.Exit(1)
	}
}

type thread struct {
	first, last string // Message-IDs
	refs        string
	subject     string
	from        string
	name        string
}

var (
	firstNames = []string{"Jane", "Bob", "Minsu", "Ayşe", "Somchai", "Hans", "Claire", "Petra", "Luis", "Aiko", "Olga", "Tomás"}
	lastNames  = []string{"Doe", "Stone", "Kim", "Yılmaz", "Jaidee", "Müller", "Martin", "Schmidt", "García", "Sato", "Ivanova", "Novák"}
	subjects   = []string{
		"Kettle arrived broken (order %d)", "Where is my parcel? Order %d", "Refund for order %d",
		"Rechnung für Bestellung %d", "배송 문의 (주문 %d)", "Fatura talebi – sipariş %d",
		"สินค้าชำรุด คำสั่งซื้อ %d", "Wrong colour delivered, order %d", "Can I change the address of order %d?",
	}
	bodies = []string{
		"Hello,\n\nmy order %d arrived today but the lid is cracked. Can you send a\nreplacement or refund it?\n\nThanks",
		"Hi,\n\nthe tracking page for order %d has not changed for a week. Could you\ncheck with the carrier?\n\nBest regards",
		"Guten Tag,\n\nich habe für Bestellung %d noch keine Rechnung erhalten. Bitte schicken\nSie sie mir per E-Mail.\n\nMit freundlichen Grüßen",
		"안녕하세요,\n\n주문 %d 배송이 아직 안 왔습니다. 확인 부탁드립니다.\n\n감사합니다",
		"Merhaba,\n\n%d numaralı siparişimin faturasını bulamıyorum. Gönderebilir misiniz?\n\nTeşekkürler",
		"Hello,\n\nFrom what I can see, order %d was sent to my old address.\n> This line looks quoted but is not.\nPlease help.\n\nCheers",
	}
	replyBodies = []string{
		"Any news on this? It has been a few days.",
		"Thanks, the replacement arrived. One more question though: do you ship to Norway?",
		"I attached a photo of the damage.",
		"Vielen Dank für die schnelle Antwort!",
		"혹시 송장 번호를 알 수 있을까요?",
	}
)

func generate(w *bufio.Writer, n int, replyShare float64, seed uint64) error {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	start := time.Date(2025, 1, 1, 8, 0, 0, 0, time.UTC)
	var threads []thread
	png := base64.StdEncoding.EncodeToString(make([]byte, 600))
	for i := 0; i < n; i++ {
		at := start.Add(time.Duration(i) * 4 * time.Minute)
		id := fmt.Sprintf("%d.%x@mail%d.example.com", i, r.Uint32(), i%7)
		var t thread
		reply := len(threads) > 0 && r.Float64() < replyShare
		if reply {
			k := len(threads) - 1 - r.IntN(min(len(threads), 2000))
			t = threads[k]
			refs := t.refs
			if refs == "" {
				refs = "<" + t.first + ">"
			} else if len(refs) < 400 {
				refs += " <" + t.last + ">"
			}
			fmt.Fprintf(w, "From %s %s\n", t.from, at.Format("Mon Jan _2 15:04:05 2006"))
			fmt.Fprintf(w, "From: %s <%s>\nTo: support@shop.example\nSubject: Re: %s\n", t.name, t.from, t.subject)
			fmt.Fprintf(w, "Date: %s\nMessage-ID: <%s>\nIn-Reply-To: <%s>\nReferences: %s\n", at.Format(time.RFC1123Z), id, t.last, refs)
			auto := r.IntN(40) == 0
			if auto {
				fmt.Fprintf(w, "Auto-Submitted: auto-replied\n")
			}
			fmt.Fprintf(w, "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n")
			body := replyBodies[r.IntN(len(replyBodies))]
			if auto {
				body = "I am out of the office until next week."
			}
			fmt.Fprintf(w, "%s\n\nOn %s, Support wrote:\n> We are looking into it.\n> Kind regards\n\n", body, at.Add(-time.Hour).Format(time.RFC1123Z))
			t.refs = refs
			t.last = id
			threads[k] = t
			continue
		}
		fn, ln := firstNames[r.IntN(len(firstNames))], lastNames[r.IntN(len(lastNames))]
		order := 1000 + r.IntN(90000)
		t = thread{
			first: id, last: id,
			subject: fmt.Sprintf(subjects[r.IntN(len(subjects))], order),
			from:    fmt.Sprintf("customer%d@example%d.com", r.IntN(n/2+1), r.IntN(50)),
			name:    fn + " " + ln,
		}
		threads = append(threads, t)
		fmt.Fprintf(w, "From %s %s\n", t.from, at.Format("Mon Jan _2 15:04:05 2006"))
		fmt.Fprintf(w, "From: =?utf-8?b?%s?= <%s>\nTo: support@shop.example\nSubject: =?utf-8?b?%s?=\n",
			base64.StdEncoding.EncodeToString([]byte(t.name)), t.from, base64.StdEncoding.EncodeToString([]byte(t.subject)))
		fmt.Fprintf(w, "Date: %s\nMessage-ID: <%s>\nMIME-Version: 1.0\n", at.Format(time.RFC1123Z), id)
		body := fmt.Sprintf(bodies[r.IntN(len(bodies))], order)
		// mboxrd: a body line starting "From " is written with one ">".
		body = escapeFrom(body) + "\n" + fn
		if r.IntN(20) == 0 {
			fmt.Fprintf(w, "Content-Type: multipart/mixed; boundary=\"b%d\"\n\n--b%d\nContent-Type: text/plain; charset=utf-8\n\n%s\n--b%d\n", i, i, body, i)
			fmt.Fprintf(w, "Content-Type: image/png\nContent-Disposition: attachment; filename=\"photo.png\"\nContent-Transfer-Encoding: base64\n\n%s\n--b%d--\n\n", png, i)
			continue
		}
		fmt.Fprintf(w, "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n%s\n\n", body)
	}
	return nil
}

func escapeFrom(s string) string {
	out := make([]byte, 0, len(s)+8)
	lineStart := true
	for i := 0; i < len(s); i++ {
		if lineStart {
			j := i
			for j < len(s) && s[j] == '>' {
				j++
			}
			if len(s)-j >= 5 && s[j:j+5] == "From " {
				out = append(out, '>')
			}
		}
		out = append(out, s[i])
		lineStart = s[i] == '\n'
	}
	return string(out)
}
