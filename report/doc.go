// Package report computes help-desk metrics from tickets and renders them as
// tables, JSON, CSV, Markdown and HTML with charts.
//
// Every figure comes from the ticket files alone — created times, entries and
// the status events they record — so imported history counts and a report
// over a fixed period at a fixed clock is exact. The definitions are in
// docs/metrics.md; the names used there are the names used in every output.
// The package never reads git, never writes tickets and knows nothing of the
// command line.
package report
