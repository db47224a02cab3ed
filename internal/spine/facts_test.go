package spine

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// ehr1 is the instant of the core EHR in the SLA tests: not a whole second.
var ehr1 = m(60) + 123_456

// slaConv is a conversation whose core EHR is acknowledged d after it.
func slaConv(d Time, code ...int64) []Message {
	return seq(req("R", m(0)), ack("R", m(1)), ehr("E", ehr1), ack("E", ehr1+d, code...))
}

func TestIntegratedAndSLA(t *testing.T) {
	tests := []struct {
		name       string
		msgs       []Message
		integrated bool
		failed     bool
		hasSLA     bool
		sla        Time   // exact, µs
		secs       uint64 // as written to Parquet
		rule       string
	}{
		{"exact microseconds", slaConv(3*hour + 7), true, false, true, 3*hour + 7, 10800, "1"},
		{"zero", slaConv(0), true, false, true, 0, 0, "1"},
		{"8 days exactly: on time", slaConv(8 * Day), true, false, true, 8 * Day, 691200, "1"},
		{"8 days + 1µs: late", slaConv(8*Day + 1), true, false, true, 8*Day + 1, 691200, "1b"},
		{"8 days + 500ms: late, written 691200", slaConv(8*Day + Second/2), true, false, true, 8*Day + Second/2, 691200, "1b"},
		{"8 days + 1.5s: written 691202", slaConv(8*Day + 3*Second/2), true, false, true, 8*Day + 3*Second/2, 691202, "1b"},
		{"error 15 is integrated", slaConv(hour, 15), true, false, true, hour, 3600, "1"},
		{"error 30 concluded with failure, SLA still measured", slaConv(hour+Second/2, 30), false, true, true, hour + Second/2, 3600, "2"},
		{"error 0 concluded with failure", slaConv(2*Second+Second/2, 0), false, true, true, 2*Second + Second/2, 2, "2"},
		{"only error 12: neither, no SLA", slaConv(hour, 12), false, false, false, 0, 0, "8"},
		{"no ack: neither, no SLA", seq(req("R", m(0)), ack("R", m(1)), ehr("E", ehr1)), false, false, false, 0, 0, "8"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := classify(t, tc.msgs, window)
			f := &c.Facts
			if f.Integrated != tc.integrated || f.ConcludedWithFailure != tc.failed {
				t.Errorf("integrated %v, concluded with failure %v; want %v, %v", f.Integrated, f.ConcludedWithFailure, tc.integrated, tc.failed)
			}
			if f.HasSLA != tc.hasSLA || f.SLA != tc.sla || f.SLAClamped {
				t.Errorf("SLA %dµs (has %v, clamped %v); want %dµs (has %v)", f.SLA, f.HasSLA, f.SLAClamped, tc.sla, tc.hasSLA)
			}
			secs, ok := c.Transfer.SLASeconds()
			if ok != tc.hasSLA || secs != tc.secs {
				t.Errorf("SLASeconds() = %d, %v; want %d, %v", secs, ok, tc.secs, tc.hasSLA)
			}
			if c.Rule.ID != tc.rule {
				t.Errorf("rule %s, want %s", c.Rule.ID, tc.rule)
			}
			if tc.hasSLA && c.Transfer.DateCompleted != ehr1+tc.sla {
				t.Errorf("DateCompleted %d, want %d", c.Transfer.DateCompleted, ehr1+tc.sla)
			}
		})
	}
}

// TestSLAClamped exercises the clamp directly: through Classify an ack can
// never precede the message it pairs with (pairing walks in time order and a
// replaced message loses its acks), so a negative SLA cannot arise there.
func TestSLAClamped(t *testing.T) {
	c := &Classification{
		Messages:     seq(req("R", m(0)), ehr("E", m(100)), ack("E", m(50))),
		EffectiveEHR: 1,
		EffectiveAck: 2,
		Roles: Roles{
			Request:  Entry{Msg: 0},
			CoreEHRs: []Entry{{Msg: 1, Acks: []int{2}}},
		},
	}
	f := c.deriveFacts()
	if !f.HasSLA || f.SLA != 0 || !f.SLAClamped {
		t.Errorf("SLA %d (has %v, clamped %v); want 0, clamped", f.SLA, f.HasSLA, f.SLAClamped)
	}
	if r := decide(&f); r.ID != "1" {
		t.Errorf("rule %s, want 1", r.ID)
	}
}

func TestSLASecondsRounding(t *testing.T) {
	tests := []struct {
		sla  Time
		want uint64
	}{
		{0, 0},
		{1, 0},
		{Second / 2, 0}, // 0.5 → 0
		{Second/2 + 1, 1},
		{Second - 1, 1},
		{Second, 1},
		{3 * Second / 2, 2}, // 1.5 → 2
		{5 * Second / 2, 2}, // 2.5 → 2
		{5*Second/2 + 1, 3}, // 2.500001 → 3
		{5*Second/2 - 1, 2},
		{7 * Second / 2, 4}, // 3.5 → 4
		{8*Day + Second/2, 691200},
		{8*Day + 3*Second/2, 691202},
		{1_000_000*Day + Second/2, 86_400_000_000},
	}
	for _, tc := range tests {
		tr := Transfer{SLA: tc.sla, HasSLA: true}
		if got, ok := tr.SLASeconds(); !ok || got != tc.want {
			t.Errorf("SLASeconds(%dµs) = %d, %v; want %d", tc.sla, got, ok, tc.want)
		}
	}
	if got, ok := (&Transfer{SLA: 5 * Second}).SLASeconds(); ok || got != 0 {
		t.Errorf("SLASeconds without SLA = %d, %v; want 0, false", got, ok)
	}
}

func codes(cs ...any) []ErrorCode {
	out := []ErrorCode{}
	for _, c := range cs {
		if c == nil {
			out = append(out, ErrorCode{})
		} else {
			out = append(out, Code(int64(c.(int))))
		}
	}
	return out
}

func TestErrorCodes(t *testing.T) {
	tests := []struct {
		name         string
		msgs         []Message
		sender       []ErrorCode
		final        []ErrorCode
		intermediate []int64
	}{
		{
			name:   "sender codes in pairing (time) order, nulls kept",
			msgs:   seq(req("R", m(0)), ack("R", m(3), 5), ack("R", m(1)), ack("R", m(2), 30), ack("R", m(4))),
			sender: codes(nil, 30, 5, nil), final: codes(), intermediate: []int64{},
		},
		{
			name:   "final codes in map order, not time order",
			msgs:   seq(req("R", m(0)), ehr("E1", m(60)), ehr("E2", m(61)), ack("E2", m(62), 12), ack("E1", m(63), 30)),
			sender: codes(), final: codes(30, 12), intermediate: []int64{},
		},
		{
			name: "final codes keep nulls, each EHR's acks in pairing order",
			msgs: seq(req("R", m(0)), ehr("E1", m(60)), ehr("E2", m(61)),
				ack("E2", m(62)), ack("E1", m(65)), ack("E1", m(63), 12), ack("E2", m(64), 0)),
			sender: codes(), final: codes(12, nil, nil, 0), intermediate: []int64{},
		},
		{
			name: "intermediate codes: fragments in map order, non-null only; continues and third parties excluded",
			msgs: seq(req("R", m(0)), ehr("E", m(60)),
				frag("F1", m(61)), frag("F2", m(62)), cont("C", m(63)), message(COPCID, "X", m(64), asidThird, asidReq),
				ack("F2", m(70), 7), ack("F1", m(71)), ack("F1", m(72), 5), ack("F2", m(73)), ack("F2", m(74), 0),
				ack("C", m(75), 9), ack("X", m(76), 8)),
			sender: codes(), final: codes(), intermediate: []int64{5, 7, 0},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := classify(t, tc.msgs, window)
			tr := &c.Transfer
			if diff := cmp.Diff(tc.sender, tr.SenderErrorCodes); diff != "" {
				t.Errorf("sender error codes (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.final, tr.FinalErrorCodes); diff != "" {
				t.Errorf("final error codes (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.intermediate, tr.IntermediateErrorCodes); diff != "" {
				t.Errorf("intermediate error codes (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCOPCFacts(t *testing.T) {
	type copcFacts struct{ Present, Ambiguous, Error, NotSent, Unacknowledged bool }
	base := func(rest ...Message) []Message {
		return append(seq(req("R", m(0)), ack("R", m(1)), ehr("E1", m(60))), rest...)
	}
	tests := []struct {
		name string
		msgs []Message
		want copcFacts
	}{
		{"no COPC", base(), copcFacts{}},
		{"no COPC, a 12 and an unacked EHR: not ambiguous",
			base(ack("E1", m(61), 12), ehr("E2", m(62))), copcFacts{}},
		{"continue only: not sent", base(cont("C", m(61))), copcFacts{Present: true, NotSent: true}},
		{"fragment unacked", base(cont("C", m(61)), frag("F", m(62))), copcFacts{Present: true, Unacknowledged: true}},
		{"fragment acked with error",
			base(frag("F1", m(62)), ack("F1", m(63), 1)), copcFacts{Present: true, Error: true}},
		{"fragment error and another unacked",
			base(frag("F1", m(62)), ack("F1", m(63), 1), frag("F2", m(64))), copcFacts{Present: true, Error: true, Unacknowledged: true}},
		{"ambiguous: 12, COPC, an EHR unacked",
			base(ack("E1", m(61), 12), ehr("E2", m(62)), frag("F", m(63)), ack("F", m(64))), copcFacts{Present: true, Ambiguous: true}},
		{"not ambiguous: 12, COPC, every EHR acked",
			base(ack("E1", m(61), 12), ehr("E2", m(62)), ack("E2", m(63), 12), frag("F", m(64)), ack("F", m(65))), copcFacts{Present: true}},
		{"not ambiguous: COPC, an EHR unacked, no 12",
			base(ack("E1", m(61), 30), ehr("E2", m(62)), frag("F", m(63)), ack("F", m(64))), copcFacts{Present: true}},
		{"third-party COPC is not present",
			base(message(COPCID, "X", m(61), asidThird, asidReq)), copcFacts{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := classify(t, tc.msgs, window).Facts
			got := copcFacts{f.COPCPresent, f.AmbiguousCOPC, f.COPCError, f.COPCNotSent, f.COPCUnacknowledged}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("COPC facts (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSenderFacts(t *testing.T) {
	type senderFacts struct{ Acknowledged, Error, Fatal, CoreEHRSent bool }
	tests := []struct {
		name string
		msgs []Message
		want senderFacts
	}{
		{"nothing", seq(req("R", m(0))), senderFacts{}},
		{"acked", seq(req("R", m(0)), ack("R", m(1))), senderFacts{Acknowledged: true}},
		{"error 0", seq(req("R", m(0)), ack("R", m(1), 0)), senderFacts{Acknowledged: true, Error: true}},
		{"fatal 14, EHR", seq(req("R", m(0)), ack("R", m(1)), ack("R", m(2), 14), ehr("E", m(3))),
			senderFacts{Acknowledged: true, Error: true, Fatal: true, CoreEHRSent: true}},
		{"ack of the EHR is not a sender ack", seq(req("R", m(0)), ehr("E", m(3)), ack("E", m(4), 30)),
			senderFacts{CoreEHRSent: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := classify(t, tc.msgs, window).Facts
			got := senderFacts{f.RequestAcknowledged, f.SenderError, f.FatalSenderError, f.CoreEHRSent}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("sender facts (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEffectiveAck(t *testing.T) {
	twoEHRs := func(rest ...Message) []Message {
		return append(seq(req("R", m(0)), ack("R", m(1)), ehr("E1", m(60)), ehr("E2", m(61))), rest...)
	}
	tests := []struct {
		name    string
		msgs    []Message
		wantEHR string // "" = no effective ack
		wantAck Time
	}{
		{"success across EHRs beats an earlier-in-time error",
			twoEHRs(ack("E1", m(62), 30), ack("E2", m(63))), "E2", m(63)},
		{"list order beats time order among successes",
			twoEHRs(ack("E2", m(65)), ack("E1", m(70), 15)), "E1", m(70)},
		{"success after an error on the same EHR",
			twoEHRs(ack("E1", m(62), 30), ack("E1", m(63), 15)), "E1", m(63)},
		{"no success: first non-12 in list order",
			twoEHRs(ack("E2", m(62), 30), ack("E1", m(63), 12), ack("E1", m(64), 99)), "E1", m(64)},
		{"no success: 0 is not 12",
			twoEHRs(ack("E1", m(62), 12), ack("E2", m(63), 0)), "E2", m(63)},
		{"only 12: none", twoEHRs(ack("E1", m(62), 12), ack("E2", m(63), 12)), "", 0},
		{"no acks: none", twoEHRs(), "", 0},
		{"acks of other messages do not count",
			twoEHRs(cont("C", m(62)), ack("C", m(63)), frag("F", m(64)), ack("F", m(65))), "", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := classify(t, tc.msgs, window)
			if tc.wantEHR == "" {
				if c.EffectiveAck >= 0 || c.EffectiveEHR >= 0 || c.Transfer.HasDateCompleted || c.Transfer.HasSLA {
					t.Errorf("effective EHR %s ack %d; want none", guidOf(c, c.EffectiveEHR), c.EffectiveAck)
				}
				return
			}
			if c.EffectiveAck < 0 || c.EffectiveEHR < 0 {
				t.Fatalf("no effective ack; want %s at %d", tc.wantEHR, tc.wantAck)
			}
			a, e := c.Messages[c.EffectiveAck], c.Messages[c.EffectiveEHR]
			if e.GUID != tc.wantEHR || a.MessageRef != tc.wantEHR || a.Time != tc.wantAck {
				t.Errorf("effective EHR %s, ack of %s at %d; want %s at %d", e.GUID, a.MessageRef, a.Time, tc.wantEHR, tc.wantAck)
			}
			if c.Transfer.DateCompleted != tc.wantAck || c.Transfer.SLA != tc.wantAck-e.Time {
				t.Errorf("completed %d, SLA %d; want %d, %d", c.Transfer.DateCompleted, c.Transfer.SLA, tc.wantAck, tc.wantAck-e.Time)
			}
		})
	}
}
