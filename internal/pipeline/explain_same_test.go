package pipeline

import (
	"bytes"
	"context"
	"encoding/csv"
	"log/slog"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nhsdigital/gp2gp/internal/explain"
	"github.com/nhsdigital/gp2gp/internal/output/outputtest"
	"github.com/nhsdigital/gp2gp/internal/spine"
)

// asRow is t as transfers.parquet holds it (SPEC §5), read back.
func asRow(t *spine.Transfer) outputtest.Row {
	str := func(s string) *string { return &s }
	nullStr := func(s spine.NullString) *string {
		if !s.Valid {
			return nil
		}
		return &s.String
	}
	codes := func(cs []spine.ErrorCode) []*int64 {
		out := make([]*int64, len(cs))
		for i, c := range cs {
			if c.Valid {
				out[i] = &c.Code
			}
		}
		return out
	}
	r := outputtest.Row{
		ConversationID:     str(t.ConversationID),
		RequestingASID:     str(t.RequestingASID),
		SendingASID:        str(t.SendingASID),
		RequestingSupplier: nullStr(t.RequestingSupplier),
		SendingSupplier:    nullStr(t.SendingSupplier),
		SenderErrorCodes:   codes(t.SenderErrorCodes),
		FinalErrorCodes:    codes(t.FinalErrorCodes),
		Status:             str(string(t.Status)),
		DateRequested:      new(int64(t.DateRequested)),
		// An empty list, as parquet-go reads one back, never nil.
		IntermediateErrorCodes: make([]*int64, 0, len(t.IntermediateErrorCodes)),
	}
	for _, c := range t.IntermediateErrorCodes {
		r.IntermediateErrorCodes = append(r.IntermediateErrorCodes, &c)
	}
	if secs, ok := t.SLASeconds(); ok {
		r.SLADuration = &secs
	}
	if t.FailureReason != "" {
		r.FailureReason = &t.FailureReason
	}
	if t.HasDateCompleted {
		r.DateCompleted = new(int64(t.DateCompleted))
	}
	return r
}

// TestExplainAgreesWithRun: for every conversation of a generated month,
// what explain says of it (a transfer or not; its transfer row; the
// outcome and SLA of its explanation) is what run wrote. Explain streams
// the CSV logs and classifies what it keeps; run here takes its other
// path: rows spilled to disk in small partitions, most of them classified
// early, during the read.
//
// kills: Explain reading only the metric month's log (range inputs[:1])
// kills: Explain classifying without the cutoff (classifyOptions(0, layout))
// kills: run's decoder dropping a field explain reads from the CSV
// (decoder.conversation without m.FromSystem)
func TestExplainAgreesWithRun(t *testing.T) {
	m := generateMonth(t, 600, 23)
	out := t.TempDir()
	cfg := m.config(out)
	var logs bytes.Buffer
	cfg.Log = slog.New(slog.NewTextHandler(&logs, nil))
	res, err := run(context.Background(), cfg, options{spillThreshold: -1, tempDir: t.TempDir(), partitionSize: 16, early: earlyEager})
	if err != nil {
		t.Fatal(err)
	}
	early := regexp.MustCompile(`msg="classified early" partitions=([1-9][0-9]*) disproved=false`)
	if !strings.Contains(logs.String(), "spill=true") || !early.MatchString(logs.String()) {
		t.Fatalf("the run did not spill its rows and classify some partitions early:\n%s", logs.String())
	}
	t.Log(early.FindString(logs.String()))
	written := map[string]outputtest.Row{}
	for _, r := range outputtest.ReadRows(t, filepath.Join(out, "v4/2019/12", TransfersFile)) {
		written[*r.ConversationID] = r
	}
	if len(written) != res.Summary.Transfers || len(written) < 300 {
		t.Fatalf("%d transfers written, %d in the summary; want them equal, at least 300", len(written), res.Summary.Transfers)
	}

	manifest, err := csv.NewReader(bytes.NewReader(m.manifest)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range manifest[1:] {
		ids = append(ids, r[0])
	}
	ex, err := Explain(context.Background(), ExplainRequest{Config: m.config(""), IDs: ids})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ex.Missing {
		if _, ok := written[id]; ok {
			t.Errorf("%s: a transfer, which explain found in no input", id)
		}
	}
	ectx := explain.Context{CutoffDays: cfg.CutoffDays, HasWindow: ex.HasWindow, WindowStart: ex.Options.WindowStart, WindowEnd: ex.Options.WindowEnd}
	explained := 0
	for _, c := range ex.Classifications {
		row, isTransfer := written[c.ConversationID]
		e := explain.Build(c, ectx)
		if e.IsTransfer != isTransfer {
			t.Errorf("%s: explained as a transfer: %v (%s); written as one: %v", c.ConversationID, e.IsTransfer, e.Skipped, isTransfer)
			continue
		}
		if !isTransfer {
			continue
		}
		explained++
		if d := cmp.Diff(row, asRow(&c.Transfer)); d != "" {
			t.Errorf("%s: run wrote (-) and explain classified (+) differently:\n%s", c.ConversationID, d)
			continue
		}
		if e.Outcome == nil || e.Outcome.Status != *row.Status || !cmp.Equal(e.Outcome.FailureReason, row.FailureReason) {
			t.Errorf("%s: explained outcome %+v, written %s/%v", c.ConversationID, e.Outcome, *row.Status, row.FailureReason)
		}
		if (e.SLA == nil) != (row.SLADuration == nil) || (e.SLA != nil && e.SLA.Seconds != *row.SLADuration) {
			t.Errorf("%s: explained SLA %+v, written %v", c.ConversationID, e.SLA, row.SLADuration)
		}
	}
	if explained != len(written) {
		t.Errorf("explain found %d of the %d transfers written", explained, len(written))
	}
}
