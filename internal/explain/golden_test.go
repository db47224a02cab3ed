package explain_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nhsdigital/gp2gp/internal/explain"
	"github.com/nhsdigital/gp2gp/internal/golden"
	"github.com/nhsdigital/gp2gp/internal/pipeline"
	"github.com/nhsdigital/gp2gp/internal/spine"
)

var update = flag.Bool("update", false, "rewrite the golden explain outputs in testdata")

// families are scenario families of the dec2019-1k case whose first
// conversation is explained: one for each outcome rule, and one for each
// way a message can be dropped.
var families = []string{
	"integrated_3d",                              // 1
	"integrated_late",                            // 1b
	"final_error",                                // 2
	"copc:ambiguous_duplicate_ehr",               // 3a
	"copc:fragment_error",                        // 3b
	"copc:not_sent",                              // 3c
	"copc:not_acked",                             // 3d
	"copc:pending_acked",                         // 3e
	"fatal_sender_error",                         // 4
	"request_not_acknowledged",                   // 5
	"core_ehr_not_sent",                          // 6
	"ehr_with_nonfatal_sender_error",             // 7
	"pending_core_ehr_sent",                      // 8
	"duplicate_ehr_row_after_ack",                // superseded
	"ack_without_message:dangling_requester_ack", // unpaired ack
	"beyond_cutoff:late_ack",                     // cutoff
	"copc_from_third_asid",                       // unknown purpose
	"clock_skew_ack_before_ehr",                  // negative SLA
	"first_message_not_request:ack_only",         // not a transfer
	"started_overflow_month:integrated",          // outside the window
}

// firstOfFamily reads the case's manifest: family → first conversation id.
func firstOfFamily(t *testing.T, c golden.Case) map[string]string {
	t.Helper()
	first := map[string]string{}
	for _, r := range c.Manifest(t) {
		if _, ok := first[r.Family]; !ok {
			first[r.Family] = r.ConversationID
		}
	}
	return first
}

// explainCase explains ids of a golden case as the CLI does.
func explainCase(t *testing.T, dir, anchor string, cutoff int, ids []string) []*explain.Explanation {
	t.Helper()
	a, err := time.Parse(time.RFC3339, anchor)
	if err != nil {
		t.Fatal(err)
	}
	res, err := pipeline.Explain(context.Background(), pipeline.ExplainRequest{
		Config: pipeline.Config{SpineBucket: filepath.Join(dir, "spine"), OrganisationBucket: filepath.Join(dir, "org"), Anchor: a, CutoffDays: cutoff},
		IDs:    ids,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Missing) > 0 {
		t.Fatalf("missing %v", res.Missing)
	}
	ctx := explain.Context{Directory: explain.NewDirectory(res.Organisations), CutoffDays: cutoff, HasWindow: true,
		WindowStart: res.Options.WindowStart, WindowEnd: res.Options.WindowEnd}
	var es []*explain.Explanation
	for _, c := range res.Classifications {
		es = append(es, explain.Build(c, ctx))
	}
	return es
}

// TestGoldenExplain compares the text and JSON explanations of
// conversations covering every outcome rule with testdata (go test -update
// rewrites them), and checks that every rule is covered.
func TestGoldenExplain(t *testing.T) {
	c := golden.Find(t, "dec2019-1k")
	dir := c.Dir(t)
	first := firstOfFamily(t, c)
	var ids []string
	for _, f := range families {
		id, ok := first[f]
		if !ok {
			t.Fatalf("no conversation of family %q in the manifest", f)
		}
		ids = append(ids, id)
	}
	es := explainCase(t, dir, c.DateAnchor, *c.CutoffDays, ids)
	covered := map[string]bool{}
	for i, e := range es {
		if e.Outcome != nil && e.IsTransfer {
			covered[e.Outcome.Rule.ID] = true
		}
		name := strings.NewReplacer(":", "_").Replace(families[i])
		checkGolden(t, name, e)
	}
	for _, r := range spine.Rules {
		if !covered[r.ID] {
			t.Errorf("no golden explanation is decided by rule %s (%s)", r.ID, r.Condition)
		}
	}
}

// TestReferenceExplain checks the acceptance examples on the reference's
// end-to-end inputs. They carry no licence, so nothing derived from them
// is kept in testdata: only these checks.
func TestReferenceExplain(t *testing.T) {
	c := golden.Find(t, "reference-e2e")
	dir := c.Dir(t)
	ids := []string{"failed--A12345", "multiple-sender-errors--A12347", "integrated-beyond-8-days--A12345"}
	es := explainCase(t, dir, c.DateAnchor, *c.CutoffDays, ids)
	want := [][]string{
		{"error 30: Large Message general failure", "effective final ack: #4 (error 30", "rule 2   MATCHED", "TECHNICAL_FAILURE, Final Error", "A12345 Test GP Practice with Integrations"},
		{"error 23:", "error 99: Unexpected condition", "senderErrorCodes        [23, 99]", "=> TECHNICAL_FAILURE, Contains Fatal Sender Error"},
		{"830306 s", "=> PROCESS_FAILURE, Integrated Late"},
	}
	for i, e := range es {
		var b bytes.Buffer
		if err := explain.WriteText(&b, []*explain.Explanation{e}); err != nil {
			t.Fatal(err)
		}
		for _, w := range want[i] {
			if !strings.Contains(b.String(), w) {
				t.Errorf("%s: explanation lacks %q:\n%s", ids[i], w, b.String())
			}
		}
	}
}

func checkGolden(t *testing.T, name string, e *explain.Explanation) {
	t.Helper()
	var text, js bytes.Buffer
	if err := explain.WriteText(&text, []*explain.Explanation{e}); err != nil {
		t.Fatal(err)
	}
	if err := explain.WriteJSON(&js, []*explain.Explanation{e}); err != nil {
		t.Fatal(err)
	}
	if !json.Valid(js.Bytes()) {
		t.Errorf("%s: invalid JSON", name)
	}
	for _, f := range []struct {
		ext string
		got []byte
	}{{".txt", text.Bytes()}, {".json", js.Bytes()}} {
		path := filepath.Join("testdata", name+f.ext)
		if *update {
			if err := os.WriteFile(path, f.got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -update to create it)", err)
		}
		if d := cmp.Diff(string(want), string(f.got)); d != "" {
			t.Errorf("%s differs (-want +got):\n%s", path, d)
		}
	}
}
