package spine

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// checkAccounting asserts that every message of c has exactly one, correct
// disposition and that the counts add up (docs/rules.md, "Where every message ends up": nothing silently lost).
func checkAccounting(t testing.TB, in []Message, opt Options, c *Classification) {
	t.Helper()
	n := len(in)
	if len(c.Messages) != n || len(c.Disposition) != n {
		t.Fatalf("accounting: %d messages in, %d out, %d dispositions", n, len(c.Messages), len(c.Disposition))
	}
	// Messages are the input, stably sorted by time.
	sorted := slices.Clone(in)
	slices.SortStableFunc(sorted, func(a, b Message) int {
		switch {
		case a.Time < b.Time:
			return -1
		case a.Time > b.Time:
			return 1
		}
		return 0
	})
	if diff := cmp.Diff(sorted, c.Messages); diff != "" {
		t.Errorf("accounting: Messages is not the stable time sort of the input (-want +got):\n%s", diff)
	}

	counts := make([]int, numDispositions)
	for i, d := range c.Disposition {
		if d >= numDispositions {
			t.Fatalf("accounting: message %d has invalid disposition %d", i, d)
		}
		counts[d]++
		cut := opt.Cutoff > 0 && c.Messages[i].Time-c.Messages[0].Time > opt.Cutoff
		if (d == CutOff) != cut {
			t.Errorf("accounting: message %d (%s) at +%dµs: disposition %v, after cutoff = %v",
				i, c.Messages[i].GUID, c.Messages[i].Time-c.Messages[0].Time, d, cut)
		}
	}
	total := 0
	for _, k := range counts {
		total += k
	}
	if total != n {
		t.Errorf("accounting: dispositions add up to %d, want %d", total, n)
	}

	switch c.Skip {
	case SkipNoRequest:
		for i, d := range c.Disposition {
			if d != NoRequestStarted && d != CutOff {
				t.Errorf("accounting: skipped (no request) but message %d is %v", i, d)
			}
		}
		if c.Rule != nil || len(c.Entries) != 0 {
			t.Errorf("accounting: skipped (no request) but Rule = %v, %d entries", c.Rule, len(c.Entries))
		}
		return
	case SkipOutsideWindow, NotSkipped:
	default:
		t.Fatalf("accounting: invalid Skip %d", c.Skip)
	}

	// Every kept message is owned by exactly one place in the pairing.
	const (
		free     = ""
		role     = "role"
		ignored  = "ignored"
		replaced = "replaced"
	)
	owner := make([]string, n)
	claim := func(i int, what string) {
		if owner[i] != free {
			t.Errorf("accounting: message %d is both %s and %s", i, owner[i], what)
		}
		owner[i] = what
	}
	entry := func(e Entry, what string) {
		claim(e.Msg, what)
		if c.Messages[e.Msg].Kind() == Acknowledgement {
			t.Errorf("accounting: entry message %d is an acknowledgement", e.Msg)
		}
		for _, a := range e.Acks {
			claim(a, what)
			am := &c.Messages[a]
			if am.Kind() != Acknowledgement || am.MessageRef != c.Messages[e.Msg].GUID || a < e.Msg {
				t.Errorf("accounting: message %d paired with entry %d wrongly", a, e.Msg)
			}
		}
		for _, r := range e.Replaced {
			claim(r, replaced)
			if c.Messages[r].GUID != c.Messages[e.Msg].GUID || r > e.Msg {
				t.Errorf("accounting: message %d listed as replaced by %d wrongly", r, e.Msg)
			}
		}
	}
	r := &c.Roles
	entry(r.Request, role)
	var roled []Entry
	for _, list := range [][]Entry{r.CoreEHRs, r.Continues, r.Fragments} {
		for _, e := range list {
			entry(e, role)
			roled = append(roled, e)
		}
	}
	for _, e := range r.Ignored {
		entry(e, ignored)
		roled = append(roled, e)
	}
	if len(c.Entries) == 0 || c.Entries[0].Msg != r.Request.Msg || len(roled) != len(c.Entries)-1 {
		t.Errorf("accounting: roles do not partition the %d entries", len(c.Entries))
	}

	inTransfer := InTransfer
	if c.Skip == SkipOutsideWindow {
		inTransfer = OutsideWindow
	}
	for i, d := range c.Disposition {
		if d == CutOff {
			if owner[i] != free {
				t.Errorf("accounting: cut-off message %d is also %s", i, owner[i])
			}
			continue
		}
		ok := false
		switch owner[i] {
		case role:
			ok = d == inTransfer
		case ignored:
			// An ignored message outside the window may be counted either way.
			ok = d == UnknownPurpose || d == inTransfer && c.Skip == SkipOutsideWindow
		case replaced:
			ok = d == Superseded
		case free: // an ack paired with nothing, or with a replaced message
			ok = c.Messages[i].Kind() == Acknowledgement && (d == UnpairedAck || d == Superseded)
		}
		if !ok {
			t.Errorf("accounting: message %d (%s, %v) owned as %q has disposition %v",
				i, c.Messages[i].GUID, c.Messages[i].Kind(), owner[i], d)
		}
	}
	if c.Skip == NotSkipped {
		if c.Rule == nil {
			t.Fatalf("accounting: a transfer without a rule")
		}
		if c.Disposition[r.Request.Msg] != InTransfer {
			t.Errorf("accounting: request started has disposition %v", c.Disposition[r.Request.Msg])
		}
		if counts[OutsideWindow] != 0 || counts[NoRequestStarted] != 0 {
			t.Errorf("accounting: a transfer with messages outside the window or without request: %v", counts)
		}
		checkRuleConsistency(t, c)
	}
}

// checkRuleConsistency asserts that c.Rule is an element of Rules, that it is
// the first rule whose condition holds for c.Facts, and that the transfer
// carries its status and reason.
func checkRuleConsistency(t testing.TB, c *Classification) {
	t.Helper()
	idx := -1
	for i := range Rules {
		if c.Rule == &Rules[i] {
			idx = i
		}
	}
	if idx < 0 {
		t.Fatalf("rule %q is not an element of Rules", c.Rule.ID)
	}
	for i := range idx {
		if Rules[i].When(&c.Facts) {
			t.Errorf("rule %s decided, but earlier rule %s also holds", c.Rule.ID, Rules[i].ID)
		}
	}
	if !c.Rule.When(&c.Facts) && idx != len(Rules)-1 {
		t.Errorf("rule %s decided but its condition does not hold", c.Rule.ID)
	}
	tr := &c.Transfer
	if tr.Status != c.Rule.Status || tr.FailureReason != c.Rule.Reason {
		t.Errorf("transfer (%s, %q) disagrees with rule %s (%s, %q)", tr.Status, tr.FailureReason, c.Rule.ID, c.Rule.Status, c.Rule.Reason)
	}
	if tr.SLA < 0 || tr.HasSLA != tr.HasDateCompleted || tr.HasSLA != (c.EffectiveAck >= 0) {
		t.Errorf("transfer SLA %d (has %v), completed %v, effective ack %d", tr.SLA, tr.HasSLA, tr.HasDateCompleted, c.EffectiveAck)
	}
}

// allCases gathers every table case of this package's tests.
func allCases() []tcase {
	var all []tcase
	for _, tc := range ruleCases() {
		tc.name = "rules/" + tc.name
		all = append(all, tc)
	}
	for _, tc := range quirkCases() {
		tc.name = "quirks/" + tc.name
		all = append(all, tc)
	}
	return all
}

func TestAccountingAllCases(t *testing.T) {
	for _, tc := range allCases() {
		t.Run(tc.name, func(t *testing.T) {
			c := Classify(Conversation{ID: "c", Messages: slices.Clone(tc.msgs)}, tc.options())
			checkAccounting(t, tc.msgs, tc.options(), c)
			counts := map[Disposition]int{}
			for _, d := range c.Disposition {
				counts[d]++
			}
			sum := 0
			for _, d := range Dispositions() {
				sum += counts[d]
			}
			if sum != len(tc.msgs) {
				t.Errorf("dispositions over Dispositions() add up to %d, want %d", sum, len(tc.msgs))
			}
		})
	}
}

func TestOracleAllCases(t *testing.T) {
	for _, tc := range allCases() {
		t.Run(tc.name, func(t *testing.T) {
			c := Classify(Conversation{ID: "c", Messages: slices.Clone(tc.msgs)}, tc.options())
			checkOracle(t, tc.msgs, tc.options(), c)
		})
	}
}

func TestDispositionsAreDistinctAndNamed(t *testing.T) {
	seen := map[string]bool{}
	for _, d := range Dispositions() {
		s := d.String()
		if s == "unknown" || seen[s] {
			t.Errorf("disposition %d has name %q (duplicate or unnamed)", d, s)
		}
		seen[s] = true
	}
	if len(seen) != int(numDispositions) {
		t.Errorf("%d named dispositions, want %d", len(seen), numDispositions)
	}
}
