package cmd

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/ticketdesk/ticket/desk"
	"github.com/ticketdesk/ticket/mailin"
	"github.com/ticketdesk/ticket/ticket"
)

type customerOptions struct {
	Ref string
	out jsonFlags
}

func newCustomerCmd(app *App) *cobra.Command {
	o := &customerOptions{}
	c := &cobra.Command{
		Use:     "customer",
		Aliases: []string{"customers"},
		Short:   "One customer across tickets and channels",
		Long: `A customer is an address (or handle): the same address is the same
customer whichever channel they wrote from. Addresses compare without regard
to ASCII case; a look-alike address is somebody else.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runCustomerList(app, o) },
	}
	list := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List customers: address, name, tickets, open tickets, last contact",
		Args:    cobra.NoArgs,
		RunE:    func(cmd *cobra.Command, args []string) error { return runCustomerList(app, o) },
	}
	show := &cobra.Command{
		Use:   "show ADDRESS",
		Short: "Show a customer's tickets and their whole history in time order",
		Args:  cobra.ExactArgs(1),
		RunE:  func(cmd *cobra.Command, args []string) error { return runCustomerShow(app, o, args[0]) },
	}
	for _, s := range []*cobra.Command{list, show} {
		s.Flags().StringVar(&o.Ref, "ref", "", "read tickets at git `REF` instead of the work tree")
		addJSONFlags(s, &o.out)
	}
	addJSONFlags(c, &o.out)
	c.AddCommand(list, show)
	return c
}

// customerJSON is one customer in --json output.
type customerJSON struct {
	Address     string   `json:"address"`
	Name        string   `json:"name"`
	Tickets     int      `json:"tickets"`
	Open        int      `json:"open"`
	Channels    []string `json:"channels"`
	LastContact string   `json:"last_contact"`
}

type customerTicketJSON struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Status   string `json:"status"`
	Channel  string `json:"channel"`
	Created  string `json:"created"`
	Language string `json:"language,omitempty"`
}

type customerEntryJSON struct {
	Ticket    string `json:"ticket"`
	ID        string `json:"id"`
	Kind      string `json:"kind"`
	At        string `json:"at"`
	Author    string `json:"author"`
	Auto      string `json:"auto,omitempty"`
	MessageID string `json:"message_id,omitempty"`
	Body      string `json:"body"`
}

type customerShowJSON struct {
	customerJSON
	TicketList []customerTicketJSON `json:"ticket_list"`
	History    []customerEntryJSON  `json:"history"`
}

type customer struct {
	addr     string
	name     string
	tickets  []*ticket.Ticket
	open     int
	channels map[string]bool
	last     time.Time
}

func loadCustomers(app *App, o *customerOptions) (*desk.Desk, map[string]*customer, error) {
	d, err := app.Desk()
	if err != nil {
		return nil, nil, err
	}
	r, err := d.Reader(o.Ref)
	if err != nil {
		return nil, nil, err
	}
	all, err := d.LoadAll(r, func(e error) { app.warnf("%v", e) })
	if err != nil {
		return nil, nil, err
	}
	out := map[string]*customer{}
	for _, l := range all {
		t := l.Ticket
		key := mailin.NormalizeAddress(t.Customer)
		if key == "" {
			continue
		}
		c := out[key]
		if c == nil {
			c = &customer{addr: key, channels: map[string]bool{}}
			out[key] = c
		}
		c.tickets = append(c.tickets, t)
		if t.Status.Active() {
			c.open++
		}
		if t.Channel != "" {
			c.channels[t.Channel] = true
		}
		for _, e := range t.Entries {
			if e.Kind != ticket.KindMessage {
				continue
			}
			name, addr := splitAuthor(e.Author)
			if mailin.NormalizeAddress(addr) != key && mailin.NormalizeAddress(e.Author) != key {
				continue
			}
			if e.At.After(c.last) {
				c.last = e.At
				if name != "" {
					c.name = name
				}
			} else if c.name == "" && name != "" {
				c.name = name
			}
		}
		if c.last.IsZero() || t.Created.After(c.last) && len(t.Entries) == 0 {
			c.last = t.Created
		}
	}
	return d, out, nil
}

// splitAuthor splits "Name <address>" into its parts.
func splitAuthor(s string) (name, addr string) {
	i := strings.LastIndexByte(s, '<')
	if i < 0 || !strings.HasSuffix(s, ">") {
		return "", s
	}
	return strings.Trim(strings.TrimSpace(s[:i]), `"`), s[i+1 : len(s)-1]
}

func (c *customer) json() customerJSON {
	ch := make([]string, 0, len(c.channels))
	for k := range c.channels {
		ch = append(ch, k)
	}
	sort.Strings(ch)
	last := ""
	if !c.last.IsZero() {
		last = c.last.UTC().Format(time.RFC3339)
	}
	return customerJSON{Address: c.addr, Name: c.name, Tickets: len(c.tickets), Open: c.open, Channels: ch, LastContact: last}
}

func runCustomerList(app *App, o *customerOptions) error {
	_, cs, err := loadCustomers(app, o)
	if err != nil {
		return err
	}
	list := make([]*customer, 0, len(cs))
	for _, c := range cs {
		list = append(list, c)
	}
	sort.Slice(list, func(i, j int) bool {
		if !list[i].last.Equal(list[j].last) {
			return list[i].last.After(list[j].last)
		}
		return list[i].addr < list[j].addr
	})
	if o.out.enabled() {
		out := make([]customerJSON, len(list))
		for i, c := range list {
			out[i] = c.json()
		}
		return o.out.print(app.Out, out)
	}
	st := app.style()
	tb := &table{st: st, header: []string{"ADDRESS", "NAME", "TICKETS", "OPEN", "CHANNELS", "LAST CONTACT"}}
	for _, c := range list {
		j := c.json()
		tb.add([]string{c.addr, c.name, fmt.Sprint(len(c.tickets)), fmt.Sprint(c.open), strings.Join(j.Channels, ","), st.when(c.last)}, nil)
	}
	return tb.write(app.Out, 0)
}

func runCustomerShow(app *App, o *customerOptions, addr string) error {
	_, cs, err := loadCustomers(app, o)
	if err != nil {
		return err
	}
	c := cs[mailin.NormalizeAddress(addr)]
	if c == nil {
		return withHint(fmt.Errorf("no tickets of customer %q", addr), "`ticket customer list` shows every customer")
	}
	sort.Slice(c.tickets, func(i, j int) bool { return c.tickets[i].Created.Before(c.tickets[j].Created) })
	out := customerShowJSON{customerJSON: c.json(), TicketList: []customerTicketJSON{}, History: []customerEntryJSON{}}
	type ent struct {
		t *ticket.Ticket
		e ticket.Entry
	}
	var hist []ent
	for _, t := range c.tickets {
		out.TicketList = append(out.TicketList, customerTicketJSON{ID: t.ID, Title: t.Title, Status: string(t.Status),
			Channel: t.Channel, Created: t.Created.UTC().Format(time.RFC3339), Language: t.Language})
		for _, e := range t.Entries {
			hist = append(hist, ent{t, e})
		}
	}
	sort.SliceStable(hist, func(i, j int) bool { return hist[i].e.At.Before(hist[j].e.At) })
	for _, h := range hist {
		out.History = append(out.History, customerEntryJSON{Ticket: h.t.ID, ID: h.e.ID, Kind: string(h.e.Kind),
			At: h.e.At.UTC().Format(time.RFC3339), Author: h.e.Author, Auto: h.e.Auto, MessageID: h.e.MessageID, Body: h.e.Body})
	}
	if o.out.enabled() {
		return o.out.print(app.Out, out)
	}
	st := app.style()
	w := app.Out
	title := c.addr
	if c.name != "" {
		title = c.name + " <" + c.addr + ">"
	}
	fmt.Fprintf(w, "%s\n", st.paint("1", safe(title)))
	fmt.Fprintf(w, "%d tickets, %d open; channels: %s; last contact %s\n\n", len(c.tickets), c.open, strings.Join(out.Channels, ", "), st.when(c.last))
	tb := &table{st: st, header: []string{"ID", "STATUS", "CHANNEL", "CREATED", "TITLE"}}
	for _, t := range c.tickets {
		tb.add([]string{t.ID, string(t.Status), t.Channel, st.when(t.Created), t.Title}, nil)
	}
	if err := tb.write(w, 0); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nHistory\n")
	for _, h := range hist {
		e := h.e
		what := string(e.Kind)
		if e.Kind == ticket.KindEvent {
			what = fmt.Sprintf("%s → %s", e.From, e.Status)
		}
		if e.Auto != "" {
			what += " (" + e.Auto + ")"
		}
		line, _, _ := strings.Cut(strings.TrimSpace(e.Body), "\n")
		if len([]rune(line)) > 70 {
			line = string([]rune(line)[:69]) + "…"
		}
		fmt.Fprintf(w, "  %s  %s  %-9s %s", st.when(e.At), h.t.ID, what, safe(e.Author))
		if line != "" {
			fmt.Fprintf(w, ": %s", safe(line))
		}
		fmt.Fprintln(w)
	}
	return nil
}
