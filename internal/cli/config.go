package cli

import (
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/nhsdigital/gp2gp/internal/pipeline"
)

// setting is one configuration value: a flag that defaults to an
// environment variable.
type setting struct {
	flag, env, usage string
	required         bool
	value            string
	set              bool // given as a flag or in the environment
}

// settings binds the run's configuration (SPEC §3) to flags and variables.
type settings struct {
	spine, org, out, anchor, cutoff, endpoint, maxRejected *setting
	all                                                    []*setting
}

func newSettings() *settings {
	s := &settings{}
	add := func(flag, env, usage string, required bool) *setting {
		st := &setting{flag: flag, env: env, usage: usage, required: required}
		s.all = append(s.all, st)
		return st
	}
	s.spine = add("spine-bucket", "INPUT_SPINE_DATA_BUCKET", "bucket the Spine logs are read from", true)
	s.org = add("organisation-bucket", "ORGANISATION_METADATA_BUCKET", "bucket the organisation metadata is read from", true)
	s.out = add("output-bucket", "OUTPUT_TRANSFER_DATA_BUCKET", "bucket the outputs are written to", true)
	s.anchor = add("date-anchor", "DATE_ANCHOR", `ISO-8601 datetime meaning "now"; the metric month is the month before its month`, true)
	s.cutoff = add("cutoff-days", "CONVERSATION_CUTOFF_DAYS", "drop messages more than this many whole days after a conversation's first; 0 or unset: no cutoff", false)
	s.endpoint = add("s3-endpoint-url", "S3_ENDPOINT_URL", "S3 endpoint for S3-compatible stores (path-style addressing)", false)
	s.maxRejected = add("max-rejected-fraction", "MAX_REJECTED_FRACTION", fmt.Sprintf("fail when more than this fraction of the rows read is rejected (default %g)", pipeline.DefaultMaxRejectedFraction), false)
	s.maxRejected.value = strconv.FormatFloat(pipeline.DefaultMaxRejectedFraction, 'g', -1, 64)
	return s
}

// register adds the settings' flags to fs, with defaults from e.
func (s *settings) register(fs *flag.FlagSet, e env) {
	for _, st := range s.all {
		if v, ok := e[st.env]; ok {
			st.value, st.set = v, true
		}
		fs.Func(st.flag, fmt.Sprintf("%s (env %s)", st.usage, st.env), func(v string) error {
			st.value, st.set = v, true
			return nil
		})
	}
}

// name is how errors refer to a setting.
func (st *setting) name() string { return fmt.Sprintf("%s (--%s)", st.env, st.flag) }

// config validates the settings into a pipeline configuration.
func (s *settings) config() (pipeline.Config, error) {
	var cfg pipeline.Config
	for _, st := range s.all {
		if st.required && strings.TrimSpace(st.value) == "" {
			return cfg, usagef("%s is not set", st.name())
		}
	}
	cfg.SpineBucket, cfg.OrganisationBucket, cfg.OutputBucket = s.spine.value, s.org.value, s.out.value
	cfg.S3Endpoint = s.endpoint.value
	// An optional anchor (explain --input) may be unset: a zero Anchor.
	if s.anchor.required || strings.TrimSpace(s.anchor.value) != "" {
		anchor, err := parseAnchor(s.anchor.value)
		if err != nil {
			return cfg, usagef("%s: %v", s.anchor.name(), err)
		}
		cfg.Anchor = anchor
	}
	if v := strings.TrimSpace(s.cutoff.value); v != "" {
		n, err := strconv.Atoi(v)
		switch {
		case err != nil:
			return cfg, usagef("%s %q is not a whole number of days", s.cutoff.name(), s.cutoff.value)
		case n < 0:
			return cfg, usagef("%s %q is negative; use 0 or leave it unset for no cutoff", s.cutoff.name(), s.cutoff.value)
		case n > maxCutoffDays:
			return cfg, usagef("%s %q is more than %d days; use 0 or leave it unset for no cutoff", s.cutoff.name(), s.cutoff.value, maxCutoffDays)
		}
		cfg.CutoffDays = n
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(s.maxRejected.value), 64)
	if err != nil || f < 0 || f > 1 {
		return cfg, usagef("%s %q is not a fraction between 0 and 1", s.maxRejected.name(), s.maxRejected.value)
	}
	cfg.MaxRejectedFraction = f
	return cfg, nil
}

// maxCutoffDays bounds CONVERSATION_CUTOFF_DAYS (a century), far below
// where days in microseconds would overflow.
const maxCutoffDays = 36500

// anchorLayouts are the ISO-8601 forms DATE_ANCHOR may take. Fractional
// seconds are accepted after the seconds by time.Parse itself.
var anchorLayouts = []string{
	"2006-01-02T15:04:05Z07:00",
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05Z07",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02",
}

// parseAnchor parses DATE_ANCHOR, keeping the offset as written (its year
// and month are read as written, SPEC §3).
func parseAnchor(s string) (time.Time, error) {
	v := strings.TrimSpace(s)
	if len(v) > 10 && v[10] == ' ' {
		v = v[:10] + "T" + v[11:]
	}
	for _, l := range anchorLayouts {
		if t, err := time.Parse(l, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not an ISO-8601 datetime such as 2020-01-30T18:44:49Z", s)
}

// newFlagSet makes a subcommand's flag set, with usage that lists each
// flag's environment variable.
func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("gp2gp "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: gp2gp %s\n\n%s\n\nFlags (each may instead be set by the environment variable named):\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, turning flag errors into usage errors.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return &usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	return nil
}
