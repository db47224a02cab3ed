package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/nhsdigital/gp2gp/internal/metrics"
	"github.com/nhsdigital/gp2gp/internal/pipeline"
	"github.com/nhsdigital/gp2gp/internal/store"
	"github.com/nhsdigital/gp2gp/internal/synth"
)

func demoCmd(ctx context.Context, c *invocation, args []string) (int, error) {
	fs := newFlagSet("demo [flags]", "Generates a realistic synthetic month of Spine logs (seeded, deterministic) and runs\nthe monthly pipeline on it. Needs no configuration.", c.stderr)
	dir := fs.String("dir", "gp2gp-demo", "directory for the demo's buckets: spine/, org/ and output/")
	conversations := fs.Int("conversations", 20000, "number of conversations to generate")
	seed := fs.Int64("seed", 1, "random seed")
	monthFlag := fs.String("month", "2019-12", "metric month to generate, YYYY-MM")
	cutoff := fs.Int("cutoff-days", 14, "conversation cutoff in days for the run (0: none)")
	if err := parseFlags(fs, args); err != nil {
		return 0, err
	}
	month, err := time.Parse("2006-01", *monthFlag)
	if err != nil {
		return 0, usagef("--month %q is not YYYY-MM", *monthFlag)
	}
	if *conversations < 1 {
		return 0, usagef("--conversations must be at least 1")
	}
	if *cutoff < 0 {
		return 0, usagef("--cutoff-days must not be negative")
	}
	root, err := filepath.Abs(*dir)
	if err != nil {
		return 0, err
	}
	// The anchor is mid-way through the month after the metric month.
	anchor := time.Date(month.Year(), month.Month()+1, 15, 0, 0, 0, 0, time.UTC)
	cfg := pipeline.Config{
		SpineBucket:         filepath.Join(root, "spine"),
		OrganisationBucket:  filepath.Join(root, "org"),
		OutputBucket:        filepath.Join(root, "output"),
		Anchor:              anchor,
		CutoffDays:          *cutoff,
		MaxRejectedFraction: pipeline.DefaultMaxRejectedFraction,
	}
	gen := synth.Config{Seed: *seed, Conversations: *conversations, Year: month.Year(), Month: int(month.Month())}
	c.log.Info("generating synthetic month", "month", *monthFlag, "conversations", *conversations, "seed", *seed, "dir", root)
	if err := generate(ctx, gen, cfg, pipeline.NewLayout(anchor)); err != nil {
		return 0, err
	}
	res, code, err := runPipeline(ctx, c, cfg)
	if err != nil {
		return code, err
	}
	printHeadline(c.stdout, res, root)
	return code, nil
}

// printHeadline prints where the outputs are and the national figures.
func printHeadline(w io.Writer, res *pipeline.Result, root string) {
	n := res.National
	pct := func(p metrics.Percentage) string {
		if !p.Valid {
			return "n/a"
		}
		return fmt.Sprintf("%.2f%%", p.Value)
	}
	fmt.Fprintf(w, "Outputs: %s\n", res.Outputs)
	fmt.Fprintf(w, "Inputs:  %s, %s\n\n", filepath.Join(root, "spine"), filepath.Join(root, "org"))
	fmt.Fprintf(w, "National metrics, %d-%02d: %d transfers\n", n.Year, n.Month, n.TransferCount)
	fmt.Fprintf(w, "  integrated      %7d  %7s  (within 3 days %d, within 8 days %d, beyond 8 days %d)\n",
		n.Integrated.TransferCount, pct(n.Integrated.Percentage), n.Integrated.Bands.Within3Days, n.Integrated.Bands.Within8Days, n.Integrated.Bands.Beyond8Days)
	fmt.Fprintf(w, "  failed          %7d  %7s\n", n.Failed.TransferCount, pct(n.Failed.Percentage))
	fmt.Fprintf(w, "  pending         %7d  %7s\n", n.Pending.TransferCount, pct(n.Pending.Percentage))
	fmt.Fprintf(w, "  paper fallback  %7d  %7s\n", n.PaperFallback.TransferCount, pct(n.PaperFallback.Percentage))
}

// generate writes a synthetic month into the run's input buckets.
func generate(ctx context.Context, gen synth.Config, cfg pipeline.Config, l pipeline.Layout) error {
	spineB, err := store.Open(ctx, cfg.SpineBucket, store.Options{})
	if err != nil {
		return err
	}
	defer spineB.Close()
	orgB, err := store.Open(ctx, cfg.OrganisationBucket, store.Options{})
	if err != nil {
		return err
	}
	defer orgB.Close()
	var org bytes.Buffer
	err = spineB.WriteFile(ctx, l.MetricLogKey(), func(metric io.Writer) error {
		return spineB.WriteFile(ctx, l.OverflowLogKey(), func(overflow io.Writer) error {
			_, err := synth.Generate(gen, metric, overflow, &org, nil)
			return err
		})
	})
	if err != nil {
		return fmt.Errorf("generate: %w", err)
	}
	return orgB.WriteFile(ctx, l.OrganisationKey(), func(w io.Writer) error {
		_, err := w.Write(org.Bytes())
		return err
	})
}
