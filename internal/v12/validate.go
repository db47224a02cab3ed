package v12

import (
	"fmt"
	"time"
)

// The checks production's validate-metrics step makes before the
// dashboard is given new metrics (SPEC-SUCCESSOR §3.3).
const (
	MinNationalTransfers = 150000 // the latest month's national transfers, at least
	ValidateMonths       = 6      // months of practice metrics
)

// Check is one validation check's outcome.
type Check struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

// Validate makes production's checks of the metrics generated at
// generatedOn: at least MinNationalTransfers transfers nationally, the
// first practice with ValidateMonths months of metrics, and the latest
// month the month before generatedOn's (in UTC).
func Validate(n National, p PracticeMetrics, generatedOn time.Time) []Check {
	var out []Check
	out = append(out, Check{
		Name:   "national transfers",
		OK:     n.TransferCount >= MinNationalTransfers,
		Detail: fmt.Sprintf("%d transfers in %d-%02d; at least %d needed", n.TransferCount, n.Year, n.Month, MinNationalTransfers),
	})
	c := Check{Name: "months of practice metrics"}
	if len(p.Practices) == 0 {
		c.Detail = "no practice has metrics"
	} else {
		k := len(p.Practices[0].Metrics)
		c.OK = k == ValidateMonths
		c.Detail = fmt.Sprintf("the first practice (%s) has %d months; %d needed", p.Practices[0].ODSCode, k, ValidateMonths)
	}
	out = append(out, c)
	g := generatedOn.UTC()
	prev := time.Date(g.Year(), g.Month()-1, 1, 0, 0, 0, 0, time.UTC)
	out = append(out, Check{
		Name:   "latest month",
		OK:     n.Year == prev.Year() && n.Month == int(prev.Month()),
		Detail: fmt.Sprintf("the metrics' latest month is %d-%02d; generated in %d-%02d, so %d-%02d needed", n.Year, n.Month, g.Year(), g.Month(), prev.Year(), prev.Month()),
	})
	return out
}
