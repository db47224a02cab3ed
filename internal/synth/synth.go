// Package synth generates realistic synthetic Spine months: the metric
// month's message log, the overflow month's log and the organisation
// metadata, in the formats the pipeline reads (docs/inputs.md).
//
// Generation is seeded and deterministic (the same Config gives the same
// bytes), streams in bounded memory and writes millions of rows a minute.
// Conversations are generated in order of their start; their messages wait
// in a small queue and are written in time order, apart from a few rows
// logged late as Splunk exports sometimes have them.
package synth

import (
	"errors"
	"fmt"
	"io"
	"time"
)

// Config describes the month to generate.
type Config struct {
	Seed int64
	// Conversations is the number of conversations, those started in the
	// month before and in the overflow month included; 0 means 20,000.
	Conversations int
	// Year and Month are the metric month; the overflow month is the next
	// one. Zero means December 2019.
	Year, Month int
	// Practices is the number of practices in the organisation metadata; 0
	// means Conversations/100, at least 200 and at most 7,000.
	Practices int
}

// DefaultConversations is the number of conversations when Config leaves it 0.
const DefaultConversations = 20_000

// Stats describes what Generate wrote.
type Stats struct {
	Conversations int
	Transfers     int   // conversations expected in the month's transfers
	MetricRows    int64 // rows of the metric month's log, header excluded
	OverflowRows  int64
	// RowsOutside counts messages generated before the metric month (of
	// conversations started then), which are in neither log.
	RowsOutside   int64
	RawBytes      int64 // CSV bytes before compression, both logs
	MetricBytes   int64 // compressed bytes written
	OverflowBytes int64
	Practices     int
	ASIDs         int // in the organisation metadata
	// PeakQueuedRows is the most rows held in memory at once, waiting for
	// their time to be written.
	PeakQueuedRows int
}

// withDefaults fills in the zero fields of cfg and checks it.
func (cfg Config) withDefaults() (Config, error) {
	if cfg.Conversations == 0 {
		cfg.Conversations = DefaultConversations
	}
	if cfg.Conversations < 0 {
		return cfg, fmt.Errorf("conversations %d: must not be negative", cfg.Conversations)
	}
	if cfg.Year == 0 && cfg.Month == 0 {
		cfg.Year, cfg.Month = 2019, 12
	}
	if cfg.Month < 1 || cfg.Month > 12 || cfg.Year < 1971 || cfg.Year > 9998 {
		return cfg, fmt.Errorf("month %d-%d: not a valid month", cfg.Year, cfg.Month)
	}
	if cfg.Practices == 0 {
		cfg.Practices = min(max(cfg.Conversations/100, 200), 7000)
	}
	if cfg.Practices < 1 {
		return cfg, fmt.Errorf("practices %d: must be positive", cfg.Practices)
	}
	return cfg, nil
}

// Generate writes the metric month's log and the overflow month's log
// (gzip-compressed CSV as exported from Splunk) and the organisation
// metadata (JSON) to the writers. If manifest is not nil, it also writes
// a CSV line per conversation: conversation_id, family, expected_status,
// expected_failure_reason — the outcome the conversation was built to have
// under a 14-day conversation cutoff, empty when it is not a transfer of the
// metric month.
func Generate(cfg Config, metric, overflow, orgMetadata, manifest io.Writer) (Stats, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return Stats{}, fmt.Errorf("synth config: %w", err)
	}
	g, err := newGenerator(cfg, metric, overflow, manifest)
	if err != nil {
		return Stats{}, err
	}
	if err := g.org.write(orgMetadata); err != nil {
		return Stats{}, err
	}
	g.run()
	return g.finish()
}

func (g *generator) finish() (Stats, error) {
	var errs []error
	if err := g.metric.close(); err != nil {
		errs = append(errs, fmt.Errorf("write metric month log: %w", err))
	}
	if err := g.overflow.close(); err != nil {
		errs = append(errs, fmt.Errorf("write overflow month log: %w", err))
	}
	if g.manifest != nil {
		if err := g.manifest.close(); err != nil {
			errs = append(errs, fmt.Errorf("write manifest: %w", err))
		}
	}
	s := &g.stats
	s.MetricRows, s.OverflowRows = g.metric.rows, g.overflow.rows
	s.RawBytes = g.metric.raw + g.overflow.raw
	s.MetricBytes, s.OverflowBytes = g.metric.out.n, g.overflow.out.n
	s.PeakQueuedRows = g.q.peak
	return *s, errors.Join(errs...)
}

// monthStart is the first instant of a month, in ms since the epoch.
func monthStart(year, month int) int64 {
	return time.Date(year, time.Month(month), 1, 0, 0, 0, 0, time.UTC).UnixMilli()
}
