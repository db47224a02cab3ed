package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/nhsdigital/gp2gp/internal/classifyrun"
	"github.com/nhsdigital/gp2gp/internal/explain"
	"github.com/nhsdigital/gp2gp/internal/output"
	"github.com/nhsdigital/gp2gp/internal/pipeline"
	"github.com/nhsdigital/gp2gp/internal/spine"
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

With --daily it is configured as classify is (INPUT_SPINE_DATA_BUCKET, START_DATETIME,
END_DATETIME, CONVERSATION_CUTOFF_DAYS, GP2GP_NOW, --uk07-core-ehr; the output bucket and
BUILD_TAG are not needed) and reads the window's daily files and the cutoff's overflow
days: the days that show the window's conversations whole, as classify sees them. It
also gives the outcome as the v11 table spells it, and with INPUT_ODS_METADATA_BUCKET
the practices' ODS codes and names, from the metadata classify would use.

An id found in no input is an error (exit 1), after the others are shown.`

func explainCmd(ctx context.Context, c *invocation, args []string) (int, error) {
	for _, a := range args {
		if a == "--daily" || a == "-daily" || a == "--daily=true" || a == "-daily=true" {
			return explainDaily(ctx, c, args)
		}
	}
	fs := newFlagSet("explain [flags] CONVERSATION_ID...", explainSynopsis, c)
	s := newSettings()
	s.out.required = false
	s.register(fs, c.env)
	input := fs.String("input", "", "a local Spine log, CSV or gzip-compressed CSV, to read instead of the month's logs")
	asJSON := fs.Bool("json", false, "write JSON instead of text")
	fs.Bool("daily", false, "configured as classify is: read the window's daily files (see above)")
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
	dir := explain.NewDirectory(res.Organisations)
	return writeExplained(c, res, cfg.CutoffDays, *asJSON, false, func(*spine.Classification) explain.Directory { return dir })
}

// explainDaily is explain --daily: classify's configuration.
func explainDaily(ctx context.Context, c *invocation, args []string) (int, error) {
	fs := newFlagSet("explain --daily [flags] CONVERSATION_ID...", explainSynopsis, c)
	s := newClassifySettings()
	s.out.required, s.odsB.required, s.buildTag.required = false, false, false // the ODS metadata, if given, names the practices
	s.register(fs, c.env)
	fs.envOnly = classifyEnvironment
	uk07, err := uk07Flag(fs, c.env, true)
	if err != nil {
		return 0, err
	}
	asJSON := fs.Bool("json", false, "write JSON instead of text")
	fs.Bool("daily", true, "configured as classify is: read the window's daily files")
	ids, err := parseInterspersed(fs, args)
	if err != nil {
		return 0, err
	}
	if len(ids) == 0 {
		return 0, usagef("no conversation id given; usage: gp2gp explain --daily [flags] CONVERSATION_ID...")
	}
	now, err := clock(c.env)
	if err != nil {
		return 0, err
	}
	cfg, err := s.config(now())
	if err != nil {
		return 0, err
	}
	cfg.UK07CoreEHR = *uk07
	var keys []string
	for _, d := range append(append([]time.Time(nil), cfg.Window.Days...), cfg.Window.Overflow...) {
		keys = append(keys, classifyrun.SpineKey(d))
	}
	opt := cfg.Options()
	res, err := pipeline.Explain(ctx, pipeline.ExplainRequest{
		Config: pipeline.Config{SpineBucket: cfg.SpineBucket, S3Endpoint: cfg.S3Endpoint, CutoffDays: cfg.CutoffDays, Log: c.log},
		Keys:   keys, Options: &opt, IDs: ids,
	})
	if err != nil {
		return 0, err
	}
	directory := func(*spine.Classification) explain.Directory { return nil }
	if cfg.ODSBucket != "" {
		enr, err := classifyrun.ReadEnrichment(ctx, cfg)
		if err != nil {
			return 0, err
		}
		directory = func(cl *spine.Classification) explain.Directory {
			return dailyDirectory(enr, cl)
		}
	}
	return writeExplained(c, res, cfg.CutoffDays, *asJSON, true, directory)
}

// dailyDirectory names the practices of cl's messages from the ODS
// metadata of the day it was requested (or began, without a request), as
// classify enriches its table.
func dailyDirectory(enr *classifyrun.Enrichment, cl *spine.Classification) explain.Directory {
	if len(cl.Messages) == 0 {
		return nil
	}
	t := cl.Messages[0].Time
	if cl.Skip != spine.SkipNoRequest {
		t = cl.Transfer.DateRequested
	}
	day := time.UnixMicro(int64(t))
	d := explain.Directory{}
	for _, m := range cl.Messages {
		for _, asid := range []string{m.Sender, m.Recipient} {
			if code, name, ok := enr.Practice(day, asid); ok {
				d[asid] = explain.Practice{ODSCode: code, Name: name}
			}
		}
	}
	return d
}

// writeExplained writes the explanations, with the practices directory
// gives each and, if v11, the outcome as the v11 table spells it; and fails
// naming the ids not found.
func writeExplained(c *invocation, res *pipeline.Explained, cutoffDays int, asJSON, v11 bool, directory func(*spine.Classification) explain.Directory) (int, error) {
	var err error
	ectx := explain.Context{
		CutoffDays:  cutoffDays,
		HasWindow:   res.HasWindow,
		WindowStart: res.Options.WindowStart,
		WindowEnd:   res.Options.WindowEnd,
	}
	es := make([]*explain.Explanation, 0, len(res.Classifications))
	for _, cl := range res.Classifications {
		ectx.Directory = directory(cl)
		e := explain.Build(cl, ectx)
		if v11 && e.Outcome != nil {
			if e.Outcome.V11Status, err = output.V11Status(spine.Status(e.Outcome.Status)); err != nil {
				return 0, err
			}
			if r := e.Outcome.FailureReason; r != nil {
				v, err := output.V11Reason(*r)
				if err != nil {
					return 0, err
				}
				e.Outcome.V11FailureReason = &v
			}
		}
		es = append(es, e)
	}
	if asJSON {
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
