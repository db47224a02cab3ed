// Package metricsrun is gp2gp metrics: it reads the v11 daily transfer
// tables of the metric months, computes the v12 national and practice
// metrics (docs/metrics.md) and publishes them, both or neither, with
// their S3 user metadata and, when asked, the SSM parameters that point
// the dashboard at them.
package metricsrun

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path"
	"strconv"
	"time"

	"github.com/nhsdigital/gp2gp/internal/ods"
	"github.com/nhsdigital/gp2gp/internal/output"
	"github.com/nhsdigital/gp2gp/internal/report"
	"github.com/nhsdigital/gp2gp/internal/store"
	"github.com/nhsdigital/gp2gp/internal/v11table"
	"github.com/nhsdigital/gp2gp/internal/v12"
)

// Config is one run's configuration.
type Config struct {
	InputBucket  string // INPUT_TRANSFER_DATA_BUCKET
	OutputBucket string // OUTPUT_METRICS_BUCKET
	BuildTag     string // BUILD_TAG
	// Anchor is DATE_ANCHOR: the metric months are the Months months
	// before its month as written. AnchorZoned says it carries an offset
	// (for the date-anchor metadata, as Python's isoformat() writes it).
	Anchor      time.Time
	AnchorZoned bool
	Months      int    // NUMBER_OF_MONTHS
	S3Endpoint  string // S3_ENDPOINT_URL
	// NationalParam and PracticeParam name the SSM parameters to point at
	// the outputs; both empty: none are written.
	NationalParam, PracticeParam string
	// Parameters writes them; if nil, the AWS SDK's SSM client is used.
	Parameters ParameterStore
	// Validate makes production's validate-metrics checks before
	// publishing: if one fails, nothing is published (ErrInvalid).
	Validate bool
	// NoReport leaves out report.html, otherwise written beside the
	// metrics.
	NoReport bool
	// Now is the clock for generatedOn; time.Now if nil.
	Now func() time.Time
	Log *slog.Logger
}

// ErrInvalid is returned (wrapped) when Validate is set and a check fails;
// the summary still says which.
var ErrInvalid = errors.New("the metrics fail validation; nothing was published")

// CutoffDays is the v11 tables' cutoff the metrics read (fixed, as in the
// reference).
const CutoffDays = 14

// DayKey is the v11 table of day d.
func DayKey(d time.Time) string {
	return fmt.Sprintf("v11/cutoff-%d/%s/%s-transfers.parquet", CutoffDays, d.Format("2006/01/02"), d.Format("2006-01-02"))
}

// OutputKeys are the national and practice metrics' keys (without v12/,
// the SSM parameters' values) for month m.
func OutputKeys(m v12.YearMonth) (national, practice string) {
	p := fmt.Sprintf("%d/%d/%d-%d-", m.Year, m.Month, m.Year, m.Month)
	return p + "nationalMetrics.json", p + "practiceMetrics.json"
}

// Days are the days read: every day of the metric months, in date order.
func Days(months []v12.YearMonth) []time.Time {
	if len(months) == 0 {
		return nil
	}
	old, newest := months[len(months)-1], months[0]
	end := time.Date(newest.Year, time.Month(newest.Month)+1, 1, 0, 0, 0, 0, time.UTC)
	var out []time.Time
	for d := time.Date(old.Year, time.Month(old.Month), 1, 0, 0, 0, 0, time.UTC); d.Before(end); d = d.AddDate(0, 0, 1) {
		out = append(out, d)
	}
	return out
}

// Summary is what a run did.
type Summary struct {
	Input        string   `json:"input"`
	Months       []string `json:"months"` // newest first, YYYY-MM
	DaysRead     int      `json:"days_read"`
	BytesRead    int64    `json:"bytes_read"`
	Transfers    int      `json:"transfers"`
	National     int      `json:"national_transfers"`
	Practices    int      `json:"practices"`
	SICBLs       int      `json:"sicbls"`
	WithoutODS   int      `json:"transfers_without_ods_code"`
	Outside      int      `json:"transfers_outside_months"`
	Dropped      []string `json:"practices_dropped_without_sicbl"`
	DroppedCount int      `json:"transfers_of_dropped_practices"`
	// Outputs are the objects written, with their user metadata (a local
	// directory does not store it: it is here).
	Outputs    map[string]map[string]string `json:"outputs"`
	Report     string                       `json:"report,omitempty"`
	Parameters map[string]string            `json:"ssm_parameters"`
	Checks     []v12.Check                  `json:"validation,omitempty"`
	Published  bool                         `json:"published"`
	Elapsed    float64                      `json:"elapsed_seconds"`
}

// Run computes and publishes the metrics. It reads everything first; only
// then does it write the two outputs and report.html, and it removes those
// written if a later one fails. The SSM parameters are written last.
func Run(ctx context.Context, cfg Config) (*Summary, error) {
	start := time.Now()
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	if cfg.Months < 1 {
		return nil, fmt.Errorf("number of months %d: at least 1 is needed", cfg.Months)
	}
	if (cfg.NationalParam == "") != (cfg.PracticeParam == "") {
		return nil, errors.New("give both SSM parameter names or neither")
	}
	months := v12.MetricMonths(cfg.Anchor, cfg.Months)
	natKey, pracKey := OutputKeys(months[0])
	natKey, pracKey = "v12/"+natKey, "v12/"+pracKey
	reportKey := path.Join(path.Dir(natKey), "report.html")

	opts := store.Options{EndpointURL: cfg.S3Endpoint}
	in, err := store.Open(ctx, cfg.InputBucket, opts)
	if err != nil {
		return nil, fmt.Errorf("input bucket: %w", err)
	}
	defer in.Close()
	out, err := store.Open(ctx, cfg.OutputBucket, opts)
	if err != nil {
		return nil, fmt.Errorf("output bucket: %w", err)
	}
	defer out.Close()
	params := cfg.Parameters
	if params == nil && cfg.NationalParam != "" {
		if params, err = NewSSM(ctx); err != nil {
			return nil, err
		}
	}
	sum := &Summary{Input: in.String(), Outputs: map[string]map[string]string{}, Parameters: map[string]string{}}
	for _, m := range months {
		sum.Months = append(sum.Months, fmt.Sprintf("%d-%02d", m.Year, m.Month))
	}
	if err := out.CheckWritable(ctx, natKey); err != nil {
		return nil, fmt.Errorf("output bucket: %w", err)
	}

	// Read every day, in date order.
	calc := v12.NewCalculator(months)
	days := Days(months)
	log.Info("reading the v11 transfer tables", "bucket", in.String(), "days", len(days), "first", days[0].Format(time.DateOnly), "last", days[len(days)-1].Format(time.DateOnly))
	rctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the prefetch on an early return
	fetched := prefetch(rctx, in, days)
	for f := range fetched {
		if f.err != nil {
			return nil, f.err
		}
		sum.DaysRead++
		sum.BytesRead += int64(len(f.body))
		if _, err := v11table.Read(bytes.NewReader(f.body), int64(len(f.body)), in.URL(f.key), func(t *v12.Transfer) error {
			calc.Add(t)
			return nil
		}); err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	nat, prac, rep := calc.National(), calc.Practices(), calc.Report()
	sum.Transfers, sum.National, sum.Practices, sum.SICBLs = rep.Transfers, nat.TransferCount, len(prac.Practices), len(prac.SICBLs)
	sum.WithoutODS, sum.Outside, sum.Dropped, sum.DroppedCount = rep.WithoutODSCode, rep.OutsideMonths, rep.DroppedPractices, rep.DroppedTransfers
	if rep.WithoutODSCode > 0 {
		log.Warn("transfers without a requesting practice ODS code are left out of the practice metrics", "event", "UNKNOWN_PRACTICE_ODS_CODE_FOR_TRANSFER", "count", rep.WithoutODSCode)
	}
	if n := len(rep.DroppedPractices); n > 0 {
		log.Warn("practices whose latest transfer has no Sub-ICB location are left out", "event", "UNKNOWN_SICBL_ODS_CODE_FOR_TRANSFER", "count", n, "examples", rep.DroppedPractices[:min(n, 10)])
	}
	if rep.OutsideMonths > 0 {
		log.Warn("transfers requested outside the metric months count in no month", "count", rep.OutsideMonths)
	}

	generated := now()
	var natBody, pracBody bytes.Buffer
	if err := output.WriteV12National(&natBody, nat, generated); err != nil {
		return nil, err
	}
	if err := output.WriteV12Practice(&pracBody, prac, generated); err != nil {
		return nil, err
	}
	var reportBody bytes.Buffer
	if !cfg.NoReport {
		if err := report.RenderV12(&reportBody, report.V12{National: nat, Practices: prac, GeneratedOn: generated}); err != nil {
			return nil, err
		}
	}
	if cfg.Validate {
		sum.Checks = v12.Validate(nat, prac, generated)
		for _, c := range sum.Checks {
			if !c.OK {
				sum.Elapsed = time.Since(start).Seconds()
				return sum, ErrInvalid
			}
		}
	}

	// Publish both or neither.
	meta := map[string]string{
		"metrics-calculator-version": cfg.BuildTag,
		"date-anchor":                ods.PyIsoFormat(cfg.Anchor, cfg.AnchorZoned),
		"number-of-months":           strconv.Itoa(cfg.Months),
	}
	objects := []struct {
		key, contentType string
		body             []byte
	}{{natKey, "application/json", natBody.Bytes()}, {pracKey, "application/json", pracBody.Bytes()}}
	if !cfg.NoReport {
		objects = append(objects, struct {
			key, contentType string
			body             []byte
		}{reportKey, "text/html; charset=utf-8", reportBody.Bytes()})
	}
	for i, o := range objects {
		if err := write(ctx, out, o.key, o.contentType, o.body, meta); err != nil {
			for _, w := range objects[:i] { // both or neither
				if derr := out.Delete(context.WithoutCancel(ctx), w.key); derr != nil {
					log.Error("could not remove an output after a later one failed", "object", out.URL(w.key), "error", derr)
				}
			}
			return nil, err
		}
	}
	sum.Outputs[out.URL(natKey)], sum.Outputs[out.URL(pracKey)] = meta, meta
	if !cfg.NoReport {
		sum.Report = out.URL(reportKey)
	}
	sum.Published = true
	log.Info("published", "national", out.URL(natKey), "practice", out.URL(pracKey), "transfers", sum.Transfers, "practices", sum.Practices)

	if cfg.NationalParam != "" {
		nv, pv := OutputKeys(months[0])
		for _, p := range [][2]string{{cfg.NationalParam, nv}, {cfg.PracticeParam, pv}} {
			if err := params.Put(ctx, p[0], p[1]); err != nil {
				return nil, fmt.Errorf("the metrics were published, but: %w", err)
			}
			sum.Parameters[p[0]] = p[1]
		}
		log.Info("SSM parameters set", "national", cfg.NationalParam, "practice", cfg.PracticeParam)
	}
	sum.Elapsed = time.Since(start).Seconds()
	return sum, nil
}

func write(ctx context.Context, b *store.Bucket, key, contentType string, body []byte, meta map[string]string) error {
	return b.WriteFileWith(ctx, key, store.WriteOptions{ContentType: contentType, Metadata: meta}, func(w io.Writer) error {
		_, err := w.Write(body)
		return err
	})
}

// fetched is one day's table, read whole (a day is a few MB at most), or
// the error that stops the run.
type fetched struct {
	key  string
	body []byte
	err  error
}

// prefetchDepth is how many days are read ahead of the one decoded, to
// hide S3's latency.
const prefetchDepth = 3

// prefetch reads the days' tables in order on its own goroutine. The
// channel ends after the last day or the first error; the goroutine stops
// when ctx is done.
func prefetch(ctx context.Context, b *store.Bucket, days []time.Time) <-chan fetched {
	ch := make(chan fetched, prefetchDepth)
	go func() {
		defer close(ch)
		for _, d := range days {
			key := DayKey(d)
			body, err := b.ReadFile(ctx, key)
			if err != nil {
				err = fmt.Errorf("transfer table: %w", err)
			}
			select {
			case ch <- fetched{key, body, err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return ch
}
