package spine

import (
	"math"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// dispositions returns the dispositions of c's messages keyed by GUID, or
// by "ack>REF" for acknowledgements, each list in time order.
func dispositions(c *Classification) map[string][]Disposition {
	got := map[string][]Disposition{}
	for i := range c.Messages {
		k := c.Messages[i].GUID
		if c.Messages[i].Kind() == Acknowledgement {
			k = "ack>" + c.Messages[i].MessageRef
		}
		got[k] = append(got[k], c.Disposition[i])
	}
	return got
}

// wantDispositions is a check that every message has the disposition given.
func wantDispositions(want map[string][]Disposition) func(*testing.T, *Classification) {
	return func(t *testing.T, c *Classification) {
		t.Helper()
		if diff := cmp.Diff(want, dispositions(c)); diff != "" {
			t.Errorf("dispositions (-want +got):\n%s", diff)
		}
	}
}

// all is a check that runs every check given.
func all(checks ...func(*testing.T, *Classification)) func(*testing.T, *Classification) {
	return func(t *testing.T, c *Classification) {
		t.Helper()
		for _, f := range checks {
			f(t, c)
		}
	}
}

// wantTransfer is a check on the transfer.
func wantTransfer(f func(t *testing.T, tr *Transfer)) func(*testing.T, *Classification) {
	return func(t *testing.T, c *Classification) { t.Helper(); f(t, &c.Transfer) }
}

func opts(f func(*Options)) *Options { o := window; f(&o); return &o }

const (
	lrsAck      = "urn:nhs:names:services:lrs/MCCI_IN010000UK13"
	otherASID   = "400000000004"
	leadingZero = "003456789123"
)

var (
	in, out, cut, unp, unk, sup = InTransfer, OutsideWindow, CutOff, UnpairedAck, UnknownPurpose, Superseded
	noReq                       = NoRequestStarted
)

func ds(d ...Disposition) []Disposition { return d }

// quirkCases are the reference's quirks that docs/rules.md keeps, and the edges
// of the cutoff and the window.
func quirkCases() []tcase {
	ehrAt := m(60)
	return []tcase{
		// Duplicate GUIDs (§4.4, §4.5).
		{name: "duplicate core EHR replaces in the old position, acks discarded", rule: "2",
			msgs: seq(req("R", m(0)), ack("R", m(1)),
				ehr("E1", m(60)), ack("E1", m(61)), // would integrate, but is discarded
				ehr("E2", m(62)), ehr("E1", m(63)), ack("E2", m(64), 12), ack("E1", m(65), 30)),
			check: all(
				wantDispositions(map[string][]Disposition{
					"R": ds(in), "ack>R": ds(in), "E1": ds(sup, in), "ack>E1": ds(sup, in), "E2": ds(in), "ack>E2": ds(in),
				}),
				wantTransfer(func(t *testing.T, tr *Transfer) {
					// E1 keeps its first position: [30, 12], not [12, 30].
					if diff := cmp.Diff([]ErrorCode{Code(30), Code(12)}, tr.FinalErrorCodes); diff != "" {
						t.Errorf("FinalErrorCodes (-want +got):\n%s", diff)
					}
					// The SLA runs from the replacing E1 (m(63)), not the first.
					if tr.SLA != 2*minute || tr.DateCompleted != m(65) {
						t.Errorf("SLA = %d, completed %d; want %d, %d", tr.SLA, tr.DateCompleted, 2*minute, m(65))
					}
				}),
				func(t *testing.T, c *Classification) {
					if len(c.Entries) != 3 || c.Messages[c.Entries[1].Msg].GUID != "E1" || c.Messages[c.Entries[1].Msg].Time != m(63) {
						t.Errorf("entries %+v: want R, E1 (the m(63) one), E2", c.Entries)
					}
				}),
		},
		{name: "duplicate GUID acks after the replacement are kept", rule: "1",
			msgs: seq(req("R", m(0)), ack("R", m(1)), ehr("E", m(60)), ack("E", m(61), 30), ehr("E", m(70)), ack("E", m(71))),
			check: wantDispositions(map[string][]Disposition{
				"R": ds(in), "ack>R": ds(in), "E": ds(sup, in), "ack>E": ds(sup, in),
			})},
		{name: "a later message repeating the request's GUID becomes the request", rule: "7",
			msgs: seq(
				req("R", instant(2019, 11, 30, 23, 0, 0, 0)), // outside the window
				ack("R", instant(2019, 11, 30, 23, 1, 0, 0)), // discarded with it
				with(message("urn:example:not-a-request", "R", instant(2019, 12, 1, 0, 30, 0, 0), asidThird, otherASID),
					func(m *Message) { m.FromSystem, m.ToSystem = NullString{}, Str("") }),
				ack("R", instant(2019, 12, 1, 0, 31, 0, 0), 1),
				ehr("E", instant(2019, 12, 1, 1, 0, 0, 0)),  // from asidSnd: a core EHR whoever sends it
				frag("F", instant(2019, 12, 1, 1, 1, 0, 0)), // from asidSnd, now a third party
				ack("F", instant(2019, 12, 1, 1, 2, 0, 0)),
			),
			check: all(
				wantDispositions(map[string][]Disposition{
					"R": ds(sup, in), "ack>R": ds(sup, in), "E": ds(in), "F": ds(unk), "ack>F": ds(unk),
				}),
				wantTransfer(func(t *testing.T, tr *Transfer) {
					want := Transfer{
						ConversationID: "c", RequestingASID: asidThird, SendingASID: otherASID,
						RequestingSupplier: NullString{}, SendingSupplier: Str(""),
						SenderErrorCodes: []ErrorCode{Code(1)}, FinalErrorCodes: []ErrorCode{}, IntermediateErrorCodes: []int64{},
						Status: UnclassifiedFailure, FailureReason: ReasonTransferredWithError,
						DateRequested: instant(2019, 12, 1, 0, 30, 0, 0),
					}
					if diff := cmp.Diff(want, *tr); diff != "" {
						t.Errorf("transfer (-want +got):\n%s", diff)
					}
				})),
		},
		{name: "request repeated in the next month is outside the window", skip: SkipOutsideWindow,
			msgs:  seq(req("R", jan2020-minute), ack("R", jan2020-1), req("R", jan2020)),
			check: wantDispositions(map[string][]Disposition{"R": ds(sup, out), "ack>R": ds(sup)})},
		{name: "an ack sharing the request's GUID does not replace it", rule: "6",
			msgs:  seq(req("R", m(0)), with(ack("R", m(1)), func(a *Message) { a.GUID = "R" })),
			check: wantDispositions(map[string][]Disposition{"R": ds(in), "ack>R": ds(in)})},
		{name: "an unknown interaction with the core EHR's GUID replaces it", rule: "6",
			msgs: seq(req("R", m(0)), ack("R", m(1)), ehr("E", m(60)), ack("E", m(61)),
				message("urn:example:other", "E", m(62), asidSnd, asidReq)),
			check: wantDispositions(map[string][]Disposition{"R": ds(in), "ack>R": ds(in), "E": ds(sup, unk), "ack>E": ds(sup)})},

		// Acknowledgements that pair with nothing (§4.4).
		{name: "ack logged before its message is dropped", rule: "8",
			msgs:  seq(req("R", m(0)), ack("R", m(1)), ack("E", m(59)), ehr("E", m(60))),
			check: wantDispositions(map[string][]Disposition{"R": ds(in), "ack>R": ds(in), "E": ds(in), "ack>E": ds(unp)})},
		{name: "ack with empty messageRef is dropped even if a GUID is empty", rule: "8",
			msgs:  seq(req("R", m(0)), ack("R", m(1)), ehr("", m(60)), ack("", m(61))),
			check: wantDispositions(map[string][]Disposition{"R": ds(in), "ack>R": ds(in), "": ds(in), "ack>": ds(unp)})},
		{name: "ack of a GUID never seen is dropped", rule: "6",
			msgs:  seq(req("R", m(0)), ack("R", m(1)), ack("nowhere", m(2))),
			check: wantDispositions(map[string][]Disposition{"R": ds(in), "ack>R": ds(in), "ack>nowhere": ds(unp)})},
		{name: "ack of the request logged before it: earliest is not a request", skip: SkipNoRequest,
			msgs:  seq(req("R", m(0)), ack("R", m(0)-1)),
			check: wantDispositions(map[string][]Disposition{"R": ds(noReq), "ack>R": ds(noReq)})},

		// Stable sort: ties keep input order (§4.1).
		{name: "tie: message then ack in input order pairs", rule: "1",
			msgs: seq(req("R", m(0)), ack("R", m(1)), ehr("E", ehrAt), ack("E", ehrAt)),
			check: wantTransfer(func(t *testing.T, tr *Transfer) {
				if !tr.HasSLA || tr.SLA != 0 {
					t.Errorf("SLA = %d (has %v), want 0", tr.SLA, tr.HasSLA)
				}
			})},
		{name: "tie: ack then message in input order drops the ack", rule: "8",
			msgs:  seq(req("R", m(0)), ack("R", m(1)), ack("E", ehrAt), ehr("E", ehrAt)),
			check: wantDispositions(map[string][]Disposition{"R": ds(in), "ack>R": ds(in), "E": ds(in), "ack>E": ds(unp)})},
		{name: "tie: request's ack before it in input: earliest is not a request", skip: SkipNoRequest,
			msgs:  seq(ack("R", m(0)), req("R", m(0)), ehr("E", m(1))),
			check: wantDispositions(map[string][]Disposition{"R": ds(noReq), "ack>R": ds(noReq), "E": ds(noReq)})},
		{name: "tie: many messages at one instant keep input order", rule: "1",
			msgs: manyAtOneInstant(),
			check: func(t *testing.T, c *Classification) {
				for i, d := range c.Disposition {
					if d != InTransfer {
						t.Errorf("message %d (%s) is %v", i, c.Messages[i].GUID, d)
					}
				}
			}},
		{name: "input out of time order is sorted", rule: "1",
			msgs: seq(ack("E", m(120)), ehr("E", m(60)), ack("R", m(1)), req("R", m(0)))},

		// Cutoff (§4.2).
		{name: "cutoff: exactly cutoff after the first message is kept", rule: "1",
			opt:  opts(func(o *Options) { o.Cutoff = Day }),
			msgs: seq(req("R", m(0)), ack("R", m(1)), ehr("E", m(60)), ack("E", m(0)+Day))},
		{name: "cutoff: 1µs later is dropped", rule: "8",
			opt:   opts(func(o *Options) { o.Cutoff = Day }),
			msgs:  seq(req("R", m(0)), ack("R", m(1)), ehr("E", m(60)), ack("E", m(0)+Day+1)),
			check: wantDispositions(map[string][]Disposition{"R": ds(in), "ack>R": ds(in), "E": ds(in), "ack>E": ds(cut)})},
		{name: "cutoff: measured from the earliest message, not the first in input", rule: "1",
			opt:  opts(func(o *Options) { o.Cutoff = Day }),
			msgs: seq(ack("E", m(0)+Day), ehr("E", m(60)), ack("R", m(1)), req("R", m(0)))},
		{name: "cutoff: 0 means none", rule: "1b",
			opt:  opts(func(o *Options) { o.Cutoff = 0 }),
			msgs: seq(req("R", m(0)), ack("R", m(1)), ehr("E", m(60)), ack("E", m(0)+100*Day))},
		{name: "cutoff: applied before the start check", skip: SkipNoRequest,
			opt:   opts(func(o *Options) { o.Cutoff = Day }),
			msgs:  seq(ehr("E", m(-10)), req("R", m(0)), ack("R", m(0)+2*Day)),
			check: wantDispositions(map[string][]Disposition{"E": ds(noReq), "R": ds(noReq), "ack>R": ds(cut)})},
		{name: "cutoff: a late request duplicate is cut, the original stays", rule: "5",
			opt:   opts(func(o *Options) { o.Cutoff = Day }),
			msgs:  seq(req("R", m(0)), req("R", m(0)+Day+1)),
			check: wantDispositions(map[string][]Disposition{"R": ds(in, cut)})},

		// Start (§4.3).
		{name: "earliest message a core EHR: skipped", skip: SkipNoRequest,
			msgs:  seq(ehr("E", m(-1)), req("R", m(0)), ack("R", m(1))),
			check: wantDispositions(map[string][]Disposition{"E": ds(noReq), "R": ds(noReq), "ack>R": ds(noReq)})},
		{name: "earliest message an unknown interaction: skipped", skip: SkipNoRequest,
			msgs: seq(message("urn:nhs:names:services:gp2gp/RCMR_IN010000UK04", "X", m(-1), asidReq, asidSnd), req("R", m(0)))},
		{name: "earliest message an lrs ack: skipped", skip: SkipNoRequest,
			msgs: seq(message(lrsAck, "X", m(-1), asidReq, asidSnd), req("R", m(0)))},
		{name: "empty conversation: skipped", skip: SkipNoRequest, msgs: seq()},

		// Window (§4.7), December 2019.
		{name: "window: first instant of the month is in", rule: "5", msgs: seq(req("R", dec2019))},
		{name: "window: last µs of the month is in", rule: "5", msgs: seq(req("R", jan2020-1))},
		{name: "window: first instant of the next month is out", skip: SkipOutsideWindow,
			msgs:  seq(req("R", jan2020), ack("R", jan2020+1), ack("nowhere", jan2020+2)),
			check: wantDispositions(map[string][]Disposition{"R": ds(out), "ack>R": ds(out), "ack>nowhere": ds(unp)})},
		{name: "window: last µs of the previous month is out", skip: SkipOutsideWindow,
			msgs: seq(req("R", dec2019-1), ack("R", dec2019), ehr("E", dec2019+1))},
		{name: "window: messages after the month do not matter", rule: "1",
			msgs: seq(req("R", jan2020-1), ack("R", jan2020), ehr("E", jan2020+hour), ack("E", jan2020+2*hour))},

		// Roles (§4.5).
		{name: "equal ASIDs: every COPC is a continue", rule: "3c",
			msgs: seq(
				message(RequestStartedID, "R", m(0), asidReq, asidReq), ack("R", m(1)),
				message(RequestCompletedID, "E", m(60), asidReq, asidReq),
				message(COPCID, "C1", m(61), asidReq, asidReq), message(COPCID, "C2", m(62), asidReq, asidReq), ack("C2", m(63))),
			check: func(t *testing.T, c *Classification) {
				if len(c.Roles.Continues) != 2 || len(c.Roles.Fragments) != 0 {
					t.Errorf("%d continues, %d fragments; want 2, 0", len(c.Roles.Continues), len(c.Roles.Fragments))
				}
			}},
		{name: "COPC from a third party is ignored", rule: "8",
			msgs: seq(req("R", m(0)), ack("R", m(1)), ehr("E", m(60)),
				message(COPCID, "X", m(61), asidThird, asidReq), ack("X", m(62), 5)),
			check: wantDispositions(map[string][]Disposition{"R": ds(in), "ack>R": ds(in), "E": ds(in), "X": ds(unk), "ack>X": ds(unk)})},
		{name: "COPC roles follow the sender, not the recipient", rule: "3c",
			msgs: seq(req("R", m(0)), ack("R", m(1)), ehr("E", m(60)),
				message(COPCID, "C", m(61), asidReq, asidThird))},
		{name: "another request started is ignored", rule: "6",
			msgs:  seq(req("R", m(0)), ack("R", m(1)), req("R2", m(2)), ack("R2", m(3))),
			check: wantDispositions(map[string][]Disposition{"R": ds(in), "ack>R": ds(in), "R2": ds(unk), "ack>R2": ds(unk)})},
		{name: "a core EHR from anyone is a core EHR", rule: "1",
			msgs: seq(req("R", m(0)), ack("R", m(1)), message(RequestCompletedID, "E", m(60), asidThird, otherASID), ack("E", m(61)))},
		{name: "lrs MCCI is not an acknowledgement", rule: "8",
			msgs: seq(req("R", m(0)), ack("R", m(1)), ehr("E", m(60)),
				with(ack("E", m(61)), func(a *Message) { a.Interaction = lrsAck })),
			check: wantDispositions(map[string][]Disposition{"R": ds(in), "ack>R": ds(in), "E": ds(in), "ack:E@" + strconv.FormatInt(int64(m(61)), 10): ds(unk)})},
		{name: "interaction ids are compared whole: case and spaces matter", rule: "6",
			msgs: seq(req("R", m(0)), ack("R", m(1)),
				message("URN:NHS:NAMES:SERVICES:GP2GP/RCMR_IN030000UK06", "E1", m(60), asidSnd, asidReq),
				message(RequestCompletedID+" ", "E2", m(61), asidSnd, asidReq),
				message("RCMR_IN030000UK06", "E3", m(62), asidSnd, asidReq),
				message("", "E4", m(63), asidSnd, asidReq)),
			check: func(t *testing.T, c *Classification) {
				if len(c.Roles.Ignored) != 4 {
					t.Errorf("%d ignored, want 4", len(c.Roles.Ignored))
				}
			}},

		// Suppliers and ASIDs (§2, §5).
		{name: "suppliers null when the columns are absent", rule: "5",
			msgs: seq(with(req("R", m(0)), func(m *Message) { m.FromSystem, m.ToSystem = NullString{}, NullString{} })),
			check: wantTransfer(func(t *testing.T, tr *Transfer) {
				if tr.RequestingSupplier.Valid || tr.SendingSupplier.Valid {
					t.Errorf("suppliers %+v, %+v; want null", tr.RequestingSupplier, tr.SendingSupplier)
				}
			})},
		{name: "suppliers empty, ASIDs verbatim", rule: "5",
			msgs: seq(with(req("R", m(0)), func(m *Message) {
				m.FromSystem, m.ToSystem, m.Sender, m.Recipient = Str(""), Str("EMIS Web"), leadingZero, "0"+asidSnd
			})),
			check: wantTransfer(func(t *testing.T, tr *Transfer) {
				if tr.RequestingSupplier != Str("") || tr.SendingSupplier != Str("EMIS Web") ||
					tr.RequestingASID != leadingZero || tr.SendingASID != "0"+asidSnd {
					t.Errorf("suppliers %+v, %+v, ASIDs %q, %q", tr.RequestingSupplier, tr.SendingSupplier, tr.RequestingASID, tr.SendingASID)
				}
			})},
	}
}

// manyAtOneInstant is a transfer whose core EHR, 19 fragments and all their
// acks share one instant, interleaved in the input with continues in
// reverse time order, so that only a stable sort keeps each ack after its
// message (unstable sorts keep small or already sorted slices stable).
func manyAtOneInstant() []Message {
	msgs := seq(ehr("E", m(60)), req("R", m(0)), ack("R", m(1)))
	for i := range 19 {
		g := "F" + strconv.Itoa(i)
		msgs = append(msgs, cont("C"+strconv.Itoa(i), m(200-i)), frag(g, m(60)), ack(g, m(60)))
	}
	return append(msgs, ack("E", m(60)))
}

func TestQuirks(t *testing.T) {
	for _, tc := range quirkCases() {
		t.Run(tc.name, func(t *testing.T) { tc.run(t) })
	}
}

// TestCutoffHuge: a cutoff longer than any conversation keeps every message.
// msgs[0].Time + opt.Cutoff must not overflow (CONVERSATION_CUTOFF_DAYS of
// about 106,740 or more reaches this range).
func TestCutoffHuge(t *testing.T) {
	for _, cutoff := range []Time{math.MaxInt64, math.MaxInt64 - t0, 106_740 * Day} {
		tcase{name: "huge cutoff", rule: "1", opt: opts(func(o *Options) { o.Cutoff = cutoff }),
			msgs: seq(req("R", m(0)), ack("R", m(1)), ehr("E", m(60)), ack("E", m(61)))}.run(t)
	}
}
