package classifyrun

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/nhsdigital/gp2gp/internal/spine"
	"github.com/nhsdigital/gp2gp/internal/store"
)

// Config is one run's configuration.
type Config struct {
	SpineBucket  string // INPUT_SPINE_DATA_BUCKET
	ODSBucket    string // INPUT_ODS_METADATA_BUCKET
	OutputBucket string // OUTPUT_TRANSFER_DATA_BUCKET
	BuildTag     string // BUILD_TAG, written to each output's metadata
	// Window is the days to classify and the overflow days to read (see
	// DefaultWindow and ExplicitWindow).
	Window     Window
	CutoffDays int    // CONVERSATION_CUTOFF_DAYS; 0 = no cutoff
	S3Endpoint string // S3_ENDPOINT_URL
	// UK07CoreEHR counts RCMR_IN030000UK07 as a core EHR (classify's
	// default; SPEC-SUCCESSOR §2.4).
	UK07CoreEHR bool
	// SpillThreshold is the compressed size of the files read above which
	// rows are spilled to disk: 0 means DefaultSpillThreshold, negative
	// means always. TempDir is where (os.TempDir if empty).
	SpillThreshold int64
	TempDir        string
	// PartitionSize is how many conversations the store groups; 0 means
	// convstore's default (tests use small ones).
	PartitionSize int
	Log           *slog.Logger
}

// DefaultSpillThreshold is the compressed size of the daily files above
// which a run spills its rows to disk, as run does.
const DefaultSpillThreshold = 32 << 20

// Options are the classifier's options for cfg.
func (cfg *Config) Options() spine.Options {
	return spine.Options{
		Cutoff:      spine.Time(cfg.CutoffDays) * spine.Day,
		WindowStart: spine.Time(cfg.Window.Start().UnixMicro()),
		WindowEnd:   spine.Time(cfg.Window.End().UnixMicro()),
		UK07CoreEHR: cfg.UK07CoreEHR,
	}
}

// Run classifies the window and publishes its days' tables. It reads and
// classifies everything first, encoding each day's table to a temporary
// file or memory; only then does it write the tables, and it removes those
// written if a later one fails. On failure the summary, if not nil, says
// how far it got.
func Run(ctx context.Context, cfg Config) (*Summary, error) {
	return run(ctx, cfg, options{})
}

// options are a run's settings that only tests change.
type options struct {
	noStream bool  // never classify during the read
	heldMax  int64 // the stream's limit on rows in memory; 0 means DefaultHeldLimit
}

func run(ctx context.Context, cfg Config, o options) (*Summary, error) {
	start := time.Now()
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	w := cfg.Window

	opts := store.Options{EndpointURL: cfg.S3Endpoint}
	spineB, err := store.Open(ctx, cfg.SpineBucket, opts)
	if err != nil {
		return nil, fmt.Errorf("spine bucket: %w", err)
	}
	defer spineB.Close()
	odsB, err := store.Open(ctx, cfg.ODSBucket, opts)
	if err != nil {
		return nil, fmt.Errorf("ODS metadata bucket: %w", err)
	}
	defer odsB.Close()
	outB, err := store.Open(ctx, cfg.OutputBucket, opts)
	if err != nil {
		return nil, fmt.Errorf("output bucket: %w", err)
	}
	defer outB.Close()

	// Every daily file must exist, before any is read.
	files := append(append([]time.Time(nil), w.Days...), w.Overflow...)
	var total int64
	for _, d := range files {
		key := SpineKey(d)
		size, err := spineB.Size(ctx, key)
		if err != nil { // the store's error names the object
			return nil, fmt.Errorf("daily Spine file: %w", err)
		}
		total += size
	}
	if len(w.Days) > 0 {
		if err := outB.CheckWritable(ctx, OutputKey(cfg.CutoffDays, w.Days[0])); err != nil {
			return nil, fmt.Errorf("output bucket: %w", err)
		}
	}
	// The first files decompress while the metadata is read.
	ahead := openFiles(ctx, spineB, files)
	defer ahead.close() // if not read
	lookups, err := readODS(ctx, odsB, w.Days, log)
	if err != nil {
		return nil, err
	}
	newSum := func() *Summary {
		sum := newSummary(&cfg)
		for i, l := range lookups {
			sum.Days[i].ODSMetadataMonth = l.month.String()
		}
		return sum
	}

	dir, err := os.MkdirTemp(cfg.TempDir, "gp2gp-classify-*")
	if err != nil {
		return nil, fmt.Errorf("temporary directory: %w", err)
	}
	defer os.RemoveAll(dir)
	tables := newTables(ctx, outB, &cfg, lookups, dir)
	defer tables.discard() // those not published
	r := reading{ctx: ctx, b: spineB, files: files, cfg: &cfg, lookups: lookups, sum: newSum(), tables: tables, dir: dir, log: log, ahead: ahead, gzBytes: total}
	if cfg.CutoffDays > 0 && !o.noStream {
		err = r.streaming(orDefault(o.heldMax, DefaultHeldLimit))
		if isRestart(err) {
			log.Warn("reading the files again, to classify after the read", "reason", err)
			tables.discard()
			r.sum = newSum()
			err = r.thenClassify()
		}
	} else {
		err = r.thenClassify()
	}
	if err != nil {
		return nil, err
	}
	sum := r.sum
	if sum.UnknownASIDTransfers > 0 {
		log.Warn("practices whose ASID the ODS metadata does not know have null ODS columns",
			"event", "UNKNOWN_ODS_CODE_FOR_CONVERSATION", "practices", sum.UnknownASIDTransfers)
	}
	if sum.IntegratedWithoutSenderMessage > 0 {
		log.Warn("integrated transfers with no sending-practice message at or before the final ack have a null last_sender_message_timestamp (the reference crashed)",
			"count", sum.IntegratedWithoutSenderMessage)
	}

	// Publish the days' tables, all or none.
	if err := publish(ctx, tables, sum, log); err != nil {
		return sum, err
	}
	sum.Published = true
	sum.ElapsedSeconds = time.Since(start).Seconds()
	log.Info("published", "days", len(w.Days), "transfers", sum.Transfers)
	return sum, nil
}

// orDefault is v, or def if v is zero.
func orDefault[T int | int64](v, def T) T {
	if v == 0 {
		return def
	}
	return v
}
