// Command benchgen writes a realistic desk for benchmarks: N tickets over two
// years, multilingual, with threads of messages, replies, notes and status
// changes, committed in one commit with the git CLI.
//
//	go run ./internal/benchgen -n 100000 -o /tmp/desk100k
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/ticketdesk/ticket/desk"
	"github.com/ticketdesk/ticket/ticket"
)

var (
	subjects = []string{
		"Refund for order %d: the blue kettle arrived broken",
		"Lieferung verspätet – Bestellung %d",
		"주문 %d 취소 요청드립니다",
		"Sipariş %d hakkında: kargo nerede?",
		"ขอใบกำกับภาษีสำหรับคำสั่งซื้อ %d",
		"Password reset link never arrives (account %d)",
		"Invoice %d shows the wrong VAT number",
		"Commande %d : article manquant",
	}
	bodies = []string{
		"Hello,\n\nmy order %d arrived today but the kettle is cracked. Could you send a replacement or refund me?\n\nThanks,\n%s",
		"Guten Tag,\n\nich warte seit zwei Wochen auf meine Bestellung %d. Können Sie mir sagen, wo sie ist?\n\nViele Grüße\n%s",
		"안녕하세요,\n\n주문번호 %d 를 취소하고 싶습니다. 환불은 언제 되나요?\n\n감사합니다.\n%s",
		"Merhaba,\n\n%d numaralı siparişim hâlâ gelmedi. Kargo takip numarası alabilir miyim?\n\nTeşekkürler,\n%s",
		"สวัสดีครับ\n\nต้องการใบกำกับภาษีเต็มรูปแบบสำหรับคำสั่งซื้อ %d ครับ\n\nขอบคุณครับ\n%s",
	}
	replies = []string{
		"Hi,\n\nthanks for writing in. I have started a refund for order %d; you will see it within five working days.\n\nBest,\n%s",
		"Hallo,\n\nIhre Bestellung %d ist heute an den Versand übergeben worden.\n\nFreundliche Grüße\n%s",
		"Hello again,\n\ncould you send us a photo of the damage on order %d?\n\n%s",
	}
	names     = []string{"Jane Doe", "Hans Müller", "Kim Minji", "Ayşe Yılmaz", "Somchai Jaidee", "Sam Lee", "Marie Dupont"}
	langs     = []string{"en", "de", "ko", "tr", "th", "en", "en", "fr"}
	agents    = []string{"alice", "bob", "hans", "minji", ""}
	channels  = []string{"email", "email", "email", "chat", "web", "marketplace", "phone"}
	tagPool   = []string{"refund", "shipping", "billing", "account", "vip", "damaged", "invoice", "cancel"}
	statusMix = []ticket.Status{ticket.StatusClosed, ticket.StatusClosed, ticket.StatusResolved, ticket.StatusResolved,
		ticket.StatusResolved, ticket.StatusOpen, ticket.StatusPending, ticket.StatusNew, ticket.StatusOnHold, ticket.StatusArchived}
)

func main() {
	n := flag.Int("n", 10000, "number of tickets")
	out := flag.String("o", "", "desk folder to create")
	seed := flag.Uint64("seed", 1, "random seed (same seed, same desk)")
	end := flag.String("end", "2026-11-20T00:00:00Z", "time of the newest ticket")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "benchgen: -o DIR is required")
		os.Exit(2)
	}
	endT, err := time.Parse(time.RFC3339, *end)
	check(err)
	if _, err := os.Stat(filepath.Join(*out, ".ticket")); err == nil {
		fmt.Fprintf(os.Stderr, "benchgen: %s is already a desk\n", *out)
		os.Exit(1)
	}
	t0 := time.Now()
	// Always a repository of its own: without this, a folder inside another
	// work tree (such as bench/out in this project) would become a desk of
	// that repository, and "git add -A" would sweep up its files.
	check(os.MkdirAll(*out, 0o755))
	git(*out, "-c", "init.defaultBranch=main", "init", "-q")
	_, _, err = desk.Init(*out, desk.InitOptions{Name: "Bench Desk", Email: "support@shop.example"}, func() time.Time { return endT })
	check(err)

	ids := make([]string, *n)
	taken := map[string]bool{}
	r := rand.New(rand.NewPCG(*seed, 42))
	for i := range ids {
		id := ""
		for id == "" || taken[id] {
			id = idFrom(r)
		}
		taken[id] = true
		ids[i] = id
	}
	var wg sync.WaitGroup
	work := make(chan int, 256)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				rr := rand.New(rand.NewPCG(*seed, uint64(i)+1000))
				t := makeTicket(rr, ids[i], i, endT)
				p := filepath.Join(*out, filepath.FromSlash(ticket.Path(t.ID)))
				check(os.MkdirAll(filepath.Dir(p), 0o755))
				check(os.WriteFile(p, ticket.Render(t), 0o644))
			}
		}()
	}
	for i := range ids {
		work <- i
	}
	close(work)
	wg.Wait()
	fmt.Fprintf(os.Stderr, "benchgen: wrote %d tickets in %s; committing\n", *n, time.Since(t0).Round(time.Millisecond))
	git(*out, "add", "--", ".ticket", ".gitattributes", ticket.TicketsDir)
	git(*out, "-c", "user.name=Bench", "-c", "user.email=bench@shop.example", "commit", "-q", "-m", fmt.Sprintf("bench: %d generated tickets", *n))
	fmt.Fprintf(os.Stderr, "benchgen: done in %s\n", time.Since(t0).Round(time.Millisecond))
}

func idFrom(r *rand.Rand) string {
	b := make([]byte, ticket.IDLen)
	for i := range b {
		b[i] = ticket.IDAlphabet[r.IntN(len(ticket.IDAlphabet))]
	}
	return string(b)
}

func makeTicket(r *rand.Rand, id string, i int, end time.Time) *ticket.Ticket {
	created := end.Add(-time.Duration(r.Int64N(int64(2 * 365 * 24 * time.Hour)))).Truncate(time.Second)
	k := r.IntN(len(subjects))
	order := 1000 + r.IntN(90000)
	name := names[r.IntN(len(names))]
	customer := fmt.Sprintf("customer%d@example.%s", r.IntN(*nCustomers), []string{"com", "de", "kr", "com.tr", "co.th"}[r.IntN(5)])
	t := &ticket.Ticket{
		ID: id, Title: fmt.Sprintf(subjects[k], order), Status: ticket.StatusNew,
		Priority: ticket.Priorities[r.IntN(4)], Channel: channels[r.IntN(len(channels))],
		Customer: customer, Language: langs[k], Created: created, Updated: created,
	}
	for j := r.IntN(3); j > 0; j-- {
		t.AddTags(tagPool[r.IntN(len(tagPool))])
	}
	if r.IntN(3) == 0 {
		t.SetField("order", fmt.Sprint(order))
	}
	at := created
	t.AddMessage(ticket.Entry{Author: name + " <" + customer + ">", At: at,
		MessageID: fmt.Sprintf("%d.%s@mail.example.com", i, id), Body: fmt.Sprintf(bodies[r.IntN(len(bodies))], order, name)})
	agent := agents[r.IntN(len(agents))]
	if agent != "" {
		t.Assign(agent, at)
		t.SetStatus(ticket.StatusOpen, agent, at)
	}
	final := statusMix[r.IntN(len(statusMix))]
	if final == ticket.StatusNew {
		return t
	}
	if agent == "" {
		agent = "alice"
		t.Assign(agent, at)
	}
	for turn := r.IntN(3); turn >= 0; turn-- {
		at = at.Add(time.Duration(10+r.IntN(600)) * time.Minute)
		t.AddReply(ticket.Entry{Author: agent, At: at, Body: fmt.Sprintf(replies[r.IntN(len(replies))], order, agent)}, "")
		if turn > 0 {
			at = at.Add(time.Duration(30+r.IntN(3000)) * time.Minute)
			t.AddMessage(ticket.Entry{Author: name + " <" + customer + ">", At: at,
				MessageID: fmt.Sprintf("%d.%d.%s@mail.example.com", i, turn, id), Body: "Thanks, one more question about it."})
		}
	}
	if r.IntN(4) == 0 {
		t.AddNote(ticket.Entry{Author: agent, At: at, Body: "Checked the order in the shop backend."})
	}
	at = at.Add(time.Duration(60+r.IntN(6000)) * time.Minute)
	t.SetStatus(final, agent, at)
	return t
}

var nCustomers = flag.Int("customers", 20000, "number of distinct customers")

func git(dir string, args ...string) {
	c := exec.Command("git", args...)
	c.Dir = dir
	c.Stdout, c.Stderr = os.Stderr, os.Stderr
	check(c.Run())
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchgen:", err)
		os.Exit(1)
	}
}
