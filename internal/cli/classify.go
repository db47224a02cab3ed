package cli

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/nhsdigital/gp2gp/internal/classifyrun"
)

const classifySynopsis = `Classifies the transfers requested in a window of days, as NHS England's 2023
transfer-classifier did in daily mode: reads the daily Spine files
v3/YYYY/MM/DD/YYYY-MM-DD_spine_messages.csv.gz of the window and of the cutoff's
overflow days, and the v5 ODS metadata v5/{Y}/{M}/organisationMetadata.json, and writes
v11/cutoff-N/YYYY/MM/DD/YYYY-MM-DD-transfers.parquet for every window day, all or none,
with their S3 user metadata. Without START_DATETIME and END_DATETIME the window is the
single day (yesterday, UTC) − cutoff. With a cutoff it classifies each day as soon as
the files have moved the cutoff past it, while later files are still read, so a long
window needs little memory (docs/classify.md).`

// classifyEnvironment is what classify reads from the environment alone.
var classifyEnvironment = [][2]string{
	{"LOG_LEVEL", "debug, info (default), warn or error"},
	{"LOG_FORMAT", "text (default) or json: one JSON object a line, for log collectors"},
	{"GP2GP_NOW", `an ISO-8601 datetime that replaces the clock for the default day, for backfills and tests`},
	{"TMPDIR", "where the day tables wait to be uploaded to S3 (a local output directory holds them beside their keys, hidden), and a large window without a cutoff spills its rows (removed at the end)"},
	{"AWS_*", "S3 credentials and region, as the AWS SDK reads them"},
}

type classifySettings struct {
	*settings
	spine, odsB, out, buildTag, start, end, cutoff, endpoint *setting
}

func newClassifySettings() *classifySettings {
	s := &classifySettings{settings: &settings{}}
	add := s.settings.add
	s.out = add("output-bucket", "OUTPUT_TRANSFER_DATA_BUCKET", "bucket the v11 daily tables are written to", true)
	s.spine = add("spine-bucket", "INPUT_SPINE_DATA_BUCKET", "bucket the v3 daily Spine files are read from", true)
	s.odsB = add("ods-bucket", "INPUT_ODS_METADATA_BUCKET", "bucket the v5 ODS metadata is read from", true)
	s.spine.bucket, s.odsB.bucket, s.out.bucket = true, true, true
	s.buildTag = add("build-tag", "BUILD_TAG", "stored as the outputs' S3 user metadata build-tag", true)
	s.start = add("start-datetime", "START_DATETIME", "the window's first day, an ISO-8601 midnight with an offset, e.g. 2019-12-02T00:00:00Z (with END_DATETIME)", false)
	s.end = add("end-datetime", "END_DATETIME", "the midnight ending the window, exclusive (with START_DATETIME)", false)
	s.cutoff = add("cutoff-days", "CONVERSATION_CUTOFF_DAYS", "drop messages more than this many whole days after a conversation's first, and read this many overflow days; 0 or unset: no cutoff", false)
	s.endpoint = add("s3-endpoint-url", "S3_ENDPOINT_URL", "S3 endpoint for S3-compatible stores (path-style addressing)", false)
	return s
}

// config validates the settings; now is the clock, for the default day.
func (s *classifySettings) config(now time.Time) (classifyrun.Config, error) {
	var cfg classifyrun.Config
	if err := checkSettings(s.all); err != nil {
		return cfg, err
	}
	cfg.SpineBucket, cfg.ODSBucket, cfg.OutputBucket = s.spine.value, s.odsB.value, s.out.value
	cfg.BuildTag, cfg.S3Endpoint = s.buildTag.value, strings.TrimSpace(s.endpoint.value)
	if v := strings.TrimSpace(s.cutoff.value); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > maxCutoffDays {
			return cfg, usagef("%s %q is not a whole number of days from 0 to %d", s.cutoff.name(), s.cutoff.value, maxCutoffDays)
		}
		cfg.CutoffDays = n
	}
	startSet, endSet := strings.TrimSpace(s.start.value) != "", strings.TrimSpace(s.end.value) != ""
	switch {
	case !startSet && !endSet:
		cfg.Window = classifyrun.DefaultWindow(now, cfg.CutoffDays)
		return cfg, nil
	case startSet != endSet:
		set, unset := s.start, s.end
		if endSet {
			set, unset = unset, set
		}
		return cfg, usagef("%s is set but %s is not: set both, or neither for the default day", set.name(), unset.name())
	}
	start, err := parseMidnight(s.start)
	if err != nil {
		return cfg, err
	}
	end, err := parseMidnight(s.end)
	if err != nil {
		return cfg, err
	}
	if start.After(end) {
		return cfg, usagef("%s %s is after %s %s", s.start.name(), s.start.value, s.end.name(), s.end.value)
	}
	if end.Sub(start) > maxCutoffDays*classifyrun.Day {
		return cfg, usagef("the window from %s to %s is longer than %d days", s.start.value, s.end.value, maxCutoffDays)
	}
	cfg.Window = classifyrun.ExplicitWindow(start, end, cfg.CutoffDays)
	return cfg, nil
}

// parseMidnight parses START_DATETIME or END_DATETIME: an ISO-8601 time
// with an offset, at midnight in that offset.
func parseMidnight(st *setting) (time.Time, error) {
	t, err := parseAnchor(st.value)
	if err != nil {
		return t, usagef("%s: %v", st.name(), err)
	}
	if !zoned(st.value) {
		return t, usagef("%s %q has no offset: write it as a midnight with one, e.g. 2019-12-02T00:00:00Z", st.name(), st.value)
	}
	if t.Hour() != 0 || t.Minute() != 0 || t.Second() != 0 || t.Nanosecond() != 0 {
		return t, usagef("%s %q is not at midnight in its offset", st.name(), st.value)
	}
	return t, nil
}

func classifyCmd(ctx context.Context, c *invocation, args []string) (int, error) {
	fs := newFlagSet("classify [flags]", classifySynopsis, c)
	s := newClassifySettings()
	s.register(fs, c.env)
	fs.envOnly = classifyEnvironment
	uk07, err := uk07Flag(fs, c.env, true)
	if err != nil {
		return 0, err
	}
	asJSON := fs.Bool("json", false, "also write the summary as JSON on stdout")
	if err := fs.parse(args); err != nil {
		return 0, err
	}
	now, err := clock(c.env)
	if err != nil {
		return 0, err
	}
	cfg, err := s.config(now())
	if err != nil {
		return 0, err
	}
	cfg.UK07CoreEHR, cfg.Log = *uk07, c.log
	setMemoryLimit(c.env)
	sum, err := classifyrun.Run(ctx, cfg)
	if err != nil {
		return 0, err
	}
	sum.WriteText(c.stderr)
	if *asJSON {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(sum); err != nil {
			return 0, err
		}
	}
	if sum.RowsRejected > 0 {
		return ExitRejected, nil
	}
	return ExitOK, nil
}
