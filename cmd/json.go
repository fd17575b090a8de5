package cmd

import (
	"time"

	"github.com/ticketdesk/ticket/desk"
	"github.com/ticketdesk/ticket/ticket"
)

// The JSON shapes are a public interface (docs/json.md): dedicated structs
// with explicit tags, never the domain types, so a refactor cannot change
// what scripts read.

type ticketJSON struct {
	ID            string             `json:"id"`
	Title         string             `json:"title"`
	Status        string             `json:"status"`
	Priority      string             `json:"priority"`
	Channel       string             `json:"channel"`
	Customer      string             `json:"customer"`
	Assignee      string             `json:"assignee"`
	Team          string             `json:"team"`
	Tags          []string           `json:"tags"`
	Language      string             `json:"language"`
	Created       string             `json:"created"`
	Updated       string             `json:"updated"`
	FirstResponse string             `json:"first_response"`
	Resolved      string             `json:"resolved"`
	Reopened      int                `json:"reopened"`
	SLA           string             `json:"sla"`
	Path          string             `json:"path"`
	Fields        *map[string]string `json:"fields,omitempty"`
	Entries       *[]entryJSON       `json:"entries,omitempty"`
	// SLAClocks is set by show only (docs/sla.md).
	SLAClocks *[]slaClockJSON `json:"sla_clocks,omitempty"`
}

type entryJSON struct {
	ID          string            `json:"id"`
	Kind        string            `json:"kind"`
	Author      string            `json:"author"`
	At          string            `json:"at"`
	MessageID   string            `json:"message_id"`
	Auto        string            `json:"auto,omitempty"`
	From        string            `json:"from,omitempty"`
	Status      string            `json:"status,omitempty"`
	Meta        map[string]string `json:"meta,omitempty"`
	Body        string            `json:"body"`
	Attachments []string          `json:"attachments"`
}

func jsonTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func toJSON(d *desk.Desk, t *ticket.Ticket, full bool) ticketJSON {
	j := ticketJSON{
		ID: t.ID, Title: t.Title, Status: string(t.Status), Priority: string(t.Priority),
		Channel: t.Channel, Customer: t.Customer, Assignee: t.Assignee, Team: t.Team,
		Tags: t.Tags, Language: t.Language, Created: jsonTime(t.Created), Updated: jsonTime(t.Updated),
		FirstResponse: jsonTime(t.FirstResponse), Resolved: jsonTime(t.Resolved), Reopened: t.Reopened,
		SLA: t.SLA, Path: d.Rel(ticket.Path(t.ID)),
	}
	if j.Tags == nil {
		j.Tags = []string{}
	}
	if full {
		fields := t.Fields
		if fields == nil {
			fields = map[string]string{}
		}
		j.Fields = &fields
		entries := make([]entryJSON, len(t.Entries))
		j.Entries = &entries
		for i, e := range t.Entries {
			atts := e.Attachments
			if atts == nil {
				atts = []string{}
			}
			entries[i] = entryJSON{ID: e.ID, Kind: string(e.Kind), Author: e.Author, At: jsonTime(e.At),
				MessageID: e.MessageID, Auto: e.Auto, From: string(e.From), Status: string(e.Status),
				Meta: e.Meta, Body: e.Body, Attachments: atts}
		}
	}
	return j
}
