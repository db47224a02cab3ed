package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nhsdigital/gp2gp/internal/ods"
	"github.com/nhsdigital/gp2gp/internal/odsrun"
	"github.com/nhsdigital/gp2gp/internal/ord"
)

const odsSynopsis = `Builds the organisation metadata that run reads, as NHS England's ods-downloader did:
reads the Spine Directory's ASID export {Y}/{M}/asidLookup.csv.gz from the mapping
bucket, searches the ODS ORD API for GP practices, CCGs and each CCG's practices,
and writes v2/{Y}/{M}/organisationMetadata.json to the output bucket (Y and M are
DATE_ANCHOR's year and month as written). With --format v5 it writes the successor's
v5/{Y}/{M}/organisationMetadata.json instead, falling back to the previous month's
ASID export when this month's is missing. Nothing is written unless all succeeds.
The API is asked at most --requests-per-second times a second (the ODS service's
fair-use request is 5).`

// odsEnvironment is what ods reads from the environment alone.
var odsEnvironment = [][2]string{
	{"LOG_LEVEL", "debug, info (default), warn or error"},
	{"LOG_FORMAT", "text (default) or json: one JSON object a line, for log collectors"},
	{"GP2GP_PROGRESS", "off, or log to print progress as log lines even on a terminal"},
	{"GP2GP_CPUPROFILE", "write a CPU profile of the command to this file"},
	{"AWS_*", "S3 credentials and region, as the AWS SDK reads them (AWS_PROFILE, AWS_ACCESS_KEY_ID, ...)"},
}

// odsSettings are gp2gp ods's settings: the ods-downloader's variables,
// then gp2gp's own.
type odsSettings struct {
	*settings
	out, mapping, anchor, searchURL, buildTag, endpoint *setting
	format, rate, timeout, attempts                     *setting
}

func newODSSettings() *odsSettings {
	s := &odsSettings{settings: &settings{}}
	add := func(flag, env, usage string, required bool, def string) *setting {
		st := s.settings.add(flag, env, usage, required)
		st.value = def
		return st
	}
	s.out = add("output-bucket", "OUTPUT_BUCKET", "bucket the metadata is written to, under v2/{Y}/{M}/ (v5/ with --format v5)", true, "")
	s.mapping = add("mapping-bucket", "MAPPING_BUCKET", "bucket the ASID export {Y}/{M}/asidLookup.csv.gz is read from", true, "")
	s.out.bucket, s.mapping.bucket = true, true
	s.anchor = add("date-anchor", "DATE_ANCHOR", "ISO-8601 datetime; its year and month as written are the month built", true, "")
	s.searchURL = add("search-url", "SEARCH_URL", "the ORD organisation search (default "+ord.DefaultURL+")", false, "")
	s.buildTag = add("build-tag", "BUILD_TAG", "stored as the output's S3 user metadata build-tag", false, "")
	s.endpoint = add("s3-endpoint-url", "S3_ENDPOINT_URL", "S3 endpoint for S3-compatible stores (path-style addressing)", false, "")
	s.format = add("format", "ODS_OUTPUT_VERSION", "output shape: v2 (the 2021 ods-downloader's, which run reads) or v5 (the successor's)", false, "v2")
	s.rate = add("requests-per-second", "ORD_REQUESTS_PER_SECOND", "at most this many ORD requests a second, retries included (default 5)", false, strconv.Itoa(ord.DefaultRequestsPerSecond))
	s.timeout = add("request-timeout", "ORD_REQUEST_TIMEOUT", fmt.Sprintf("give up on an ORD request after this long, e.g. 20s (default %s)", ord.DefaultTimeout), false, ord.DefaultTimeout.String())
	s.attempts = add("max-attempts", "ORD_MAX_ATTEMPTS", fmt.Sprintf("attempts of each ORD request, retries included, on connection errors, 5xx and 429 (default %d)", ord.DefaultMaxAttempts), false, strconv.Itoa(ord.DefaultMaxAttempts))
	return s
}

// config validates the settings.
func (s *odsSettings) config() (odsrun.Config, error) {
	var cfg odsrun.Config
	if err := checkSettings(s.all); err != nil {
		return cfg, err
	}
	cfg.OutputBucket, cfg.MappingBucket = s.out.value, s.mapping.value
	cfg.BuildTag, cfg.S3Endpoint = s.buildTag.value, s.endpoint.value
	anchor, err := parseAnchor(s.anchor.value)
	if err != nil {
		return cfg, usagef("%s: %v", s.anchor.name(), err)
	}
	cfg.Anchor, cfg.AnchorZoned = anchor, zoned(s.anchor.value)
	f, ok := ods.ParseFormat(orDefault(s.format.value, string(ods.V2)))
	if !ok {
		return cfg, usagef("%s %q is not v2 or v5", s.format.name(), s.format.value)
	}
	cfg.Format = f
	cfg.ORD.URL = strings.TrimSpace(s.searchURL.value)
	if _, err := ord.New(cfg.ORD); err != nil {
		return cfg, usagef("%s: %v", s.searchURL.name(), err)
	}
	r, err := strconv.ParseFloat(orDefault(s.rate.value, strconv.Itoa(ord.DefaultRequestsPerSecond)), 64)
	if err != nil || r <= 0 || r > 1000 {
		return cfg, usagef("%s %q is not a number of requests a second above 0 and at most 1000", s.rate.name(), s.rate.value)
	}
	cfg.ORD.RequestsPerSecond = r
	d, err := time.ParseDuration(orDefault(s.timeout.value, ord.DefaultTimeout.String()))
	if err != nil || d <= 0 {
		return cfg, usagef("%s %q is not a positive duration such as 20s", s.timeout.name(), s.timeout.value)
	}
	cfg.ORD.Timeout = d
	n, err := strconv.Atoi(orDefault(s.attempts.value, strconv.Itoa(ord.DefaultMaxAttempts)))
	if err != nil || n < 1 || n > 100 {
		return cfg, usagef("%s %q is not a whole number from 1 to 100", s.attempts.name(), s.attempts.value)
	}
	cfg.ORD.MaxAttempts = n
	cfg.ORD.UserAgent = "gp2gp/" + Version
	return cfg, nil
}

// orDefault is v trimmed, or def if that is empty: an empty variable
// means the default.
func orDefault(v, def string) string {
	if v = strings.TrimSpace(v); v == "" {
		return def
	}
	return v
}

// zoned reports whether an ISO-8601 datetime carries an offset or Z.
func zoned(s string) bool {
	v := strings.TrimSpace(s)
	return len(v) > 10 && strings.ContainsAny(v[10:], "Z+-")
}

func odsCmd(ctx context.Context, c *invocation, args []string) (int, error) {
	fs := newFlagSet("ods [flags]", odsSynopsis, c)
	s := newODSSettings()
	s.register(fs, c.env)
	fs.envOnly = odsEnvironment
	prisons, err := fs.envBool(c.env, "prisons", "ODS_INCLUDE_PRISONS", false, "also list prisons and other non-GP prescribing settings, as the v4 ods-downloader did")
	if err != nil {
		return 0, err
	}
	asJSON := fs.Bool("json", false, "also write the summary as JSON on stdout")
	if err := fs.parse(args); err != nil {
		return 0, err
	}
	cfg, err := s.config()
	if err != nil {
		return 0, err
	}
	cfg.Prisons = *prisons
	cfg.Log = c.log
	cfg.Progress = odsProgress(c)
	sum, err := odsrun.Run(ctx, cfg)
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
	return ExitOK, nil
}

// odsProgress reports each phase: a line redrawn in place on a terminal,
// otherwise log lines (at each phase's end, and every 10 s within one).
func odsProgress(c *invocation) func(odsrun.Progress) {
	mode := c.env["GP2GP_PROGRESS"]
	switch {
	case mode == "off":
		return nil
	case mode != "log" && isTerminal(c.stderr):
		return terminalProgress(c.stderr)
	}
	return logProgress(c.log, logInterval)
}

func terminalProgress(w io.Writer) func(odsrun.Progress) {
	var mu sync.Mutex
	return func(p odsrun.Progress) {
		mu.Lock()
		defer mu.Unlock()
		line := fmt.Sprintf("\r\033[K%-12s", p.Phase)
		if p.Total > 0 {
			line += fmt.Sprintf(" %d/%d", p.Done, p.Total)
		}
		if p.Final {
			line += "\n"
		}
		io.WriteString(w, line)
	}
}

func logProgress(log *slog.Logger, every time.Duration) func(odsrun.Progress) {
	var mu sync.Mutex
	var last time.Time
	return func(p odsrun.Progress) {
		mu.Lock()
		defer mu.Unlock()
		if (!p.Final && time.Since(last) < every) || (p.Total == 0 && !p.Final) {
			return // too soon, or nothing to say yet
		}
		last = time.Now()
		log.Info("progress", "phase", p.Phase, "done", p.Done, "total", p.Total)
	}
}
