package spine

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// Test fixtures: a compact builder for message sequences. Every message is
// in conversation "c"; the requesting practice is asidReq and the sending
// practice asidSnd unless a case says otherwise.

const (
	asidReq   = "100000000001"
	asidSnd   = "200000000002"
	asidThird = "300000000003"

	minute = 60 * Second
	hour   = 60 * minute
)

func instant(y int, m time.Month, d, h, mi, s, ns int) Time {
	return Time(time.Date(y, m, d, h, mi, s, ns, time.UTC).UnixMicro())
}

var (
	dec2019 = instant(2019, time.December, 1, 0, 0, 0, 0)
	jan2020 = instant(2020, time.January, 1, 0, 0, 0, 0)
	// window is the metric month December 2019, no cutoff.
	window = Options{WindowStart: dec2019, WindowEnd: jan2020}
	// t0 is the base instant of test conversations: 09:00 on 2 December 2019.
	t0 = instant(2019, time.December, 2, 9, 0, 0, 0)
)

// m returns t0 + n minutes.
func m(n int) Time { return t0 + Time(n)*minute }

func message(interaction, guid string, t Time, from, to string) Message {
	return Message{
		Time:           t,
		ConversationID: "c",
		GUID:           guid,
		Interaction:    interaction,
		Sender:         from,
		Recipient:      to,
		FromSystem:     Str("supplier-" + from),
		ToSystem:       Str("supplier-" + to),
	}
}

// req is a request started from asidReq to asidSnd.
func req(guid string, t Time) Message {
	return message(RequestStartedID, guid, t, asidReq, asidSnd)
}

// ehr is a request completed (core EHR) from asidSnd to asidReq.
func ehr(guid string, t Time) Message {
	return message(RequestCompletedID, guid, t, asidSnd, asidReq)
}

// cont is a COPC sent by the requesting practice (a continue).
func cont(guid string, t Time) Message { return message(COPCID, guid, t, asidReq, asidSnd) }

// frag is a COPC sent by the sending practice (a fragment).
func frag(guid string, t Time) Message { return message(COPCID, guid, t, asidSnd, asidReq) }

// ack acknowledges ref at t, with no error, or with the one code given.
func ack(ref string, t Time, code ...int64) Message {
	a := message(AcknowledgementID, fmt.Sprintf("ack:%s@%d", ref, t), t, asidReq, asidSnd)
	a.MessageRef = ref
	if len(code) > 0 {
		a.Error = Code(code[0])
	}
	return a
}

// seq builds a message slice.
func seq(ms ...Message) []Message { return ms }

// with returns m changed by f.
func with(m Message, f func(*Message)) Message { f(&m); return m }

// classify runs Classify on a copy of msgs (Classify sorts in place) and
// checks the accounting invariants and the spec oracle on the result.
func classify(t testing.TB, msgs []Message, opt Options) *Classification {
	t.Helper()
	c := Classify(Conversation{ID: "c", Messages: slices.Clone(msgs)}, opt)
	checkAccounting(t, msgs, opt, c)
	checkOracle(t, msgs, opt, c)
	return c
}

// specOutcome is the outcome table of docs/rules.md, copied from the spec text
// rather than from the code's constants.
var specOutcome = map[string]struct {
	Status Status
	Reason string
}{
	"1":  {"INTEGRATED_ON_TIME", ""},
	"1b": {"PROCESS_FAILURE", "Integrated Late"},
	"2":  {"TECHNICAL_FAILURE", "Final Error"},
	"3a": {"UNCLASSIFIED_FAILURE", "Ambiguous COPC messages"},
	"3b": {"UNCLASSIFIED_FAILURE", "Transferred, not integrated, with error"},
	"3c": {"TECHNICAL_FAILURE", "COPC(s) not sent"},
	"3d": {"TECHNICAL_FAILURE", "COPC(s) not Acknowledged"},
	"3e": {"PROCESS_FAILURE", "Transferred, not integrated"},
	"4":  {"TECHNICAL_FAILURE", "Contains Fatal Sender Error"},
	"5":  {"TECHNICAL_FAILURE", "Request not Acknowledged"},
	"6":  {"TECHNICAL_FAILURE", "Core Extract not Sent"},
	"7":  {"UNCLASSIFIED_FAILURE", "Transferred, not integrated, with error"},
	"8":  {"PROCESS_FAILURE", "Transferred, not integrated"},
}

var specRuleOrder = []string{"1", "1b", "2", "3a", "3b", "3c", "3d", "3e", "4", "5", "6", "7", "8"}

// guidOf names a message for diagnostics and for picking it out of Messages.
func guidOf(c *Classification, i int) string {
	if i < 0 {
		return "<none>"
	}
	return c.Messages[i].GUID
}

// tcase is one conversation of a table test.
type tcase struct {
	name string
	msgs []Message
	opt  *Options // nil: window, no cutoff
	rule string   // the expected outcome rule; "" when the conversation is skipped
	skip Skip
	// check, if set, asserts more about the classification.
	check func(t *testing.T, c *Classification)
}

func (tc tcase) options() Options {
	if tc.opt == nil {
		return window
	}
	return *tc.opt
}

// run classifies tc and asserts its skip, rule, status and failure reason.
func (tc tcase) run(t *testing.T) *Classification {
	t.Helper()
	c := classify(t, tc.msgs, tc.options())
	if c.Skip != tc.skip {
		t.Fatalf("Skip = %v, want %v", c.Skip, tc.skip)
	}
	if tc.check != nil {
		tc.check(t, c)
	}
	if tc.skip != NotSkipped {
		return c
	}
	want, ok := specOutcome[tc.rule]
	if !ok {
		t.Fatalf("bad test: no rule %q", tc.rule)
	}
	if c.Rule.ID != tc.rule {
		t.Errorf("Rule = %s (%s), want %s", c.Rule.ID, c.Rule.Condition, tc.rule)
	}
	if c.Transfer.Status != want.Status || c.Transfer.FailureReason != want.Reason {
		t.Errorf("outcome = (%s, %q), want (%s, %q)", c.Transfer.Status, c.Transfer.FailureReason, want.Status, want.Reason)
	}
	return c
}
