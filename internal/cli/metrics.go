package cli

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/nhsdigital/gp2gp/internal/metricsrun"
)

const metricsSynopsis = `Computes the dashboard's v12 metrics, as NHS England's metrics-calculator did:
reads the v11 daily transfer tables v11/cutoff-14/YYYY/MM/DD/YYYY-MM-DD-transfers.parquet
of every day of the NUMBER_OF_MONTHS months before DATE_ANCHOR's month from the input
bucket, and writes v12/{Y}/{M}/{Y}-{M}-nationalMetrics.json and -practiceMetrics.json
for the latest of them to the output bucket, with report.html beside them (unless
--no-report), all or none, with their S3 user metadata. When both parameter names are set it then points those SSM parameters at
them. With --validate it first makes production's validate-metrics checks, and
publishes nothing (exit 4) if one fails.`

// metricsEnvironment is what metrics reads from the environment alone.
var metricsEnvironment = [][2]string{
	{"LOG_LEVEL", "debug, info (default), warn or error"},
	{"LOG_FORMAT", "text (default) or json: one JSON object a line, for log collectors"},
	{"GP2GP_NOW", `an ISO-8601 datetime that replaces the clock ("today" and generatedOn), for backfills and tests`},
	{"GP2GP_CPUPROFILE", "write a CPU profile of the command to this file"},
	{"AWS_*", "S3 and SSM credentials and region, as the AWS SDK reads them (AWS_ENDPOINT_URL_SSM for another SSM endpoint)"},
}

// maxMonths bounds NUMBER_OF_MONTHS (ten years of daily tables).
const maxMonths = 120

type metricsSettings struct {
	*settings
	in, out, buildTag, anchor, months, endpoint, natParam, pracParam *setting
}

func newMetricsSettings() *metricsSettings {
	s := &metricsSettings{settings: &settings{}}
	add := s.settings.add
	s.in = add("input-bucket", "INPUT_TRANSFER_DATA_BUCKET", "bucket the v11 daily transfer tables are read from", true)
	s.out = add("output-bucket", "OUTPUT_METRICS_BUCKET", "bucket the metrics are written to, under v12/{Y}/{M}/", true)
	s.in.bucket, s.out.bucket = true, true
	s.buildTag = add("build-tag", "BUILD_TAG", "stored as the outputs' S3 user metadata metrics-calculator-version", true)
	s.anchor = add("date-anchor", "DATE_ANCHOR", `ISO-8601 datetime meaning "now"; the metric months are the months before its month (default: today)`, false)
	s.months = add("number-of-months", "NUMBER_OF_MONTHS", "how many months of practice metrics, from 1 to 120 (default 6)", false)
	s.endpoint = add("s3-endpoint-url", "S3_ENDPOINT_URL", "S3 endpoint for S3-compatible stores (path-style addressing)", false)
	s.natParam = add("national-metrics-param", "NATIONAL_METRICS_S3_PATH_PARAM_NAME", "SSM parameter set to the national metrics' key (with the practice one, or neither)", false)
	s.pracParam = add("practice-metrics-param", "PRACTICE_METRICS_S3_PATH_PARAM_NAME", "SSM parameter set to the practice metrics' key (with the national one, or neither)", false)
	return s
}

// config validates the settings; now is the clock, for the default anchor.
func (s *metricsSettings) config(now time.Time) (metricsrun.Config, error) {
	var cfg metricsrun.Config
	if err := checkSettings(s.all); err != nil {
		return cfg, err
	}
	cfg.InputBucket, cfg.OutputBucket = s.in.value, s.out.value
	cfg.BuildTag, cfg.S3Endpoint = s.buildTag.value, strings.TrimSpace(s.endpoint.value)
	if strings.TrimSpace(s.anchor.value) == "" {
		// The reference's default: naive local today at midnight.
		cfg.Anchor = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	} else {
		anchor, err := parseAnchor(s.anchor.value)
		if err != nil {
			return cfg, usagef("%s: %v", s.anchor.name(), err)
		}
		cfg.Anchor, cfg.AnchorZoned = anchor, zoned(s.anchor.value)
	}
	n, err := strconv.Atoi(orDefault(s.months.value, "6"))
	if err != nil || n < 1 || n > maxMonths {
		return cfg, usagef("%s %q is not a whole number of months from 1 to %d", s.months.name(), s.months.value, maxMonths)
	}
	cfg.Months = n
	cfg.NationalParam, cfg.PracticeParam = strings.TrimSpace(s.natParam.value), strings.TrimSpace(s.pracParam.value)
	if (cfg.NationalParam == "") != (cfg.PracticeParam == "") {
		set, unset := s.natParam, s.pracParam
		if cfg.NationalParam == "" {
			set, unset = unset, set
		}
		return cfg, usagef("%s is set but %s is not: set both SSM parameter names, or neither", set.name(), unset.name())
	}
	return cfg, nil
}

// clock is GP2GP_NOW, if set, else the wall clock.
func clock(e env) (func() time.Time, error) {
	v := strings.TrimSpace(e["GP2GP_NOW"])
	if v == "" {
		return time.Now, nil
	}
	t, err := parseAnchor(v)
	if err != nil {
		return nil, usagef("GP2GP_NOW: %v", err)
	}
	return func() time.Time { return t }, nil
}

func metricsCmd(ctx context.Context, c *invocation, args []string) (int, error) {
	fs := newFlagSet("metrics [flags]", metricsSynopsis, c)
	s := newMetricsSettings()
	s.register(fs, c.env)
	fs.envOnly = metricsEnvironment
	validate, err := fs.envBool(c.env, "validate", "VALIDATE_METRICS", false, "make production's validate-metrics checks first; publish nothing and exit 4 if one fails")
	if err != nil {
		return 0, err
	}
	noReport, err := fs.envBool(c.env, "no-report", "NO_REPORT", false, "do not write report.html beside the metrics")
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
	cfg.Validate, cfg.NoReport, cfg.Now, cfg.Log = *validate, *noReport, now, c.log
	sum, err := metricsrun.Run(ctx, cfg)
	if err != nil && !errors.Is(err, metricsrun.ErrInvalid) {
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
	if err != nil {
		c.log.Error("validation failed: nothing was published", "event", "METRICS_VALIDATION_FAILED")
		return ExitInvalid, nil
	}
	return ExitOK, nil
}
