package report

import "time"

// The JSON shape is a public interface (docs/reports.md): dedicated structs
// with explicit tags. Durations are whole seconds, rates fractions of 1;
// both are null when nothing was measured.

type jsonReport struct {
	Since       string            `json:"since"`
	Until       string            `json:"until"`
	Now         string            `json:"now"`
	Time        string            `json:"time"` // "calendar" or "business"
	Calendar    string            `json:"calendar,omitempty"`
	FCRDays     int               `json:"fcr_days"`
	By          []string          `json:"by"`
	Definitions map[string]string `json:"definitions"`
	jsonMetrics
	Agents []jsonAgent  `json:"agents"`
	Groups *[]jsonGroup `json:"groups,omitempty"`
}

type jsonMetrics struct {
	Created         int           `json:"created"`
	Resolved        int           `json:"resolved"`
	Closed          int           `json:"closed"`
	Reopened        int           `json:"reopened"`
	Backlog         int           `json:"backlog"`
	FirstResponse   jsonFirstResp `json:"first_response"`
	FirstResolution jsonDurations `json:"first_resolution"`
	Resolution      jsonDurations `json:"resolution"`
	RequesterWait   jsonDurations `json:"requester_wait"`
	AgentWait       jsonDurations `json:"agent_wait"`
	ResolutionRate  *float64      `json:"resolution_rate"`
	FCRRate         *float64      `json:"fcr_rate"`
	ReopenRate      *float64      `json:"reopen_rate"`
	Rates           jsonRates     `json:"rates"`
	SLA             []jsonSLA     `json:"sla"`
	CSAT            jsonCSAT      `json:"csat"`
}

type jsonDurations struct {
	Median       *int64       `json:"median"`
	Mean         *int64       `json:"mean"`
	P90          *int64       `json:"p90"`
	Count        int          `json:"count"`
	Distribution []jsonBucket `json:"distribution"`
}

type jsonFirstResp struct {
	jsonDurations
	Awaiting    int `json:"awaiting"`
	AgentOpened int `json:"agent_opened"`
}

type jsonBucket struct {
	Label string `json:"label"`
	Upto  *int64 `json:"upto"` // seconds; null for the open-ended last bucket
	Count int    `json:"count"`
}

type jsonRate struct {
	N    int      `json:"n"`
	Of   int      `json:"of"`
	Rate *float64 `json:"rate"`
}

type jsonRates struct {
	Resolution jsonRate `json:"resolution_rate"`
	FCR        jsonRate `json:"fcr_rate"`
	Reopen     jsonRate `json:"reopen_rate"`
}

type jsonSLA struct {
	Target     string   `json:"target"`
	Met        int      `json:"met"`
	Breached   int      `json:"breached"`
	Running    int      `json:"running"`
	Compliance *float64 `json:"compliance"`
}

type jsonCSAT struct {
	Good  int      `json:"good"`
	Bad   int      `json:"bad"`
	Score *float64 `json:"score"`
}

type jsonAgent struct {
	Agent              string   `json:"agent"`
	Assigned           int      `json:"assigned"`
	Replied            int      `json:"replied"`
	Resolved           int      `json:"resolved"`
	FirstResponseMedia *int64   `json:"first_response_median"`
	FCRRate            *float64 `json:"fcr_rate"`
}

type jsonGroup struct {
	Key   map[string]string `json:"key"`
	Label string            `json:"label"`
	Since string            `json:"since"`
	Until string            `json:"until"`
	jsonMetrics
}

// JSON returns the report in its documented JSON shape, ready to marshal.
func (r *Report) JSON() any {
	defs := map[string]string{}
	for _, d := range r.definitions() {
		defs[d.Name] = d.Text
	}
	j := jsonReport{
		Since: rfc(r.Since), Until: rfc(r.Until), Now: rfc(r.Now), Time: "calendar", Calendar: r.Calendar,
		FCRDays: r.FCRDays, By: r.By, Definitions: defs, jsonMetrics: toJSONMetrics(&r.Metrics),
		Agents: []jsonAgent{},
	}
	if j.By == nil {
		j.By = []string{}
	}
	if r.Calendar != "" {
		j.Time = "business"
	}
	for _, a := range r.Agents {
		j.Agents = append(j.Agents, jsonAgent{Agent: a.Agent, Assigned: a.Assigned, Replied: a.Replied, Resolved: a.Resolved,
			FirstResponseMedia: median(a.FirstResponse), FCRRate: rateValue(a.FCR)})
	}
	if len(r.By) > 0 {
		gs := []jsonGroup{}
		for _, g := range r.Groups {
			key := map[string]string{}
			for i, d := range r.By {
				key[d] = g.Key[i]
			}
			gs = append(gs, jsonGroup{Key: key, Label: g.Label(), Since: rfc(g.Since), Until: rfc(g.Until), jsonMetrics: toJSONMetrics(&g.Metrics)})
		}
		j.Groups = &gs
	}
	return j
}

func toJSONMetrics(m *Metrics) jsonMetrics {
	j := jsonMetrics{
		Created: m.Created, Resolved: m.Resolved, Closed: m.Closed, Reopened: m.Reopened, Backlog: m.Backlog,
		FirstResponse:   jsonFirstResp{jsonDurations: toJSONDurations(m.FirstResponse), Awaiting: m.Awaiting, AgentOpened: m.AgentOpened},
		FirstResolution: toJSONDurations(m.FirstResolution),
		Resolution:      toJSONDurations(m.Resolution),
		RequesterWait:   toJSONDurations(m.RequesterWait),
		AgentWait:       toJSONDurations(m.AgentWait),
		ResolutionRate:  rateValue(m.ResolutionRate),
		FCRRate:         rateValue(m.FCR),
		ReopenRate:      rateValue(m.ReopenRate),
		Rates: jsonRates{
			Resolution: toJSONRate(m.ResolutionRate), FCR: toJSONRate(m.FCR), Reopen: toJSONRate(m.ReopenRate),
		},
		SLA:  []jsonSLA{},
		CSAT: jsonCSAT{Good: m.CSAT.N, Bad: m.CSAT.Of - m.CSAT.N, Score: rateValue(m.CSAT)},
	}
	for _, s := range m.SLA {
		j.SLA = append(j.SLA, jsonSLA{Target: s.Target, Met: s.Met, Breached: s.Breached, Running: s.Running, Compliance: rateValue(s.Compliance())})
	}
	return j
}

func toJSONDurations(d Durations) jsonDurations {
	j := jsonDurations{Count: d.Count, Distribution: []jsonBucket{}}
	if d.Count > 0 {
		j.Median, j.Mean, j.P90 = seconds(d.Median), seconds(d.Mean), seconds(d.P90)
	}
	for _, b := range d.Histogram() {
		jb := jsonBucket{Label: b.Label, Count: b.Count}
		if b.Upto > 0 {
			jb.Upto = seconds(b.Upto)
		}
		j.Distribution = append(j.Distribution, jb)
	}
	return j
}

func toJSONRate(r Rate) jsonRate { return jsonRate{N: r.N, Of: r.Of, Rate: rateValue(r)} }

func median(d Durations) *int64 {
	if d.Count == 0 {
		return nil
	}
	return seconds(d.Median)
}

func seconds(d time.Duration) *int64 {
	s := int64(d / time.Second)
	return &s
}

func rateValue(r Rate) *float64 {
	v, ok := r.Value()
	if !ok {
		return nil
	}
	v = round4(v)
	return &v
}

// Bucket is one bar of a distribution: durations below Upto (0 for the
// open-ended last bar) and at or above the previous bar's Upto.
type Bucket struct {
	Label string
	Upto  time.Duration
	Count int
}

var histEdges = []struct {
	label string
	upto  time.Duration
}{
	{"< 1h", time.Hour}, {"1–4h", 4 * time.Hour}, {"4–8h", 8 * time.Hour}, {"8–24h", 24 * time.Hour},
	{"1–3d", 72 * time.Hour}, {"3–7d", 7 * 24 * time.Hour}, {"≥ 7d", 0},
}

// Histogram counts the durations in fixed bars: < 1h, 1–4h, 4–8h, 8–24h,
// 1–3d, 3–7d, ≥ 7d.
func (d Durations) Histogram() []Bucket {
	out := make([]Bucket, len(histEdges))
	for i, e := range histEdges {
		out[i] = Bucket{Label: e.label, Upto: e.upto}
	}
	i := 0
	for _, v := range d.values { // sorted
		for out[i].Upto > 0 && v >= out[i].Upto {
			i++
		}
		out[i].Count++
	}
	return out
}
