package spine

import (
	"fmt"
	"testing"
)

// ruleCases has every row of the outcome table (docs/rules.md §9), and the precedence
// between rows where more than one condition holds.
func ruleCases() []tcase {
	// Common prefixes: a request started, acknowledged without error, and a
	// core EHR sent an hour later.
	reqAcked := func(rest ...Message) []Message {
		return append(seq(req("R", m(0)), ack("R", m(1))), rest...)
	}
	sent := func(rest ...Message) []Message {
		return reqAcked(append(seq(ehr("E", m(60))), rest...)...)
	}
	ehrAt := m(60)

	cases := []tcase{
		// 1 and 1b: integrated, on time or late.
		{name: "1 integrated, ack without error", rule: "1",
			msgs: sent(ack("E", m(120)))},
		{name: "1 integrated, error 15 suppressed", rule: "1",
			msgs: sent(ack("E", m(120), 15))},
		{name: "1 SLA exactly 8 days is on time", rule: "1",
			msgs: sent(ack("E", ehrAt+8*Day))},
		{name: "1 SLA zero: ack at the core EHR's instant", rule: "1",
			msgs: sent(ack("E", ehrAt))},
		{name: "1b SLA 8 days + 1µs is late", rule: "1b",
			msgs: sent(ack("E", ehrAt+8*Day+1))},
		{name: "1b SLA 8 days + 500ms is late", rule: "1b",
			msgs: sent(ack("E", ehrAt+8*Day+Second/2))},
		{name: "1b integrated after 20 days", rule: "1b",
			msgs: sent(ack("E", ehrAt+20*Day))},
		{name: "1b late with error 15", rule: "1b",
			msgs: sent(ack("E", ehrAt+9*Day, 15))},
		{name: "1 request never acknowledged but integrated", rule: "1",
			msgs: seq(req("R", m(0)), ehr("E", m(60)), ack("E", m(70)))},

		// 2: concluded with failure.
		{name: "2 final ack with error 30", rule: "2",
			msgs: sent(ack("E", m(120), 30))},
		{name: "2 final ack with error 0 (zero is an error)", rule: "2",
			msgs: sent(ack("E", m(120), 0))},
		{name: "2 duplicate 12 then a real error", rule: "2",
			msgs: sent(ack("E", m(120), 12), ack("E", m(130), 99))},
		{name: "2 beats COPC present", rule: "2",
			msgs: sent(cont("C", m(61)), frag("F", m(62)), ack("E", m(120), 11))},

		// Only duplicate (12) acks: no effective ack, falls through.
		{name: "8 only duplicate acks: no effective final ack", rule: "8",
			msgs: sent(ack("E", m(120), 12), ack("E", m(130), 12))},

		// 3a: ambiguous COPC.
		{name: "3a duplicate EHR, an EHR unacked, COPC present", rule: "3a",
			msgs: reqAcked(ehr("E1", m(60)), ack("E1", m(61), 12), ehr("E2", m(62)),
				cont("C", m(63)), frag("F", m(64)), ack("F", m(65)))},
		{name: "3a beats 3b (fragment error too)", rule: "3a",
			msgs: reqAcked(ehr("E1", m(60)), ack("E1", m(61), 12), ehr("E2", m(62)),
				frag("F", m(64)), ack("F", m(65), 5))},
		{name: "3a beats 3c (continue only)", rule: "3a",
			msgs: reqAcked(ehr("E1", m(60)), ack("E1", m(61), 12), ehr("E2", m(62)), cont("C", m(63)))},
		{name: "not 3a when every core EHR has an ack", rule: "3e",
			msgs: reqAcked(ehr("E1", m(60)), ack("E1", m(61), 12),
				cont("C", m(63)), frag("F", m(64)), ack("F", m(65)))},
		{name: "not 3a without a 12", rule: "3e",
			msgs: reqAcked(ehr("E1", m(60)), ehr("E2", m(62)),
				cont("C", m(63)), frag("F", m(64)), ack("F", m(65)))},

		// 3b: COPC error, every fragment acknowledged.
		{name: "3b fragment ack with error", rule: "3b",
			msgs: sent(cont("C", m(61)), frag("F1", m(62)), ack("F1", m(63), 5), frag("F2", m(64)), ack("F2", m(65)))},
		{name: "3b fragment error 0 is an error", rule: "3b",
			msgs: sent(frag("F", m(62)), ack("F", m(63), 0))},
		{name: "3b fragment error 15 is non-null", rule: "3b",
			msgs: sent(frag("F", m(62)), ack("F", m(63), 15))},
		{name: "3b beats 4 (fatal sender error)", rule: "3b",
			msgs: seq(req("R", m(0)), ack("R", m(1), 30), frag("F", m(62)), ack("F", m(63), 5))},

		// 3c: continues, no fragments.
		{name: "3c continue only", rule: "3c",
			msgs: sent(cont("C", m(61)), ack("C", m(62)))},
		{name: "3c continue only, no core EHR", rule: "3c",
			msgs: reqAcked(cont("C", m(61)))},
		{name: "3c beats 4 (fatal sender error)", rule: "3c",
			msgs: seq(req("R", m(0)), ack("R", m(1), 6), cont("C", m(61)))},

		// 3d: some fragment unacknowledged.
		{name: "3d fragment unacknowledged", rule: "3d",
			msgs: sent(cont("C", m(61)), frag("F", m(62)))},
		{name: "3d COPC error but a fragment unacked is not 3b", rule: "3d",
			msgs: sent(cont("C", m(61)), frag("F1", m(62)), ack("F1", m(63), 5), frag("F2", m(64)))},
		{name: "3d fragments without continue", rule: "3d",
			msgs: sent(frag("F1", m(62)), ack("F1", m(63)), frag("F2", m(64)))},
		{name: "3d ack of a fragment logged before it is lost", rule: "3d",
			msgs: sent(cont("C", m(61)), ack("F", m(62)), frag("F", m(63)))},

		// 3e: COPC present otherwise.
		{name: "3e every fragment acked without error", rule: "3e",
			msgs: sent(cont("C", m(61)), frag("F1", m(62)), ack("F1", m(63)), frag("F2", m(64)), ack("F2", m(65)))},
		{name: "3e continue acked with error does not count", rule: "3e",
			msgs: sent(cont("C", m(61)), ack("C", m(62), 5), frag("F", m(63)), ack("F", m(64)))},
		{name: "3e beats 4 (fatal sender error)", rule: "3e",
			msgs: seq(req("R", m(0)), ack("R", m(1), 30), ehr("E", m(60)), frag("F", m(62)), ack("F", m(63)))},
		{name: "3e beats 5 (request unacked)", rule: "3e",
			msgs: seq(req("R", m(0)), ehr("E", m(60)), frag("F", m(62)), ack("F", m(63)))},

		// 4: fatal sender error.
		{name: "4 fatal sender error, no core EHR", rule: "4",
			msgs: seq(req("R", m(0)), ack("R", m(1), 30))},
		{name: "4 beats 7 (core EHR sent)", rule: "4",
			msgs: seq(req("R", m(0)), ack("R", m(1), 99), ehr("E", m(60)))},
		{name: "4 fatal code in a later request ack", rule: "4",
			msgs: seq(req("R", m(0)), ack("R", m(1)), ack("R", m(2), 1), ack("R", m(3), 24))},
		{name: "1 integrated beats fatal sender error", rule: "1",
			msgs: seq(req("R", m(0)), ack("R", m(1), 30), ehr("E", m(60)), ack("E", m(61)))},
		{name: "2 final error beats fatal sender error", rule: "2",
			msgs: seq(req("R", m(0)), ack("R", m(1), 30), ehr("E", m(60)), ack("E", m(61), 30))},

		// 5: request not acknowledged.
		{name: "5 request alone", rule: "5",
			msgs: seq(req("R", m(0)))},
		{name: "5 core EHR sent but request unacked", rule: "5",
			msgs: seq(req("R", m(0)), ehr("E", m(60)))},
		{name: "5 ack with the request's GUID as ref but lrs interaction", rule: "5",
			msgs: seq(req("R", m(0)), with(ack("R", m(1)), func(a *Message) {
				a.Interaction = "urn:nhs:names:services:lrs/MCCI_IN010000UK13"
			}))},

		// 6: no core EHR.
		{name: "6 request acked, nothing sent", rule: "6",
			msgs: reqAcked()},
		{name: "6 beats 7 (non-fatal sender error)", rule: "6",
			msgs: seq(req("R", m(0)), ack("R", m(1), 1))},

		// 7: core EHR and a sender error.
		{name: "7 non-fatal sender error", rule: "7",
			msgs: seq(req("R", m(0)), ack("R", m(1), 1), ehr("E", m(60)))},
		{name: "7 sender error 0 is an error", rule: "7",
			msgs: seq(req("R", m(0)), ack("R", m(1), 0), ehr("E", m(60)))},
		{name: "7 sender error after a clean ack", rule: "7",
			msgs: seq(req("R", m(0)), ack("R", m(1)), ack("R", m(2), 5), ehr("E", m(60)))},

		// 8: otherwise.
		{name: "8 core EHR sent, not acked", rule: "8",
			msgs: sent()},
		{name: "8 core EHR ack dropped (logged before it)", rule: "8",
			msgs: reqAcked(ack("E", m(59)), ehr("E", m(60)))},
	}

	// 4 for every fatal code, 7 for some that are not fatal.
	for _, code := range []int64{6, 7, 10, 14, 23, 24, 30, 99} {
		cases = append(cases, tcase{name: fmt.Sprintf("4 fatal code %d", code), rule: "4",
			msgs: seq(req("R", m(0)), ack("R", m(1), code), ehr("E", m(60)))})
	}
	for _, code := range []int64{-30, 1, 5, 8, 11, 12, 13, 25, 31, 98, 100, 1030} {
		cases = append(cases, tcase{name: fmt.Sprintf("7 non-fatal code %d", code), rule: "7",
			msgs: seq(req("R", m(0)), ack("R", m(1), code), ehr("E", m(60)))})
	}
	return cases
}

func TestRules(t *testing.T) {
	for _, tc := range ruleCases() {
		t.Run(tc.name, func(t *testing.T) { tc.run(t) })
	}
}

// TestRulesTable checks the Rules table itself against docs/rules.md: the rows,
// in order, with their statuses and failure reasons.
func TestRulesTable(t *testing.T) {
	if len(Rules) != len(specRuleOrder) {
		t.Fatalf("%d rules, the documented table has %d", len(Rules), len(specRuleOrder))
	}
	for i, r := range Rules {
		if r.ID != specRuleOrder[i] {
			t.Errorf("Rules[%d].ID = %q, want %q", i, r.ID, specRuleOrder[i])
			continue
		}
		want := specOutcome[r.ID]
		if r.Status != want.Status || r.Reason != want.Reason {
			t.Errorf("rule %s: (%s, %q), want (%s, %q)", r.ID, r.Status, r.Reason, want.Status, want.Reason)
		}
		if r.When == nil || r.Condition == "" {
			t.Errorf("rule %s has no condition", r.ID)
		}
	}
	if last := Rules[len(Rules)-1]; !last.When(&Facts{}) {
		t.Errorf("the last rule %s must always hold", last.ID)
	}
}

// TestEveryRuleCovered makes sure the rule table above reaches every rule.
func TestEveryRuleCovered(t *testing.T) {
	seen := map[string]bool{}
	for _, tc := range ruleCases() {
		seen[tc.rule] = true
	}
	for _, id := range specRuleOrder {
		if !seen[id] {
			t.Errorf("no case for rule %s", id)
		}
	}
}
