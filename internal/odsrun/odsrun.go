// Package odsrun is gp2gp ods: it reads the month's ASID export, runs the
// ORD organisation searches, builds the organisation metadata (docs/ods.md)
// and publishes it, all or nothing.
package odsrun

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/nhsdigital/gp2gp/internal/asidlookup"
	"github.com/nhsdigital/gp2gp/internal/ods"
	"github.com/nhsdigital/gp2gp/internal/ord"
	"github.com/nhsdigital/gp2gp/internal/store"
)

// Config is one run's configuration.
type Config struct {
	OutputBucket  string // OUTPUT_BUCKET
	MappingBucket string // MAPPING_BUCKET
	// Anchor is DATE_ANCHOR; its year and month as written give the
	// month. AnchorZoned says it was written with an offset (for the
	// date-anchor metadata, as Python's isoformat() writes it).
	Anchor      time.Time
	AnchorZoned bool
	BuildTag    string // BUILD_TAG
	S3Endpoint  string // S3_ENDPOINT_URL
	// Format is the output shape; ods.V2 if empty.
	Format ods.Format
	// Prisons makes the practice search also list prison and other
	// non-GP prescribing settings (the v4 ods-downloader's search).
	Prisons bool
	// ORD configures the API client (SEARCH_URL is ORD.URL).
	ORD ord.Config
	// Now is the clock for generated_on; time.Now if nil.
	Now func() time.Time
	Log *slog.Logger
	// Progress, if set, is told of each phase's progress.
	Progress func(Progress)
}

// Progress is a phase's progress: Done of Total (Total 0 when unknown).
type Progress struct {
	Phase       string
	Done, Total int
	Final       bool // the phase's last report
}

// Summary is what a run did.
type Summary struct {
	Output           string   `json:"output"`
	Format           string   `json:"format"`
	ASIDExport       string   `json:"asid_export"`
	ASIDFallback     bool     `json:"asid_export_previous_month"`
	ASIDRows         int      `json:"asid_export_rows"`
	PracticesFetched int      `json:"practices_fetched"`
	CCGsFetched      int      `json:"ccgs_fetched"`
	MembersFetched   int      `json:"ccg_members_fetched"`
	DuplicatesDrop   int      `json:"duplicates_dropped"`
	DuplicateCodes   []string `json:"duplicate_codes"`
	WithoutASIDs     int      `json:"practices_without_asids"`
	WithoutExamples  []string `json:"practices_without_asids_examples"`
	Practices        int      `json:"practices_written"`
	CCGsKept         int      `json:"ccgs_kept"`
	CCGsDropped      int      `json:"ccgs_dropped"`
	Requests         int      `json:"requests"`
	Retries          int      `json:"retries"`
	ElapsedSeconds   float64  `json:"elapsed_seconds"`
}

// maxExamples bounds the examples the summary lists.
const maxExamples = 10

// ExportKey is the ASID export's key for a month.
func ExportKey(year, month int) string {
	return fmt.Sprintf("%d/%d/asidLookup.csv.gz", year, month)
}

// Run builds and publishes the month's metadata. It reads and queries
// everything first; only then does it write the one output object,
// atomically. On error nothing is written.
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
	format := cfg.Format
	if format == "" {
		format = ods.V2
	}
	progress := cfg.Progress
	if progress == nil {
		progress = func(Progress) {}
	}
	year, month := cfg.Anchor.Year(), int(cfg.Anchor.Month())
	client, err := ord.New(cfg.ORD)
	if err != nil {
		return nil, err
	}

	opts := store.Options{EndpointURL: cfg.S3Endpoint}
	mapB, err := store.Open(ctx, cfg.MappingBucket, opts)
	if err != nil {
		return nil, fmt.Errorf("mapping bucket: %w", err)
	}
	defer mapB.Close()
	outB, err := store.Open(ctx, cfg.OutputBucket, opts)
	if err != nil {
		return nil, fmt.Errorf("output bucket: %w", err)
	}
	defer outB.Close()
	sum := &Summary{Format: string(format), Output: outB.URL(format.Key(year, month))}

	// The ASID export: this month's, or for v5 the previous month's.
	key := ExportKey(year, month)
	ok, err := mapB.Exists(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("ASID export: %w", err)
	}
	if !ok && format == ods.V5 {
		prev := time.Date(year, time.Month(month-1), 1, 0, 0, 0, 0, time.UTC)
		pkey := ExportKey(prev.Year(), int(prev.Month()))
		pok, err := mapB.Exists(ctx, pkey)
		if err != nil {
			return nil, fmt.Errorf("ASID export: %w", err)
		}
		if !pok {
			return nil, fmt.Errorf("ASID export: neither %s nor the previous month's %s exists: %w", mapB.URL(key), mapB.URL(pkey), store.ErrNotFound)
		}
		log.Warn("this month's ASID export is missing; using the previous month's", "missing", mapB.URL(key), "using", mapB.URL(pkey))
		key, ok, sum.ASIDFallback = pkey, true, true
	}
	if !ok {
		return nil, fmt.Errorf("ASID export %s: %w", mapB.URL(key), store.ErrNotFound)
	}
	sum.ASIDExport = mapB.URL(key)
	log.Info("reading the ASID export", "object", sum.ASIDExport)
	lookup, err := readExport(ctx, mapB, key)
	if err != nil {
		return nil, err
	}
	sum.ASIDRows = lookup.Rows
	progress(Progress{Phase: "asid export", Done: lookup.Rows, Total: lookup.Rows, Final: true})

	// Before minutes of searches: can the output be written at all? (A
	// key beside it: on S3 the check writes and deletes an object, which
	// must not be an earlier run's output.)
	if err := outB.CheckWritable(ctx, format.Key(year, month)); err != nil {
		return nil, fmt.Errorf("output bucket: %w", err)
	}

	// The searches.
	pq := ord.Practices
	if cfg.Prisons {
		pq = ord.PracticesAndPrisons
	}
	log.Info("searching ORD", "query", pq.Name, "url", client.URL(pq))
	progress(Progress{Phase: "practices"})
	practices, err := client.Search(ctx, pq)
	if err != nil {
		return nil, err
	}
	progress(Progress{Phase: "practices", Done: len(practices), Total: len(practices), Final: true})
	log.Info("searching ORD", "query", ord.CCGs.Name, "url", client.URL(ord.CCGs))
	progress(Progress{Phase: "ccgs"})
	ccgs, err := client.Search(ctx, ord.CCGs)
	if err != nil {
		return nil, err
	}
	progress(Progress{Phase: "ccgs", Done: len(ccgs), Total: len(ccgs), Final: true})
	distinct := countDistinct(ccgs)
	done := 0
	log.Info("searching ORD for each CCG's practices", "ccgs", distinct)
	md, rep, err := ods.Build(ods.Source{
		Practices: practices,
		CCGs:      ccgs,
		ASIDs:     lookup.ASIDs,
		Members: func(code string) ([]ods.Organisation, error) {
			progress(Progress{Phase: "memberships", Done: done, Total: distinct})
			m, err := client.Search(ctx, ord.Members(code))
			done++
			return m, err
		},
	})
	if err != nil {
		return nil, err
	}
	progress(Progress{Phase: "memberships", Done: done, Total: distinct, Final: true})
	for _, c := range rep.DuplicatePractices {
		log.Warn("duplicate practice code; the first is kept", "event", "DUPLICATE_ODS_CODE_FOUND", "ods_code", c)
	}
	for _, c := range rep.DuplicateCCGs {
		log.Warn("duplicate CCG code; the first is kept", "event", "DUPLICATE_ODS_CODE_FOUND", "ods_code", c)
	}
	if n := len(rep.WithoutASIDs); n > 0 {
		log.Warn("practices without ASIDs in the export were dropped", "event", "ASIDS_NOT_FOUND", "count", n, "examples", examples(rep.WithoutASIDs))
		for _, c := range rep.WithoutASIDs {
			log.Debug("practice without ASIDs dropped", "event", "ASIDS_NOT_FOUND", "ods_code", c)
		}
	}

	sum.PracticesFetched, sum.CCGsFetched, sum.MembersFetched = rep.PracticesFetched, rep.CCGsFetched, rep.MemberLinks
	sum.DuplicateCodes = append(append([]string{}, rep.DuplicatePractices...), rep.DuplicateCCGs...)
	sum.DuplicatesDrop = len(sum.DuplicateCodes)
	sum.WithoutASIDs, sum.WithoutExamples = len(rep.WithoutASIDs), examples(rep.WithoutASIDs)
	sum.Practices, sum.CCGsKept, sum.CCGsDropped = len(md.Practices), rep.CCGsKept, len(rep.EmptyCCGs)
	st := client.Stats()
	sum.Requests, sum.Retries = st.Requests, st.Retries

	// Publish: one object, written atomically.
	body := ods.Encode(md, format, now(), year, month)
	outKey := format.Key(year, month)
	progress(Progress{Phase: "publishing"})
	meta := map[string]string{
		"date-anchor": ods.PyIsoFormat(cfg.Anchor, cfg.AnchorZoned),
		"build-tag":   cfg.BuildTag,
	}
	if err := writeOutput(ctx, outB, outKey, body, meta); err != nil {
		return nil, err
	}
	progress(Progress{Phase: "publishing", Done: 1, Total: 1, Final: true})
	sum.ElapsedSeconds = time.Since(start).Seconds()
	log.Info("published", "object", sum.Output, "practices", sum.Practices, "ccgs", sum.CCGsKept)
	return sum, nil
}

// writeOutput writes the metadata as application/json with the user
// metadata of docs/ods.md, "Output".
func writeOutput(ctx context.Context, b *store.Bucket, key string, body []byte, meta map[string]string) error {
	opts := store.WriteOptions{ContentType: "application/json", Metadata: meta}
	return b.WriteFileWith(ctx, key, opts, func(w io.Writer) error {
		_, err := w.Write(body)
		return err
	})
}

func readExport(ctx context.Context, b *store.Bucket, key string) (*asidlookup.Lookup, error) {
	r, err := b.NewReader(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("ASID export: %w", err)
	}
	defer r.Close()
	l, err := asidlookup.Read(r)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return nil, err
		}
		return nil, fmt.Errorf("ASID export %s: %w", b.URL(key), err)
	}
	return l, nil
}

func countDistinct(orgs []ods.Organisation) int {
	seen := map[string]bool{}
	for _, o := range orgs {
		seen[o.Code] = true
	}
	return len(seen)
}

func examples(codes []string) []string {
	if codes == nil {
		return []string{}
	}
	return codes[:min(len(codes), maxExamples)]
}
