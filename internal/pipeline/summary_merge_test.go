package pipeline

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nhsdigital/gp2gp/internal/spine"
)

// summarise accounts for cs as one partition does (classifyRecords).
func summarise(cs []*spine.Classification) *Summary {
	s := newSummary()
	tally := newDispositionTally()
	for _, c := range cs {
		s.add(c, tally)
	}
	s.addMessages(tally)
	return s
}

// TestSummaryMergeKeepsEveryCount: accounting for conversations in two
// partitions, merged as a run merges them (each partition into the
// collector's summary, that into the run's), gives the summary of all of
// them at once, whatever the split: merge forgets no count that add keeps.
//
// A run cannot show a clamped SLA: pairing walks messages in time order and
// a replaced message loses its acks, so an ack is never earlier than the
// core EHR it is paired with (see spine.TestSLAClamped) and no input month
// gives NegativeSLAsClamped > 0. The classifications here are built by
// hand for that reason.
//
// kills: Summary.merge without s.NegativeSLAsClamped += o.NegativeSLAsClamped
// (or without any other of its lines)
func TestSummaryMergeKeepsEveryCount(t *testing.T) {
	transfer := func(status spine.Status, reason string, clamped bool, d ...spine.Disposition) *spine.Classification {
		return &spine.Classification{
			Disposition: d,
			Skip:        spine.NotSkipped,
			Facts:       spine.Facts{HasSLA: clamped, SLAClamped: clamped},
			Transfer:    spine.Transfer{Status: status, FailureReason: reason, HasSLA: clamped},
		}
	}
	skipped := func(skip spine.Skip, d ...spine.Disposition) *spine.Classification {
		return &spine.Classification{Disposition: d, Skip: skip}
	}
	in, out, unpaired, superseded := spine.InTransfer, spine.OutsideWindow, spine.UnpairedAck, spine.Superseded
	cs := []*spine.Classification{
		transfer(spine.IntegratedOnTime, "", true, in, in, in, unpaired),
		skipped(spine.SkipNoRequest, spine.NoRequestStarted, spine.NoRequestStarted),
		transfer(spine.TechnicalFailure, spine.ReasonFinalError, false, in, in, in, superseded),
		skipped(spine.SkipOutsideWindow, out, out),
		transfer(spine.IntegratedOnTime, "", true, in, in, in, spine.CutOff),
		transfer(spine.ProcessFailure, spine.ReasonIntegratedLate, false, in, in, in, spine.UnknownPurpose),
	}
	whole := summarise(cs)
	if whole.NegativeSLAsClamped != 2 || whole.Transfers != 4 || whole.Conversations != 6 {
		t.Fatalf("one summary of all: %d clamped, %d transfers, %d conversations; want 2, 4, 6",
			whole.NegativeSLAsClamped, whole.Transfers, whole.Conversations)
	}
	js, err := json.Marshal(whole)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(js), `"negativeSlasClamped":2`) {
		t.Errorf("runSummary.json lacks negativeSlasClamped 2: %s", js)
	}
	for k := range len(cs) + 1 {
		col := newSummary()
		col.merge(summarise(cs[:k]))
		col.merge(summarise(cs[k:]))
		run := newSummary()
		run.merge(col)
		if d := cmp.Diff(whole, run); d != "" {
			t.Errorf("partitions of %d and %d conversations, merged (-one summary +merged):\n%s", k, len(cs)-k, d)
		}
	}
}
