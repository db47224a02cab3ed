package pipeline

import (
	"fmt"
	"time"

	"github.com/nhsdigital/gp2gp/internal/spine"
)

// Month is a calendar month.
type Month struct {
	Year  int
	Month time.Month
}

// MetricMonth is the last full calendar month before the anchor's month,
// with the anchor's year and month read as written, without converting its
// offset (SPEC §3).
func MetricMonth(anchor time.Time) Month {
	return Month{anchor.Year(), anchor.Month()}.Add(-1)
}

// Add returns the month n months after m.
func (m Month) Add(n int) Month {
	t := time.Date(m.Year, m.Month+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	return Month{t.Year(), t.Month()}
}

// Start is the first instant of the month, UTC.
func (m Month) Start() spine.Time {
	return spine.Time(time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, time.UTC).UnixMicro())
}

// String is "Y-M", months not zero-padded, as in the keys.
func (m Month) String() string { return fmt.Sprintf("%d-%d", m.Year, int(m.Month)) }

// Layout names the objects of one monthly run (SPEC §3).
type Layout struct {
	Metric, Overflow Month
}

// NewLayout is the layout of the run anchored at anchor.
func NewLayout(anchor time.Time) Layout {
	m := MetricMonth(anchor)
	return Layout{Metric: m, Overflow: m.Add(1)}
}

// MetricLogKey is the key of the metric month's Spine log.
func (l Layout) MetricLogKey() string {
	m := l.Metric
	return fmt.Sprintf("v2/messages/%d/%d/%s_spine_messages.csv.gz", m.Year, m.Month, m)
}

// OverflowLogKey is the key of the overflow month's Spine log.
func (l Layout) OverflowLogKey() string {
	m := l.Overflow
	return fmt.Sprintf("v2/messages-overflow/%d/%d/%s_spine_messages_overflow.csv.gz", m.Year, m.Month, m)
}

// OrganisationKey is the key of the overflow month's organisation metadata.
func (l Layout) OrganisationKey() string {
	m := l.Overflow
	return fmt.Sprintf("v2/%d/%d/organisationMetadata.json", m.Year, m.Month)
}

// OutputKey is the key of an output file of the metric month.
func (l Layout) OutputKey(name string) string {
	return fmt.Sprintf("v4/%d/%d/%s", l.Metric.Year, l.Metric.Month, name)
}

// Output file names.
const (
	TransfersFile       = "transfers.parquet"
	PracticeMetricsFile = "practiceMetrics.json"
	NationalMetricsFile = "nationalMetrics.json"
	RunSummaryFile      = "runSummary.json"
	RejectedRowsFile    = "rejectedRows.csv.gz"
	ReportFile          = "report.html"
	SuccessFile         = "_SUCCESS"
)
