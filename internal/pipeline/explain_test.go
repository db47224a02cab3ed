package pipeline

import (
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nhsdigital/gp2gp/internal/golden"
	"github.com/nhsdigital/gp2gp/internal/spine"
)

// referenceE2E is the reference's end-to-end case (see golden.Case.Dir for
// when it skips).
func referenceE2E(t *testing.T) string {
	t.Helper()
	return golden.Find(t, "reference-e2e").Dir(t)
}

// plainCopy writes the decompressed metric log of the reference's inputs.
func plainCopy(t *testing.T, dir string) string {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "spine", "v2", "messages", "2019", "12", "2019-12_spine_messages.csv.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "log.csv")
	w, _ := os.Create(out)
	if _, err := io.Copy(w, zr); err != nil {
		t.Fatal(err)
	}
	w.Close()
	return out
}

func TestExplain(t *testing.T) {
	dir := referenceE2E(t)
	anchor := time.Date(2020, 1, 30, 18, 44, 49, 0, time.UTC)
	month := Config{SpineBucket: filepath.Join(dir, "spine"), OrganisationBucket: filepath.Join(dir, "org"), Anchor: anchor, CutoffDays: 14}
	metricLog := filepath.Join(dir, "spine", "v2", "messages", "2019", "12", "2019-12_spine_messages.csv.gz")
	ids := []string{"failed--A12345", "nope", "integrated-beyond-8-days--A12345", "failed--A12345"}
	tests := []struct {
		name       string
		req        ExplainRequest
		wantWindow bool
		wantOrgs   bool
	}{
		{"month", ExplainRequest{Config: month, IDs: ids}, true, true},
		{"local gzip, no anchor", ExplainRequest{Config: Config{CutoffDays: 14}, Input: metricLog, IDs: ids}, false, false},
		{"local plain CSV, anchor and metadata", ExplainRequest{Config: month, Input: plainCopy(t, dir), IDs: ids}, true, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Explain(context.Background(), tc.req)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range res.Classifications {
				got = append(got, c.ConversationID)
				for _, m := range c.Messages {
					if m.ConversationID != c.ConversationID {
						t.Errorf("%s holds a message of %s", c.ConversationID, m.ConversationID)
					}
				}
			}
			if d := cmp.Diff([]string{"failed--A12345", "integrated-beyond-8-days--A12345"}, got); d != "" {
				t.Errorf("classified (-want +got):\n%s", d)
			}
			if d := cmp.Diff([]string{"nope"}, res.Missing); d != "" {
				t.Errorf("missing (-want +got):\n%s", d)
			}
			if res.HasWindow != tc.wantWindow || (res.Organisations != nil) != tc.wantOrgs {
				t.Errorf("window %v, organisations %v; want %v, %v", res.HasWindow, res.Organisations != nil, tc.wantWindow, tc.wantOrgs)
			}
			failed := res.Classifications[0]
			if failed.Rule == nil || failed.Rule.Reason != spine.ReasonFinalError || failed.Skip != spine.NotSkipped {
				t.Errorf("failed--A12345: rule %+v, skip %v", failed.Rule, failed.Skip)
			}
			if len(failed.Messages) != 4 {
				t.Errorf("failed--A12345 has %d messages, want 4", len(failed.Messages))
			}
		})
	}
}

func TestExplainMissingInput(t *testing.T) {
	_, err := Explain(context.Background(), ExplainRequest{Input: filepath.Join(t.TempDir(), "none.csv"), IDs: []string{"x"}})
	if err == nil {
		t.Fatal("no error for a missing input")
	}
}
