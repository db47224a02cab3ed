package metrics

import "github.com/nhsdigital/gp2gp/internal/spine"

// NationalMetrics is the content of nationalMetrics.json for one metric
// month (docs/outputs.md). Percentages are over TransferCount, to two decimal
// places, and absent (null) when TransferCount is 0, as the reference's
// calculate_percentage returned None for a zero total.
type NationalMetrics struct {
	Year, Month   int
	TransferCount int
	Integrated    IntegratedNational
	Failed        Share
	Pending       Share
	PaperFallback Share
}

// IntegratedNational counts successfully integrated transfers per SLA band.
type IntegratedNational struct {
	TransferCount int
	Percentage    Percentage
	Bands         BandCounts
}

// Share is a number of transfers and their percentage of all transfers.
type Share struct {
	TransferCount int
	Percentage    Percentage
}

// nationalDigits is the rounding of national percentages.
const nationalDigits = 2

// outcome is a (status, failure reason) pair.
type outcome struct {
	status spine.Status
	reason string
}

// pendingOutcomes are the outcomes counted as pending. Ambiguous COPC
// messages is deliberately absent: it is neither integrated, failed nor
// pending.
var pendingOutcomes = map[outcome]bool{
	{spine.ProcessFailure, spine.ReasonTransferredNotIntegrated}:  true,
	{spine.TechnicalFailure, spine.ReasonRequestNotAcknowledged}:  true,
	{spine.TechnicalFailure, spine.ReasonCoreExtractNotSent}:      true,
	{spine.TechnicalFailure, spine.ReasonCOPCNotSent}:             true,
	{spine.TechnicalFailure, spine.ReasonCOPCNotAcknowledged}:     true,
	{spine.TechnicalFailure, spine.ReasonFatalSenderError}:        true,
	{spine.UnclassifiedFailure, spine.ReasonTransferredWithError}: true,
}

// IsPending reports whether t counts as pending in the national metrics.
func IsPending(t *spine.Transfer) bool {
	return pendingOutcomes[outcome{t.Status, t.FailureReason}]
}

// IsFailed reports whether t counts as failed in the national metrics.
func IsFailed(t *spine.Transfer) bool {
	return t.FailureReason == spine.ReasonFinalError
}

// ComputeNationalMetrics computes the national metrics of the metric month
// (year, month) from its classified, windowed transfers.
func ComputeNationalMetrics(transfers []spine.Transfer, year, month int) NationalMetrics {
	c := NewNationalCounter(year, month)
	for i := range transfers {
		c.Add(&transfers[i])
	}
	return c.Metrics()
}

// NationalCounter accumulates national metrics one transfer at a time.
type NationalCounter struct {
	year, month int
	total       int
	bands       BandCounts
	failed      int
	pending     int
}

// NewNationalCounter returns an empty counter for the metric month.
func NewNationalCounter(year, month int) *NationalCounter {
	return &NationalCounter{year: year, month: month}
}

// Add counts one transfer.
func (c *NationalCounter) Add(t *spine.Transfer) {
	c.total++
	switch {
	case t.Integrated():
		c.bands.Add(BandOf(t.SLA))
	case IsFailed(t):
		c.failed++
	case IsPending(t):
		c.pending++
	}
}

// Metrics returns the metrics of the transfers added so far.
func (c *NationalCounter) Metrics() NationalMetrics {
	integrated := c.bands.Total()
	paper := c.total - (c.bands.Within3Days + c.bands.Within8Days)
	return NationalMetrics{
		Year:          c.year,
		Month:         c.month,
		TransferCount: c.total,
		Integrated: IntegratedNational{
			TransferCount: integrated,
			Percentage:    Percent(integrated, c.total, nationalDigits),
			Bands:         c.bands,
		},
		Failed:        c.share(c.failed),
		Pending:       c.share(c.pending),
		PaperFallback: c.share(paper),
	}
}

func (c *NationalCounter) share(n int) Share {
	return Share{TransferCount: n, Percentage: Percent(n, c.total, nationalDigits)}
}
