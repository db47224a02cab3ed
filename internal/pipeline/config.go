package pipeline

import (
	"log/slog"
	"time"
)

// Config is one monthly run.
type Config struct {
	SpineBucket        string // INPUT_SPINE_DATA_BUCKET
	OrganisationBucket string // ORGANISATION_METADATA_BUCKET
	OutputBucket       string // OUTPUT_TRANSFER_DATA_BUCKET
	// Anchor is DATE_ANCHOR, "now"; its year and month are read as written.
	Anchor     time.Time
	CutoffDays int    // CONVERSATION_CUTOFF_DAYS; 0 = no cutoff
	S3Endpoint string // S3_ENDPOINT_URL
	// MaxRejectedFraction fails the run when more than this fraction of the
	// rows read are rejected.
	MaxRejectedFraction float64
	// NoReport skips report.html (NO_REPORT, --no-report).
	NoReport bool
	// UK07CoreEHR counts RCMR_IN030000UK07 as a core EHR (off by default
	// in run, the 2021 contract; SPEC-SUCCESSOR §2.4).
	UK07CoreEHR bool

	// Progress, if set, is called every ProgressInterval (5 s if zero) from
	// another goroutine, and at each phase, with the run's progress.
	Progress         func(Progress)
	ProgressInterval time.Duration

	Now func() time.Time // the run's clock, for generatedOn; time.Now if nil
	Log *slog.Logger     // discarded if nil
}

// options are a run's settings that only tests choose: Run uses the zero
// value.
type options struct {
	// tempDir is where a large run spills its rows; os.TempDir (TMPDIR) if
	// empty. The files are removed when the run ends.
	tempDir string
	// spillThreshold is the compressed size of the two logs above which
	// rows are spilled to disk: 0 means DefaultSpillThreshold, negative
	// means always.
	spillThreshold int64
	// partitionSize is how many conversations are classified together; 0
	// means convstore.DefaultPartitionSize.
	partitionSize int
	// onPhase, if set, is called as the run reaches each phase: "classify",
	// "encode", "publish", and "published NAME" after each output. Tests use
	// it to interrupt a run at each point.
	onPhase func(phase string)
	// early chooses when partitions may be classified during the read
	// (see early.go); tests compare the choices.
	early earlyMode
}

func (o *options) phase(p string) {
	if o.onPhase != nil {
		o.onPhase(p)
	}
}

// DefaultMaxRejectedFraction is the default MAX_REJECTED_FRACTION.
const DefaultMaxRejectedFraction = 0.001

func (c *Config) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Config) log() *slog.Logger {
	if c.Log != nil {
		return c.Log
	}
	return slog.New(slog.DiscardHandler)
}
