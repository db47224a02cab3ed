package classifyrun

import (
	"context"
	"io"
	"runtime"

	"github.com/nhsdigital/gp2gp/internal/output"
	"github.com/nhsdigital/gp2gp/internal/store"
)

// tables stages the days' tables in the output bucket as they are encoded,
// invisible until publish makes them visible, all or none. A local bucket
// stages them beside their keys, so that publishing is a rename each.
type tables struct {
	ctx     context.Context
	b       *store.Bucket
	cfg     *Config
	lookups []*lookup
	tmpDir  string          // where other buckets' tables are staged
	staged  []*store.Staged // by day, as encoded
}

func newTables(ctx context.Context, b *store.Bucket, cfg *Config, lookups []*lookup, tmpDir string) *tables {
	return &tables{ctx: ctx, b: b, cfg: cfg, lookups: lookups, tmpDir: tmpDir, staged: make([]*store.Staged, len(cfg.Window.Days))}
}

// encode encodes and stages day i's table. The error names its object.
func (t *tables) encode(i int, ts []output.V11Transfer) error {
	d := t.cfg.Window.Days[i]
	opts := store.WriteOptions{ContentType: "application/octet-stream", Metadata: Metadata(t.cfg.CutoffDays, t.cfg.BuildTag, d, t.lookups[i].month)}
	s, err := t.b.Stage(t.ctx, OutputKey(t.cfg.CutoffDays, d), opts, t.tmpDir, func(w io.Writer) error { return output.WriteV11(w, ts) })
	t.staged[i] = s
	return err
}

// discard drops the tables staged and not published.
func (t *tables) discard() {
	for i, s := range t.staged {
		if s != nil {
			s.Discard()
			t.staged[i] = nil
		}
	}
}

// encodeDays encodes the tables of days from on, several at once.
func (t *tables) encodeDays(sink daySink, from int) error {
	return eachDay(t.ctx, from, len(t.staged), runtime.GOMAXPROCS(0), func(_ context.Context, i int) error {
		ts, err := sink.take(i)
		if err == nil {
			err = t.encode(i, ts)
		}
		return err
	})
}
