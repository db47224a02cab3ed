package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/nhsdigital/gp2gp/internal/explain"
	"github.com/nhsdigital/gp2gp/internal/pipeline"
)

const explainSynopsis = `Explains conversations' outcomes: for each CONVERSATION_ID, the timeline of its
messages, how acknowledgements were paired (and which were dropped, and why), the
roles, every derived fact, the SLA and the outcome rule that decided, using the
run's own classification. Configured as run is (the output bucket is not needed).
It streams the metric and overflow months' Spine logs, keeping only the requested
conversations.

With --input FILE.csv[.gz] it reads that local log instead and needs no bucket;
then DATE_ANCHOR, if set, gives the metric month (and, with the organisation
bucket, the practice names); if unset there is no window: every conversation
counts as in the month.

An id found in no input is an error (exit 1), after the others are shown.`

func explainCmd(ctx context.Context, c *invocation, args []string) (int, error) {
	fs := newFlagSet("explain [flags] CONVERSATION_ID...", explainSynopsis, c)
	s := newSettings()
	s.out.required = false
	s.register(fs, c.env)
	input := fs.String("input", "", "a local Spine log, CSV or gzip-compressed CSV, to read instead of the month's logs")
	asJSON := fs.Bool("json", false, "write JSON instead of text")
	ids, err := parseInterspersed(fs, args)
	if err != nil {
		return 0, err
	}
	if len(ids) == 0 {
		return 0, usagef("no conversation id given; usage: gp2gp explain [flags] CONVERSATION_ID...")
	}
	if *input != "" {
		s.spine.required, s.org.required, s.anchor.required = false, false, false
	}
	cfg, err := s.config()
	if err != nil {
		return 0, err
	}
	cfg.Log = c.log
	res, err := pipeline.Explain(ctx, pipeline.ExplainRequest{Config: cfg, Input: *input, IDs: ids})
	if err != nil {
		return 0, err
	}
	ectx := explain.Context{
		Directory:   explain.NewDirectory(res.Organisations),
		CutoffDays:  cfg.CutoffDays,
		HasWindow:   res.HasWindow,
		WindowStart: res.Options.WindowStart,
		WindowEnd:   res.Options.WindowEnd,
	}
	es := make([]*explain.Explanation, 0, len(res.Classifications))
	for _, cl := range res.Classifications {
		es = append(es, explain.Build(cl, ectx))
	}
	if *asJSON {
		err = explain.WriteJSON(c.stdout, es)
	} else {
		err = explain.WriteText(c.stdout, es)
	}
	if err != nil {
		return 0, err
	}
	if res.RowsRejected > 0 {
		fmt.Fprintf(c.stderr, "gp2gp explain: %d unreadable rows were skipped\n", res.RowsRejected)
	}
	if len(res.Missing) > 0 {
		quoted := make([]string, len(res.Missing))
		for i, id := range res.Missing {
			quoted[i] = fmt.Sprintf("%q", id)
		}
		return 0, fmt.Errorf("conversation %s not found in %s", strings.Join(quoted, ", "), strings.Join(res.Inputs, " or "))
	}
	return ExitOK, nil
}

// parseInterspersed parses flags that may come before, between or after
// the positional arguments, which it returns.
func parseInterspersed(fs *flagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, fs.parseError(err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}
