package cli

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/nhsdigital/gp2gp/internal/pipeline"
	"github.com/nhsdigital/gp2gp/internal/store"
)

// setting is one configuration value: a flag that defaults to an
// environment variable.
type setting struct {
	flag, env, usage string
	required         bool
	bucket           bool // a bucket spec (see store.ParseSpec)
	value            string
	set              bool // given as a flag or in the environment
}

// settings binds the run's configuration (docs/inputs.md) to flags and variables.
type settings struct {
	spine, org, out, anchor, cutoff, endpoint, maxRejected *setting
	all                                                    []*setting
}

func newSettings() *settings {
	s := &settings{}
	add := s.add
	s.spine = add("spine-bucket", "INPUT_SPINE_DATA_BUCKET", "bucket the Spine logs are read from", true)
	s.org = add("organisation-bucket", "ORGANISATION_METADATA_BUCKET", "bucket the organisation metadata is read from", true)
	s.out = add("output-bucket", "OUTPUT_TRANSFER_DATA_BUCKET", "bucket the outputs are written to", true)
	s.spine.bucket, s.org.bucket, s.out.bucket = true, true, true
	s.anchor = add("date-anchor", "DATE_ANCHOR", `ISO-8601 datetime meaning "now"; the metric month is the month before its month`, true)
	s.cutoff = add("cutoff-days", "CONVERSATION_CUTOFF_DAYS", "drop messages more than this many whole days after a conversation's first; 0 or unset: no cutoff", false)
	s.endpoint = add("s3-endpoint-url", "S3_ENDPOINT_URL", "S3 endpoint for S3-compatible stores (path-style addressing)", false)
	s.maxRejected = add("max-rejected-fraction", "MAX_REJECTED_FRACTION", fmt.Sprintf("fail when more than this fraction of the rows read is rejected (default %g)", pipeline.DefaultMaxRejectedFraction), false)
	s.maxRejected.value = strconv.FormatFloat(pipeline.DefaultMaxRejectedFraction, 'g', -1, 64)
	return s
}

// add appends a setting to s.
func (s *settings) add(flag, env, usage string, required bool) *setting {
	st := &setting{flag: flag, env: env, usage: usage, required: required}
	s.all = append(s.all, st)
	return st
}

// register adds the settings' flags to fs, with defaults from e, and
// names the required ones and the environment-only variables in its help.
func (s *settings) register(fs *flagSet, e env) {
	fs.flagEnv = true
	fs.envOnly = append(fs.envOnly, runEnvironment...)
	for _, st := range s.all {
		if st.required {
			fs.required = append(fs.required, st.env)
		}
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
	if err := checkSettings(s.all); err != nil {
		return cfg, err
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

// checkSettings checks what every command's settings have in common: that
// the required ones are set (naming all that are not, in one line) and
// that the bucket settings are buckets.
func checkSettings(all []*setting) error {
	var missing []string
	for _, st := range all {
		if st.required && strings.TrimSpace(st.value) == "" {
			missing = append(missing, st.name())
		}
	}
	switch len(missing) {
	case 0:
	case 1:
		return usagef("%s is not set", missing[0])
	default:
		return usagef("%s are not set", strings.Join(missing, ", "))
	}
	for _, st := range all {
		if err := checkBucket(st); err != nil {
			return err
		}
	}
	return nil
}

// checkBucket checks a bucket setting, if set: its syntax, and that a
// value read as an S3 bucket name does not also name a local directory,
// which is more likely what was meant.
func checkBucket(st *setting) error {
	v := st.value
	if !st.bucket || strings.TrimSpace(v) == "" {
		return nil
	}
	loc, err := store.ParseSpec(v)
	if err != nil {
		return usagef("%s: %v", st.name(), err)
	}
	if loc.Kind == store.KindS3 && !strings.HasPrefix(v, "s3://") {
		if info, err := os.Stat(v); err == nil && info.IsDir() {
			return usagef("%s %s is an S3 bucket name/prefix, but a local directory of that name exists: for the directory write ./%s, for the bucket s3://%s",
				st.name(), v, v, v)
		}
	}
	return nil
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
// and month are read as written, docs/inputs.md).
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

// flagSet is a subcommand's flags, with the help it prints when asked.
type flagSet struct {
	*flag.FlagSet
	name, synopsis string
	// flagEnv says that each flag may be set by the variable named in its
	// usage instead.
	flagEnv bool
	// required lists the settings a run needs, by variable.
	required []string
	// envOnly lists the variables that have no flag, with their meaning.
	envOnly [][2]string
	stdout  io.Writer
}

// newFlagSet makes a subcommand's flag set. Help that is asked for (-h,
// --help) goes to stdout; a flag error is a usage error, reported by Main.
func newFlagSet(name, synopsis string, c *invocation) *flagSet {
	fs := &flagSet{FlagSet: flag.NewFlagSet("gp2gp "+name, flag.ContinueOnError), name: name, synopsis: synopsis, stdout: c.stdout}
	fs.SetOutput(io.Discard) // the flag package's own messages: the error is returned instead
	fs.Usage = func() {}
	return fs
}

// runEnvironment is what every command that runs the pipeline also reads
// from the environment alone.
var runEnvironment = [][2]string{
	{"LOG_LEVEL", "debug, info (default), warn or error"},
	{"LOG_FORMAT", "text (default) or json: one JSON object a line, for log collectors"},
	{"GP2GP_PROGRESS", "off, or log to print progress as log lines even on a terminal"},
	{"TMPDIR", "where a large month spills its rows while it runs (removed at the end)"},
	{"GOMEMLIMIT", "the Go runtime's soft memory limit (default 320MiB)"},
	{"GOGC", "the Go runtime's garbage collection target (default 200)"},
	{"GP2GP_CPUPROFILE", "write a CPU profile of the command to this file"},
	{"AWS_*", "S3 credentials and region, as the AWS SDK reads them (AWS_PROFILE, AWS_ACCESS_KEY_ID, ...)"},
}

// printHelp writes the command's help to stdout.
func (fs *flagSet) printHelp() {
	w := fs.stdout
	fmt.Fprintf(w, "Usage: gp2gp %s\n\n%s\n", fs.name, fs.synopsis)
	if len(fs.required) > 0 {
		fmt.Fprintf(w, "\nRequired: %s (or their flags).\n", strings.Join(fs.required, ", "))
	}
	title := "Flags:"
	if fs.flagEnv {
		title = "Flags (each may instead be set by the environment variable named):"
	}
	fmt.Fprintf(w, "\n%s\n", title)
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	if len(fs.envOnly) > 0 {
		fmt.Fprintf(w, "\nEnvironment only:\n")
		for _, e := range fs.envOnly {
			fmt.Fprintf(w, "  %-17s %s\n", e[0], e[1])
		}
	}
}

// parse parses args, printing the help if asked for (flag.ErrHelp is
// returned, for exit 0) and turning flag errors into usage errors.
func (fs *flagSet) parse(args []string) error {
	if err := fs.Parse(args); err != nil {
		return fs.parseError(err)
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

func (fs *flagSet) parseError(err error) error {
	if err == flag.ErrHelp {
		fs.printHelp()
		return err
	}
	return usagef("%v (see gp2gp %s --help)", err, strings.Fields(fs.name)[0])
}
