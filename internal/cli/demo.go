package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/nhsdigital/gp2gp/internal/metrics"
	"github.com/nhsdigital/gp2gp/internal/pipeline"
	"github.com/nhsdigital/gp2gp/internal/store"
	"github.com/nhsdigital/gp2gp/internal/synth"
)

func demoCmd(ctx context.Context, c *invocation, args []string) (int, error) {
	fs := newFlagSet("demo [flags]", "Generates a realistic synthetic month of Spine logs (seeded, deterministic) and runs\nthe monthly pipeline on it. Needs no configuration.", c)
	dir := fs.String("dir", "gp2gp-demo", "directory for the demo's buckets: spine/, org/ and output/")
	conversations := fs.Int("conversations", 20000, "number of conversations to generate")
	seed := fs.Int64("seed", 1, "random seed")
	monthFlag := fs.String("month", "2019-12", "metric month to generate, YYYY-MM")
	cutoff := fs.Int("cutoff-days", 14, "conversation cutoff in days for the run (0: none)")
	if err := fs.parse(args); err != nil {
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
	var example exampleFinder
	if err := generate(ctx, gen, cfg, pipeline.NewLayout(anchor), &example); err != nil {
		return 0, err
	}
	res, code, err := runPipeline(ctx, c, cfg)
	if err != nil {
		return code, err
	}
	printHeadline(c.stdout, res, root)
	printNextSteps(c.stdout, res, cfg, example.id)
	return code, nil
}

// printNextSteps says where the report is and how to explain a transfer
// of the demo month.
func printNextSteps(w io.Writer, res *pipeline.Result, cfg pipeline.Config, id string) {
	fmt.Fprintf(w, "\nReport:  %s (open it in a browser)\n", filepath.Join(res.Outputs, pipeline.ReportFile))
	if id == "" {
		return
	}
	fmt.Fprintf(w, "Why did a transfer fail? For example:\n  gp2gp explain --spine-bucket %s --organisation-bucket %s --date-anchor %s --cutoff-days %d %s\n",
		cfg.SpineBucket, cfg.OrganisationBucket, cfg.Anchor.Format("2006-01-02"), cfg.CutoffDays, id)
}

// exampleFinder reads the generator's manifest (CSV: conversation_id,
// family, ...) and keeps the first conversation built to end with a final
// error, for the demo's explain example.
type exampleFinder struct {
	pending []byte
	id      string
}

func (f *exampleFinder) Write(p []byte) (int, error) {
	if f.id != "" {
		return len(p), nil
	}
	f.pending = append(f.pending, p...)
	for {
		i := bytes.IndexByte(f.pending, '\n')
		if i < 0 {
			return len(p), nil
		}
		line := f.pending[:i]
		f.pending = f.pending[i+1:]
		if id, rest, ok := strings.Cut(string(line), ","); ok && strings.HasPrefix(rest, exampleFamily+",") {
			f.id, f.pending = id, nil
			return len(p), nil
		}
	}
}

// exampleFamily is the scenario family the demo suggests explaining.
const exampleFamily = "final_error"

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
func generate(ctx context.Context, gen synth.Config, cfg pipeline.Config, l pipeline.Layout, manifest io.Writer) error {
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
			_, err := synth.Generate(gen, metric, overflow, &org, manifest)
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
