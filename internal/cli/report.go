package cli

import (
	"context"
	"fmt"

	"github.com/nhsdigital/gp2gp/internal/pipeline"
)

func reportCmd(ctx context.Context, c *invocation, args []string) (int, error) {
	fs := newFlagSet("report [flags]", "Renders report.html again from a month's existing outputs (nationalMetrics.json,\npracticeMetrics.json and, if present, runSummary.json under v4/{Y}/{M}/ of the output\nbucket) and writes it beside them. Configured as run is; only the output bucket and\nthe date anchor are needed.", c)
	s := newSettings()
	s.spine.required, s.org.required = false, false
	s.register(fs, c.env)
	if err := fs.parse(args); err != nil {
		return 0, err
	}
	cfg, err := s.config()
	if err != nil {
		return 0, err
	}
	where, err := pipeline.Report(ctx, cfg)
	if err != nil {
		return 0, err
	}
	fmt.Fprintf(c.stdout, "%s\n", where)
	return ExitOK, nil
}
