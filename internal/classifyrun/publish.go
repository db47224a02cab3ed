package classifyrun

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"github.com/nhsdigital/gp2gp/internal/ods"
)

// publishers is how many tables are published at once: an S3 PUT is
// mostly waiting for the network, and a year has 366.
const publishers = 8

// publish makes the staged tables visible, a few at once, all or none: if
// one fails, those published are removed and the first day's error is
// returned. It records each day's object and metadata in sum.
func publish(ctx context.Context, t *tables, sum *Summary, log *slog.Logger) error {
	published := make([]bool, len(t.staged))
	err := eachDay(ctx, 0, len(t.staged), publishers, func(ctx context.Context, i int) error {
		err := t.staged[i].Publish(ctx)
		published[i] = err == nil
		return err
	})
	cfg := t.cfg
	if err != nil {
		for i, p := range published {
			if !p {
				continue
			}
			k := OutputKey(cfg.CutoffDays, cfg.Window.Days[i])
			if derr := t.b.Delete(context.WithoutCancel(ctx), k); derr != nil {
				log.Error("could not remove an output after another failed", "object", t.b.URL(k), "error", derr)
			}
		}
		return err // the store's error names the object
	}
	for i, d := range cfg.Window.Days {
		sum.Days[i].Output = t.b.URL(OutputKey(cfg.CutoffDays, d))
		sum.Days[i].Metadata = Metadata(cfg.CutoffDays, cfg.BuildTag, d, t.lookups[i].month)
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
