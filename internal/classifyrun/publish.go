package classifyrun

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nhsdigital/gp2gp/internal/ods"
	"github.com/nhsdigital/gp2gp/internal/spool"
	"github.com/nhsdigital/gp2gp/internal/store"
)

// publishers is how many tables are written at once: an S3 PUT is mostly
// waiting for the network, and a year has 366.
const publishers = 8

// publish writes the days' tables, a few at once, all or none: if one
// fails, those written are removed and the first day's error is returned.
// It records each day's object and metadata in sum.
func publish(ctx context.Context, b *store.Bucket, cfg *Config, lookups []*lookup, tables []spool.Spool, sum *Summary, log *slog.Logger) error {
	days := cfg.Window.Days
	metas := make([]map[string]string, len(days))
	errs := make([]error, len(days))
	written := make([]bool, len(days))
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(publishers, len(days)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(days) || wctx.Err() != nil {
					return
				}
				metas[i] = Metadata(cfg.CutoffDays, cfg.BuildTag, days[i], lookups[i].month)
				opts := store.WriteOptions{ContentType: "application/octet-stream", Metadata: metas[i]}
				if errs[i] = b.WriteFileWith(wctx, OutputKey(cfg.CutoffDays, days[i]), opts, tables[i].CopyTo); errs[i] != nil {
					cancel() // stop the others
					return
				}
				written[i] = true
			}
		})
	}
	wg.Wait()
	err := ctx.Err()
	for _, e := range errs { // the first day's that failed, other than those stopped
		if e != nil && (err == nil || errors.Is(err, context.Canceled) && !errors.Is(e, context.Canceled)) {
			err = e
		}
	}
	if err != nil {
		for i, w := range written {
			if !w {
				continue
			}
			k := OutputKey(cfg.CutoffDays, days[i])
			if derr := b.Delete(context.WithoutCancel(ctx), k); derr != nil {
				log.Error("could not remove an output after another failed", "object", b.URL(k), "error", derr)
			}
		}
		return err // the store's error names the object
	}
	for i, d := range days {
		sum.Days[i].Output = b.URL(OutputKey(cfg.CutoffDays, d))
		sum.Days[i].Metadata = metas[i]
	}
	return nil
}

// Metadata is a day's S3 user metadata (SPEC-SUCCESSOR §1.4).
func Metadata(cutoffDays int, buildTag string, d time.Time, m Month) map[string]string {
	return map[string]string{
		"cutoff-days":        strconv.Itoa(cutoffDays),
		"build-tag":          buildTag,
		"start-datetime":     ods.PyIsoFormat(d, true),
		"end-datetime":       ods.PyIsoFormat(d.Add(Day), true),
		"ods-metadata-month": m.String(),
	}
}
