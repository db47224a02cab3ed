package metrics

import "github.com/nhsdigital/gp2gp/internal/spine"

// Band is an SLA band of an integrated transfer (docs/outputs.md).
type Band uint8

const (
	Within3Days Band = iota // SLA ≤ 259,200 s
	Within8Days             // 259,200 s < SLA ≤ 691,200 s
	Beyond8Days             // SLA > 691,200 s
)

// Band limits, inclusive.
const (
	ThreeDays = 3 * spine.Day
	EightDays = 8 * spine.Day
)

// BandOf places an exact SLA duration (microseconds) in its band.
func BandOf(sla spine.Time) Band {
	switch {
	case sla <= ThreeDays:
		return Within3Days
	case sla <= EightDays:
		return Within8Days
	}
	return Beyond8Days
}

// BandCounts counts integrated transfers per SLA band.
type BandCounts struct {
	Within3Days int
	Within8Days int
	Beyond8Days int
}

// Add counts one transfer of the given band.
func (c *BandCounts) Add(b Band) {
	switch b {
	case Within3Days:
		c.Within3Days++
	case Within8Days:
		c.Within8Days++
	default:
		c.Beyond8Days++
	}
}

// Total is the number of transfers counted.
func (c BandCounts) Total() int { return c.Within3Days + c.Within8Days + c.Beyond8Days }
