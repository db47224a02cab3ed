package cli

import (
	"context"
	"errors"

	"github.com/nhsdigital/gp2gp/internal/pipeline"
)

func runCmd(ctx context.Context, c *invocation, args []string) (int, error) {
	fs := newFlagSet("run [flags]", "Performs the monthly run: reads the metric and overflow months' Spine logs and the\norganisation metadata, and writes transfers.parquet, practiceMetrics.json,\nnationalMetrics.json, runSummary.json and rejectedRows.csv.gz under v4/{Y}/{M}/ of\nthe output bucket, then _SUCCESS.", c.stderr)
	s := newSettings()
	s.register(fs, c.env)
	if err := parseFlags(fs, args); err != nil {
		return 0, err
	}
	cfg, err := s.config()
	if err != nil {
		return 0, err
	}
	_, code, err := runPipeline(ctx, c, cfg)
	return code, err
}

// runPipeline runs cfg and prints the run summary on stderr.
func runPipeline(ctx context.Context, c *invocation, cfg pipeline.Config) (*pipeline.Result, int, error) {
	cfg.Log = c.log
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
