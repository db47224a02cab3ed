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

	// TempDir is where a large run spills its rows (os.TempDir if empty);
	// the files are removed when the run ends.
	TempDir string
	// SpillThreshold is the compressed size of the two logs above which
	// rows are spilled to disk: 0 means DefaultSpillThreshold, negative
	// means always.
	SpillThreshold int64
	// PartitionSize is how many conversations are classified together; 0
	// means DefaultPartitionSize.
	PartitionSize int
	// Progress, if set, is called every ProgressInterval (5 s if zero) from
	// another goroutine, and at each phase, with the run's progress.
	Progress         func(Progress)
	ProgressInterval time.Duration

	Now func() time.Time // the run's clock, for generatedOn; time.Now if nil
	Log *slog.Logger     // discarded if nil

	// onPhase, if set, is called as the run reaches each phase: "classify",
	// "encode", "publish", and "published NAME" after each output. Tests use
	// it to interrupt a run at each point.
	onPhase func(phase string)
	// early chooses when partitions may be classified during the read
	// (see early.go); tests compare the choices.
	early earlyMode
}

// earlyMode is when a run with a cutoff, spilling, classifies partitions
// during the read (see early.go).
type earlyMode int

const (
	earlyIdle  earlyMode = iota // while the reader waits for the decompressor: the default
	earlyOff                    // never
	earlyEager                  // each as soon as it is final: deterministic, for tests
)

func (c *Config) phase(p string) {
	if c.onPhase != nil {
		c.onPhase(p)
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
