package metrics

import (
	"slices"

	"github.com/nhsdigital/gp2gp/internal/spine"
)

// PracticeMetrics is the content of practiceMetrics.json for one metric
// month (docs/outputs.md), plus what the run summary reports about unknown ASIDs.
type PracticeMetrics struct {
	Year, Month int
	// Practices has one entry per practice of the metadata, in its order.
	Practices []PracticeSummary
	// CCGs are the metadata's CCGs, in its order.
	CCGs []CCG
	// UnknownASIDTransfers counts successfully integrated transfers whose
	// requesting ASID no practice owns; they are in no practice's counts.
	UnknownASIDTransfers int
	// UnknownASIDs are those transfers' distinct requesting ASIDs, in the
	// order first seen.
	UnknownASIDs []string
}

// PracticeSummary is one practice's metrics for the month.
type PracticeSummary struct {
	ODSCode    string
	Name       string
	Integrated IntegratedPractice
}

// IntegratedPractice counts a practice's successfully integrated transfers
// (as requester) and their share of each SLA band, in percent to one
// decimal place (absent when TransferCount is 0).
type IntegratedPractice struct {
	TransferCount         int
	Bands                 BandCounts
	Within3DaysPercentage Percentage
	Within8DaysPercentage Percentage
	Beyond8DaysPercentage Percentage
}

// practiceDigits is the rounding of practice percentages.
const practiceDigits = 1

// ComputePracticeMetrics computes the practice metrics of the metric month
// (year, month) from its classified, windowed transfers.
func ComputePracticeMetrics(transfers []spine.Transfer, orgs *Organisations, year, month int) PracticeMetrics {
	c := NewPracticeCounter(orgs, year, month)
	for i := range transfers {
		c.Add(&transfers[i])
	}
	return c.Metrics()
}

// PracticeCounter accumulates practice metrics one transfer at a time, so a
// caller can stream transfers instead of holding them all.
type PracticeCounter struct {
	orgs        *Organisations
	year, month int
	owner       map[string]int // ASID → index in counts: one lookup a transfer
	slot        map[string]int // ODS code → index in counts
	counts      []BandCounts
	unknownN    int
	unknown     []string
	seen        map[string]bool // unknown ASIDs seen
}

// NewPracticeCounter returns an empty counter for the metric month
// (year, month), attributing transfers with orgs (nil means no practices).
func NewPracticeCounter(orgs *Organisations, year, month int) *PracticeCounter {
	if orgs == nil {
		orgs = &Organisations{}
	}
	c := &PracticeCounter{
		orgs:  orgs,
		year:  year,
		month: month,
		owner: make(map[string]int),
		slot:  make(map[string]int),
		seen:  make(map[string]bool),
	}
	for asid, ods := range orgs.PracticeByASID() {
		i, ok := c.slot[ods]
		if !ok {
			i = len(c.counts)
			c.slot[ods] = i
			c.counts = append(c.counts, BandCounts{})
		}
		c.owner[asid] = i
	}
	return c
}

// Add counts t if it was successfully integrated, for the practice owning
// its requesting ASID.
func (c *PracticeCounter) Add(t *spine.Transfer) {
	if !t.Integrated() {
		return
	}
	i, ok := c.owner[t.RequestingASID]
	if !ok {
		c.unknownN++
		if !c.seen[t.RequestingASID] {
			c.seen[t.RequestingASID] = true
			c.unknown = append(c.unknown, t.RequestingASID)
		}
		return
	}
	c.counts[i].Add(BandOf(t.SLA))
}

// Metrics returns the metrics of the transfers added so far.
func (c *PracticeCounter) Metrics() PracticeMetrics {
	m := PracticeMetrics{
		Year:                 c.year,
		Month:                c.month,
		Practices:            make([]PracticeSummary, 0, len(c.orgs.Practices)),
		CCGs:                 slices.Clone(c.orgs.CCGs),
		UnknownASIDTransfers: c.unknownN,
		UnknownASIDs:         slices.Clone(c.unknown),
	}
	for _, p := range c.orgs.Practices {
		m.Practices = append(m.Practices, PracticeSummary{
			ODSCode:    p.ODSCode,
			Name:       p.Name,
			Integrated: integratedPractice(c.countsOf(p.ODSCode)),
		})
	}
	return m
}

// countsOf returns the counts of the practice ods (zero if it has no ASID).
func (c *PracticeCounter) countsOf(ods string) BandCounts {
	if i, ok := c.slot[ods]; ok {
		return c.counts[i]
	}
	return BandCounts{}
}

func integratedPractice(b BandCounts) IntegratedPractice {
	total := b.Total()
	return IntegratedPractice{
		TransferCount:         total,
		Bands:                 b,
		Within3DaysPercentage: Percent(b.Within3Days, total, practiceDigits),
		Within8DaysPercentage: Percent(b.Within8Days, total, practiceDigits),
		Beyond8DaysPercentage: Percent(b.Beyond8Days, total, practiceDigits),
	}
}
