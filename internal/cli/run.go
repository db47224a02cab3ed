package cli

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/nhsdigital/gp2gp/internal/pipeline"
)

func runCmd(ctx context.Context, c *invocation, args []string) (int, error) {
	fs := newFlagSet("run [flags]", "Performs the monthly run: reads the metric and overflow months' Spine logs and the\norganisation metadata, and writes transfers.parquet, practiceMetrics.json,\nnationalMetrics.json, runSummary.json, rejectedRows.csv.gz and report.html under v4/{Y}/{M}/ of\nthe output bucket, then _SUCCESS.", c)
	s := newSettings()
	s.register(fs, c.env)
	noReport, err := fs.envBool(c.env, "no-report", "NO_REPORT", false, "do not write report.html")
	if err != nil {
		return 0, err
	}
	uk07, err := uk07Flag(fs, c.env, false)
	if err != nil {
		return 0, err
	}
	if err := fs.parse(args); err != nil {
		return 0, err
	}
	cfg, err := s.config()
	if err != nil {
		return 0, err
	}
	cfg.NoReport, cfg.UK07CoreEHR = *noReport, *uk07
	_, code, err := runPipeline(ctx, c, cfg)
	return code, err
}

// runPipeline runs cfg and prints the run summary on stderr.
func runPipeline(ctx context.Context, c *invocation, cfg pipeline.Config) (*pipeline.Result, int, error) {
	cfg.Log = c.log
	setProgress(&cfg, c)
	setMemoryLimit(c.env)
	res, err := pipeline.Run(ctx, cfg)
	var tooMany *pipeline.TooManyRejectedError
	if res != nil && (err == nil || errors.As(err, &tooMany)) {
		res.Summary.WriteText(c.stderr)
	}
	if err != nil {
		return nil, 0, err
	}
	if res.Summary.RowsRejected > 0 {
		return res, ExitRejected, nil
	}
	return res, ExitOK, nil
}

// uk07Flag registers --uk07-core-ehr (env UK07_CORE_EHR), whose default
// is def: classify counts RCMR_IN030000UK07 as a core EHR by default, run
// does not (SPEC-SUCCESSOR §2.4).
func uk07Flag(fs *flagSet, e env, def bool) (*bool, error) {
	return fs.envBool(e, "uk07-core-ehr", "UK07_CORE_EHR", def, "count RCMR_IN030000UK07 (core EHR with redactions) as a core EHR")
}

// envBool registers the boolean flag name, whose default is the
// environment variable envName if set (true or false), else def.
func (fs *flagSet) envBool(e env, name, envName string, def bool, usage string) (*bool, error) {
	v := def
	if s := strings.TrimSpace(e[envName]); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return nil, usagef("%s %q is not true or false", envName, e[envName])
		}
		v = b
	}
	fs.BoolVar(&v, name, v, fmt.Sprintf("%s (env %s)", usage, envName))
	return &v, nil
}
