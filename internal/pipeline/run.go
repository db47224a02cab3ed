// Package pipeline wires the monthly run together: buckets → Spine logs →
// classification → metrics → outputs (SPEC §3–7, §9).
package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path"
	"time"

	"github.com/nhsdigital/gp2gp/internal/convstore"
	"github.com/nhsdigital/gp2gp/internal/metrics"
	"github.com/nhsdigital/gp2gp/internal/output"
	"github.com/nhsdigital/gp2gp/internal/spine"
	"github.com/nhsdigital/gp2gp/internal/spinelog"
	"github.com/nhsdigital/gp2gp/internal/spool"
	"github.com/nhsdigital/gp2gp/internal/store"
)

// TooManyRejectedError fails a run whose rejected rows exceed the allowed
// fraction of the rows read.
type TooManyRejectedError struct {
	Rejected, Read int
	Max            float64
	First          error // the first rejected row's error
}

func (e *TooManyRejectedError) Error() string {
	return fmt.Sprintf("%d of %d rows rejected, more than the allowed fraction %g (first: %v); nothing written",
		e.Rejected, e.Read, e.Max, e.First)
}

// Result is what a successful run produced.
type Result struct {
	Summary  *Summary
	National metrics.NationalMetrics
	// Outputs is where the outputs were written (a URL or a directory).
	Outputs string
}

// Run performs the monthly run described by cfg. It computes everything
// before it writes anything; outputs are published only if all succeeds.
// On failure the Result, if not nil, holds the summary so far.
//
// The run opens the buckets, checks that every input exists, reads the
// two logs into a conversation store (see convstore), classifies the
// store's partitions into transfers and metrics, encodes the outputs and
// publishes them.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	return run(ctx, cfg, options{})
}

// run is Run with the settings only tests choose.
func run(ctx context.Context, cfg Config, o options) (*Result, error) {
	start := time.Now()
	log := cfg.log()
	layout := NewLayout(cfg.Anchor)
	sum := newSummary()
	sum.MetricMonth, sum.OverflowMonth = layout.Metric.String(), layout.Overflow.String()
	sum.DateAnchor = cfg.Anchor.Format(time.RFC3339Nano)
	sum.CutoffDays = cfg.CutoffDays
	sum.MaxRejectedFraction = cfg.MaxRejectedFraction

	// Open the buckets.
	opts := store.Options{EndpointURL: cfg.S3Endpoint}
	spineB, err := store.Open(ctx, cfg.SpineBucket, opts)
	if err != nil {
		return nil, fmt.Errorf("spine bucket: %w", err)
	}
	defer spineB.Close()
	orgB, err := store.Open(ctx, cfg.OrganisationBucket, opts)
	if err != nil {
		return nil, fmt.Errorf("organisation metadata bucket: %w", err)
	}
	defer orgB.Close()
	outB, err := store.Open(ctx, cfg.OutputBucket, opts)
	if err != nil {
		return nil, fmt.Errorf("output bucket: %w", err)
	}
	defer outB.Close()

	// Check the inputs, before reading any.
	inputs := []input{
		{"metric log", spineB, layout.MetricLogKey()},
		{"overflow log", spineB, layout.OverflowLogKey()},
		{"organisation metadata", orgB, layout.OrganisationKey()},
	}
	if err := checkInputs(ctx, inputs); err != nil {
		return nil, err
	}
	// And that the outputs can be written, rather than learn it after the
	// read.
	if err := outB.CheckWritable(ctx, layout.OutputKey(TransfersFile)); err != nil {
		return nil, fmt.Errorf("output bucket: %w", err)
	}
	orgs, err := readOrganisations(ctx, orgB, layout.OrganisationKey())
	if err != nil {
		return nil, err
	}

	// Read the logs into the store, in memory or, for a large month, on
	// disk; classify early the partitions that become final meanwhile.
	spill, gzBytes, err := spillDecision(ctx, o.spillThreshold, spineB, layout)
	if err != nil {
		return nil, err
	}
	dir := ""
	if spill {
		if dir, err = os.MkdirTemp(o.tempDir, "gp2gp-spill-*"); err != nil {
			return nil, spillDirError(o.tempDir, err)
		}
		defer os.RemoveAll(dir)
	}
	opt := classifyOptions(cfg.CutoffDays, layout)
	opt.UK07CoreEHR = cfg.UK07CoreEHR
	classifyEarly := spill && opt.Cutoff > 0 && o.early != earlyOff
	storeOpt := convstore.Options{PartitionSize: o.partitionSize, Dir: dir, Conversations: convstore.ConversationsIn(gzBytes)}
	if classifyEarly {
		storeOpt.Cutoff = opt.Cutoff
	}
	st := convstore.New(storeOpt)
	defer st.Close()
	prog := startProgress(cfg.Progress, cfg.ProgressInterval)
	defer prog.stop()
	col, err := newCollector(dir, orgs, layout)
	if err != nil {
		return nil, err
	}
	defer func() { col.discard() }()
	var e *early
	if classifyEarly {
		e = startEarly(st, opt, o.early == earlyEager, col.add)
	}
	var rejected []*spinelog.ParseError
	for _, in := range inputs[:2] {
		log.Info("reading", "input", in.name, "object", spineB.URL(in.key), "spill", spill)
		is, rej, err := readLog(ctx, spineB, in.key, in.name, st, e, prog)
		if err != nil {
			return nil, err
		}
		sum.addInput(is)
		rejected = append(rejected, rej...)
	}
	if err := st.Finish(); err != nil {
		return nil, err
	}
	if sum.RowsRejected > 0 && float64(sum.RowsRejected) > cfg.MaxRejectedFraction*float64(sum.RowsRead) {
		return &Result{Summary: sum}, &TooManyRejectedError{Rejected: sum.RowsRejected, Read: sum.RowsRead, Max: cfg.MaxRejectedFraction, First: rejected[0]}
	}

	// Classify the partitions not classified early.
	from := 0
	if e != nil {
		emitted, late, disproved, err := e.end()
		if err != nil {
			return nil, err
		}
		if disproved { // start again, without what was classified early
			col.discard()
			if col, err = newCollector(dir, orgs, layout); err != nil {
				return nil, err
			}
		}
		from = emitted
		col.sum.Messages[spine.CutOff.String()] += late
		log.Info("classified early", "partitions", emitted, "disproved", disproved)
	}
	log.Info("classifying", "conversations", st.Conversations(), "partitions", st.Partitions()-from, "compact_mb", st.Bytes()>>20, "spilled", spill, cpu())
	o.phase("classify")
	prog.classifying(st.Conversations())
	prog.classified(col.sum.Conversations)
	err = classifyPartitions(ctx, st, from, opt, func(c *classified) error {
		prog.classified(c.sum.Conversations)
		return col.add(c)
	})
	if err != nil {
		return nil, err
	}
	sum.merge(col.sum)
	log.Debug("classified", "transfers", sum.Transfers, cpu())
	transfersFile, err := col.tf.close()
	if err != nil {
		return nil, err
	}
	log.Debug("transfers encoded")
	practice := col.practice.Metrics()
	national := col.national.Metrics()
	sum.UnknownRequestingASIDs = unknownASIDs(practice)

	// Encode the outputs, then publish them.
	o.phase("encode")
	prog.publishing()
	encoded, err := encodeOutputs(&cfg, sum, start, transfersFile, practice, national, rejected)
	if err != nil {
		return nil, err
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	log.Debug("outputs encoded")
	o.phase("publish")
	if err := publish(ctx, outB, layout, encoded, o.phase); err != nil {
		return nil, err
	}
	res := &Result{Summary: sum, National: national, Outputs: outB.URL(layout.OutputKey(""))}
	log.Info("published", "outputs", res.Outputs, "transfers", sum.Transfers, cpu())
	sum.ElapsedSeconds = time.Since(start).Seconds()
	return res, nil
}

// input is one object the run reads.
type input struct {
	name   string
	bucket *store.Bucket
	key    string
}

// checkInputs fails early, before reading anything, if an input is missing.
func checkInputs(ctx context.Context, inputs []input) error {
	for _, in := range inputs {
		ok, err := in.bucket.Exists(ctx, in.key)
		if err != nil { // the store's error names the object
			return fmt.Errorf("%s: %w", in.name, err)
		}
		if !ok {
			return fmt.Errorf("%s %s: %w", in.name, in.bucket.URL(in.key), store.ErrNotFound)
		}
	}
	return nil
}

func readOrganisations(ctx context.Context, b *store.Bucket, key string) (*metrics.Organisations, error) {
	r, err := b.NewReader(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("organisation metadata: %w", err)
	}
	defer r.Close()
	orgs, err := metrics.ParseOrganisations(r)
	if err != nil {
		return nil, fmt.Errorf("organisation metadata %s: %w", b.URL(key), err)
	}
	return orgs, nil
}

// readLog streams one Spine log into st, skipping and collecting rejected
// rows, and classifying early with e, if set.
func readLog(ctx context.Context, b *store.Bucket, key, input string, st *convstore.Store, e *early, prog *progress) (InputSummary, []*spinelog.ParseError, error) {
	is := InputSummary{Input: input, Object: b.URL(key)}
	size, err := b.Size(ctx, key)
	if err != nil { // the store's error names the object
		return is, nil, fmt.Errorf("%s: %w", input, err)
	}
	r, err := b.NewReader(ctx, key)
	if err != nil {
		return is, nil, fmt.Errorf("%s: %w", input, err)
	}
	defer r.Close()
	lr, err := spinelog.NewReader(r, path.Base(key))
	if err != nil {
		return is, nil, logError(input, b.URL(key), err)
	}
	defer lr.Close()
	e.watch(lr)
	prog.reading(input, size, lr)
	var rejected []*spinelog.ParseError
	var row spinelog.Row
	for n := 0; ; n++ {
		if err := lr.ReadRow(&row); err != nil {
			if err == io.EOF {
				break
			}
			if pe, ok := errors.AsType[*spinelog.ParseError](err); ok {
				rejected = append(rejected, pe)
				continue
			}
			return is, nil, logError(input, b.URL(key), err)
		}
		if err := st.Add(&row); err != nil {
			return is, nil, err
		}
		e.added()
		if n%4096 == 0 && ctx.Err() != nil {
			return is, nil, ctx.Err()
		}
	}
	if ctx.Err() != nil {
		return is, nil, ctx.Err()
	}
	stats := lr.Stats()
	prog.read(stats)
	is.RowsRead, is.RowsAccepted, is.RowsRejected = int(stats.Records), int(stats.Accepted), int(stats.Rejected)
	return is, rejected, nil
}

// logError says which input an error reading a log came from, and where it
// is, once. spinelog's errors name the file by the name it was given, the
// key's base name (which the rejected rows keep); a FileError is named by
// the object's URL instead, rather than by both.
func logError(input, url string, err error) error {
	if fe, ok := err.(*spinelog.FileError); ok {
		named := *fe
		named.File = url
		return fmt.Errorf("%s %w", input, &named)
	}
	return fmt.Errorf("%s %s: %w", input, url, err)
}

// cpu is the CPU time used so far, as a log attribute: with the log's
// times, it shows how busy each phase kept the cores.
func cpu() slog.Attr {
	s, ok := cpuSeconds()
	if !ok {
		return slog.Attr{}
	}
	return slog.Float64("cpu_s", math.Round(s*100)/100)
}

func unknownASIDs(p metrics.PracticeMetrics) UnknownASIDs {
	u := UnknownASIDs{Transfers: p.UnknownASIDTransfers, Distinct: len(p.UnknownASIDs)}
	u.Examples = p.UnknownASIDs[:min(5, len(p.UnknownASIDs))]
	return u
}

type outputFile struct {
	name  string
	write func(io.Writer) error
}

// encodedFile is an output ready to publish.
type encodedFile struct {
	name string
	spool.Spool
}

// encodeOutputs renders every output but transfers.parquet (already
// encoded) in memory, in publishing order: transfers, the metrics, the
// rejected rows, the run summary and the report.
func encodeOutputs(cfg *Config, sum *Summary, start time.Time, transfers encodedFile,
	practice metrics.PracticeMetrics, national metrics.NationalMetrics, rejected []*spinelog.ParseError) ([]encodedFile, error) {
	generatedOn := cfg.now().UTC()
	sum.GeneratedOn = output.FormatGeneratedOn(generatedOn)
	encoded, err := encode([]outputFile{
		{PracticeMetricsFile, func(w io.Writer) error { return output.WritePracticeMetrics(w, practice, generatedOn) }},
		{NationalMetricsFile, func(w io.Writer) error { return output.WriteNationalMetrics(w, national, generatedOn) }},
		{RejectedRowsFile, func(w io.Writer) error { return writeRejected(w, rejected) }},
	})
	if err != nil {
		return nil, err
	}
	encoded = append([]encodedFile{transfers}, encoded...)
	sum.ElapsedSeconds = time.Since(start).Seconds()
	summaryJSON, err := json.MarshalIndent(sum, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", RunSummaryFile, err)
	}
	encoded = append(encoded, encodedFile{RunSummaryFile, spool.Spool{Data: append(summaryJSON, '\n')}})
	if !cfg.NoReport {
		html, err := renderReport(encoded)
		if err != nil {
			return nil, err
		}
		encoded = append(encoded, encodedFile{ReportFile, spool.Spool{Data: html}})
	}
	return encoded, nil
}

// encode renders every output in memory, so that nothing is written unless
// everything could be computed.
func encode(files []outputFile) ([]encodedFile, error) {
	out := make([]encodedFile, 0, len(files)+1)
	for _, f := range files {
		s, err := spool.Write("", f.write)
		if err != nil {
			return nil, fmt.Errorf("encode %s: %w", f.name, err)
		}
		out = append(out, encodedFile{f.name, s})
	}
	return out, nil
}

// publish writes the outputs: first it removes the _SUCCESS marker of any
// earlier run, then writes each output atomically, then writes _SUCCESS. If
// any write fails (or the run is cancelled), the outputs written so far are
// removed.
func publish(ctx context.Context, b *store.Bucket, l Layout, files []encodedFile, phase func(string)) error {
	if err := b.Delete(ctx, l.OutputKey(SuccessFile)); err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("remove earlier %s: %w", SuccessFile, err)
	}
	files = append(files, encodedFile{name: SuccessFile})
	for i, f := range files {
		key := l.OutputKey(f.name)
		err := b.WriteFile(ctx, key, f.CopyTo)
		if err != nil {
			// A fresh context: the run's may be why the write failed.
			cleanup := context.WithoutCancel(ctx)
			for _, done := range files[:i] {
				b.Delete(cleanup, l.OutputKey(done.name))
			}
			return err // the store's error names the object
		}
		phase("published " + f.name)
	}
	return nil
}
