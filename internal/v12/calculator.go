package v12

import (
	"time"

	"github.com/nhsdigital/gp2gp/internal/metrics"
)

// YearMonth is a calendar month.
type YearMonth struct{ Year, Month int }

func (m YearMonth) index() int { return m.Year*12 + m.Month - 1 }

// MetricMonths returns the n months before the anchor's month, newest
// first. The anchor's year and month are read as written (in its own
// offset), as the reference did.
func MetricMonths(anchor time.Time, n int) []YearMonth {
	a := time.Date(anchor.Year(), anchor.Month(), 1, 0, 0, 0, 0, time.UTC)
	out := make([]YearMonth, n)
	for i := range out {
		m := a.AddDate(0, -(i + 1), 0)
		out[i] = YearMonth{m.Year(), int(m.Month())}
	}
	return out
}

// counts are one practice's counts in one month.
type counts struct {
	requested, received, within3, within8, notWithin8, failures int
}

func (c *counts) add(o outcome, t *Transfer) {
	c.requested++
	switch o {
	case onTime:
		c.received++
		if t.HasSLA && t.SLADuration <= ThreeDays {
			c.within3++
		} else if t.HasSLA && t.SLADuration <= EightDays {
			c.within8++
		}
	case late, notIntegrated:
		c.received++
		c.notWithin8++
	case technical, unclassified:
		c.failures++
	}
}

// practice is one practice's aggregate: its latest transfer's details and
// its counts per metric month.
type practice struct {
	code                       string
	latest                     time.Time
	name, sicblCode, sicblName Optional
	months                     []counts
	transfers                  int // all of them, in the metric months or not
}

// nationalCounts are the latest month's national counts.
type nationalCounts struct {
	total, onTime, technical, late, notIntegrated, unclassified int
}

// Calculator accumulates transfers, one at a time, into the v12 metrics.
// It keeps counts per practice and month, not the transfers.
type Calculator struct {
	months    []YearMonth
	first     int // index of the newest month
	practices []*practice
	byCode    map[string]*practice
	national  nationalCounts
	report    Report
}

// Report accounts for the transfers a Calculator was given.
type Report struct {
	// Transfers is how many were added.
	Transfers int
	// WithoutODSCode were left out of the practice metrics for a null
	// requesting practice ODS code (the reference's
	// UNKNOWN_PRACTICE_ODS_CODE_FOR_TRANSFER); they count nationally.
	WithoutODSCode int
	// OutsideMonths were requested outside every metric month: they count
	// in no month, but they are their practice's transfers all the same.
	OutsideMonths int
	// DroppedPractices are the practices left out because their latest
	// transfer has no Sub-ICB location ODS code (the reference's
	// UNKNOWN_SICBL_ODS_CODE_FOR_TRANSFER), in first-seen order, and
	// DroppedTransfers how many transfers they had.
	DroppedPractices []string
	DroppedTransfers int
}

// NewCalculator returns a calculator for the metric months given, newest
// first (see MetricMonths); there must be at least one.
func NewCalculator(months []YearMonth) *Calculator {
	c := &Calculator{months: months, byCode: map[string]*practice{}}
	if len(months) > 0 {
		c.first = months[0].index()
	}
	return c
}

// monthIndex is t's position in the metric months, or -1.
func (c *Calculator) monthIndex(t time.Time) int {
	u := t.UTC()
	i := c.first - YearMonth{u.Year(), int(u.Month())}.index()
	if i < 0 || i >= len(c.months) {
		return -1
	}
	return i
}

// Add counts one transfer.
func (c *Calculator) Add(t *Transfer) {
	c.report.Transfers++
	o := outcomeOf(t)
	mi := c.monthIndex(t.DateRequested)
	if mi < 0 {
		c.report.OutsideMonths++
	}
	if mi == 0 {
		n := &c.national
		n.total++
		switch o {
		case onTime:
			n.onTime++
		case technical:
			n.technical++
		case unclassified:
			n.unclassified++
		case late:
			n.late++
		case notIntegrated:
			n.notIntegrated++
		}
	}
	if !t.ODSCode.Valid {
		c.report.WithoutODSCode++
		return
	}
	p := c.byCode[t.ODSCode.Value]
	if p == nil {
		p = &practice{code: t.ODSCode.Value, months: make([]counts, len(c.months))}
		c.byCode[p.code] = p
		c.practices = append(c.practices, p)
		p.latest, p.name, p.sicblCode, p.sicblName = t.DateRequested, t.Name, t.SICBLCode, t.SICBLName
	} else if t.DateRequested.After(p.latest) { // strictly later: on a tie the first wins
		p.latest, p.name, p.sicblCode, p.sicblName = t.DateRequested, t.Name, t.SICBLCode, t.SICBLName
	}
	p.transfers++
	if mi >= 0 {
		p.months[mi].add(o, t)
	}
}

// Share is a count and its percentage of a total.
type Share struct {
	Count   int
	Percent metrics.Percentage
}

// National is nationalMetrics.json's one month (SPEC-SUCCESSOR §3.4):
// percentages of TransferCount to 2 decimal places, null when it is 0.
type National struct {
	Year, Month      int
	TransferCount    int
	IntegratedOnTime Share
	// PaperFallback is every transfer not integrated on time.
	PaperFallback            Share
	TechnicalFailure         Share
	IntegratedLate           Share // process failure, integrated late
	TransferredNotIntegrated Share // process failure, transferred, not integrated
	UnclassifiedFailure      Share
}

// National returns the newest metric month's national metrics: every
// transfer requested in it, unknown practices included.
func (c *Calculator) National() National {
	n := c.national
	share := func(k int) Share { return Share{k, metrics.Percent(k, n.total, 2)} }
	var ym YearMonth
	if len(c.months) > 0 {
		ym = c.months[0]
	}
	return National{
		Year: ym.Year, Month: ym.Month, TransferCount: n.total,
		IntegratedOnTime:         share(n.onTime),
		PaperFallback:            share(n.total - n.onTime),
		TechnicalFailure:         share(n.technical),
		IntegratedLate:           share(n.late),
		TransferredNotIntegrated: share(n.notIntegrated),
		UnclassifiedFailure:      share(n.unclassified),
	}
}

// Month is one practice's figures in one month (SPEC-SUCCESSOR §3.5):
// percentages to 1 decimal place of Requested (received, failures) or
// Received (the rest), null when that is 0.
type Month struct {
	Year, Month           int
	Requested             int
	Received              int
	ReceivedPercent       metrics.Percentage
	Within3Days           int
	Within3DaysPercent    metrics.Percentage
	Within8Days           int
	Within8DaysPercent    metrics.Percentage
	NotWithin8DaysTotal   int
	NotWithin8DaysPercent metrics.Percentage
	FailuresTotal         int
	FailuresTotalPercent  metrics.Percentage
}

// Practice is one practice's entry: its name and Sub-ICB location from its
// latest transfer, and a Month per metric month, newest first.
type Practice struct {
	ODSCode   string
	Name      Optional
	SICBLCode string
	SICBLName Optional
	Metrics   []Month
}

// SICBL is a Sub-ICB location with its practices, in first-seen order.
type SICBL struct {
	ODSCode   string
	Name      Optional
	Practices []string
}

// PracticeMetrics is practiceMetrics.json's content.
type PracticeMetrics struct {
	Practices []Practice
	SICBLs    []SICBL
}

// Practices returns every practice with transfers, in first-seen order,
// except those whose latest transfer has no Sub-ICB location; and the
// Sub-ICB locations of those listed, in the order first listed, named as
// their first practice names them.
func (c *Calculator) Practices() PracticeMetrics {
	out := PracticeMetrics{Practices: []Practice{}, SICBLs: []SICBL{}}
	sicbl := map[string]int{}
	for _, p := range c.practices {
		if !p.sicblCode.Valid {
			continue
		}
		pr := Practice{ODSCode: p.code, Name: p.name, SICBLCode: p.sicblCode.Value, SICBLName: p.sicblName,
			Metrics: make([]Month, len(c.months))}
		for i, ym := range c.months {
			k := p.months[i]
			pr.Metrics[i] = Month{
				Year: ym.Year, Month: ym.Month,
				Requested:             k.requested,
				Received:              k.received,
				ReceivedPercent:       metrics.Percent(k.received, k.requested, 1),
				Within3Days:           k.within3,
				Within3DaysPercent:    metrics.Percent(k.within3, k.received, 1),
				Within8Days:           k.within8,
				Within8DaysPercent:    metrics.Percent(k.within8, k.received, 1),
				NotWithin8DaysTotal:   k.notWithin8,
				NotWithin8DaysPercent: metrics.Percent(k.notWithin8, k.received, 1),
				FailuresTotal:         k.failures,
				FailuresTotalPercent:  metrics.Percent(k.failures, k.requested, 1),
			}
		}
		out.Practices = append(out.Practices, pr)
		i, ok := sicbl[pr.SICBLCode]
		if !ok {
			i = len(out.SICBLs)
			sicbl[pr.SICBLCode] = i
			out.SICBLs = append(out.SICBLs, SICBL{ODSCode: pr.SICBLCode, Name: pr.SICBLName})
		}
		out.SICBLs[i].Practices = append(out.SICBLs[i].Practices, pr.ODSCode)
	}
	return out
}

// Report returns the accounting of the transfers added so far.
func (c *Calculator) Report() Report {
	r := c.report
	r.DroppedPractices = []string{}
	for _, p := range c.practices {
		if !p.sicblCode.Valid {
			r.DroppedPractices = append(r.DroppedPractices, p.code)
			r.DroppedTransfers += p.transfers
		}
	}
	return r
}
