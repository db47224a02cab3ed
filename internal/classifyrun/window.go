// Package classifyrun is gp2gp classify, the successor's daily transfer
// classifier (SPEC-SUCCESSOR §1–2, docs/classify.md): it reads the daily
// Spine files of a window of days and the cutoff's overflow days into a
// conversation store, classifies the conversations with the one
// classifier (internal/spine), enriches both practices from the v5 ODS
// metadata, and publishes one v11 table per window day, all or none.
package classifyrun

import (
	"fmt"
	"time"
)

// Day is 24 hours: the window's days are START + k·24h.
const Day = 24 * time.Hour

// Window is the days a run classifies and the overflow days it also reads.
type Window struct {
	// Days are the window's days, each the instant of its midnight, in
	// START's offset (UTC by default), in order.
	Days []time.Time
	// Overflow are the cutoff's extra days read after the window.
	Overflow []time.Time
}

// Start and End bound the window: requests in [Start, End) are output.
// End is the instant after the last day, START itself when there is none.
func (w Window) Start() time.Time { return w.bounds(0) }

// End is the end of the last day (exclusive).
func (w Window) End() time.Time { return w.bounds(1) }

func (w Window) bounds(end int) time.Time {
	if len(w.Days) == 0 {
		return time.Time{}
	}
	if end == 0 {
		return w.Days[0]
	}
	return w.Days[len(w.Days)-1].Add(Day)
}

// DefaultWindow is the single day production classifies: yesterday, UTC,
// less the cutoff (SPEC-SUCCESSOR §1.2).
func DefaultWindow(now time.Time, cutoffDays int) Window {
	n := now.UTC()
	today := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC)
	d := today.Add(-Day).Add(-time.Duration(cutoffDays) * Day)
	return ExplicitWindow(d, d.Add(Day), cutoffDays)
}

// ExplicitWindow is the window from START to END (exclusive): days
// start + k·24h while a whole day fits, then the cutoff's overflow days
// from END, all in start's offset.
func ExplicitWindow(start, end time.Time, cutoffDays int) Window {
	var w Window
	n := int(end.Sub(start) / Day)
	for k := range n {
		w.Days = append(w.Days, start.Add(time.Duration(k)*Day))
	}
	end = end.In(start.Location())
	for k := range cutoffDays {
		w.Overflow = append(w.Overflow, end.Add(time.Duration(k)*Day))
	}
	return w
}

// SpineKey is day d's Spine file, dated as d is written.
func SpineKey(d time.Time) string {
	return fmt.Sprintf("v3/%s/%s_spine_messages.csv.gz", d.Format("2006/01/02"), d.Format("2006-01-02"))
}

// OutputKey is day d's v11 table with cutoff cutoffDays.
func OutputKey(cutoffDays int, d time.Time) string {
	return fmt.Sprintf("v11/cutoff-%d/%s/%s-transfers.parquet", cutoffDays, d.Format("2006/01/02"), d.Format("2006-01-02"))
}

// Month is a calendar month, as the ODS metadata's year and month.
type Month struct{ Year, Month int }

// MonthOf is day d's month, as d is written.
func MonthOf(d time.Time) Month { return Month{d.Year(), int(d.Month())} }

// Previous is the month before m.
func (m Month) Previous() Month {
	if m.Month == 1 {
		return Month{m.Year - 1, 12}
	}
	return Month{m.Year, m.Month - 1}
}

// String is "Y-M", as the ods-metadata-month metadata writes it.
func (m Month) String() string { return fmt.Sprintf("%d-%d", m.Year, m.Month) }

// ODSKey is month m's v5 organisation metadata (month not padded).
func ODSKey(m Month) string {
	return fmt.Sprintf("v5/%d/%d/organisationMetadata.json", m.Year, m.Month)
}
