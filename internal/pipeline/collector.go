package pipeline

import "github.com/nhsdigital/gp2gp/internal/metrics"

// collector gathers the classified partitions, in order: their transfers
// into transfers.parquet, the metrics and the accounting.
type collector struct {
	sum      *Summary
	practice *metrics.PracticeCounter
	national *metrics.NationalCounter
	tf       *transferSink
}

func newCollector(dir string, orgs *metrics.Organisations, l Layout) (*collector, error) {
	tf, err := newTransferSink(dir)
	if err != nil {
		return nil, err
	}
	y, m := l.Metric.Year, int(l.Metric.Month)
	return &collector{
		sum:      newSummary(),
		practice: metrics.NewPracticeCounter(orgs, y, m),
		national: metrics.NewNationalCounter(y, m),
		tf:       tf,
	}, nil
}

func (c *collector) add(p *classified) error {
	c.sum.merge(p.sum)
	for i := range p.transfers {
		c.practice.Add(&p.transfers[i])
		c.national.Add(&p.transfers[i])
	}
	return c.tf.write(p.transfers)
}

// discard drops the transfers file after a failure.
func (c *collector) discard() { c.tf.discard() }
