package spine

import "testing"

// ehr07 is a core EHR with redactions (RCMR_IN030000UK07) from asidSnd.
func ehr07(guid string, t Time) Message {
	return message(RequestCompletedUK07ID, guid, t, asidSnd, asidReq)
}

// TestUK07CoreEHR: RCMR_IN030000UK07 is a core EHR exactly when the option
// says so, in every core-EHR rule (SPEC-SUCCESSOR §2.4).
func TestUK07CoreEHR(t *testing.T) {
	reqAcked := func(rest ...Message) []Message {
		return append(seq(req("R", m(0)), ack("R", m(1))), rest...)
	}
	cases := []struct {
		name      string
		msgs      []Message
		off, on   string // the rule without and with the option
		slaOnSecs uint64
	}{
		{"integrated UK07", reqAcked(ehr07("E", m(60)), ack("E", m(120))), "6", "1", 3600},
		{"integrated late UK07", reqAcked(ehr07("E", m(60)), ack("E", m(60)+9*Day)), "6", "1b", 9 * 86400},
		{"UK07 failed with error 30", reqAcked(ehr07("E", m(60)), ack("E", m(120), 30)), "6", "2", 3600},
		{"UK07 sent, not acknowledged", reqAcked(ehr07("E", m(60))), "6", "8", 0},
		{"UK07 and COPC", reqAcked(ehr07("E", m(60)), cont("C", m(61)), frag("F", m(62)), ack("F", m(63))), "3e", "3e", 0},
		{"UK06 unaffected", reqAcked(ehr("E", m(60)), ack("E", m(120))), "1", "1", 3600},
		{"UK07 with a fatal sender error", seq(req("R", m(0)), ack("R", m(1), 10), ehr07("E", m(60))), "4", "4", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, uk07 := range []bool{false, true} {
				opt := window
				opt.UK07CoreEHR = uk07
				msgs := append([]Message(nil), tc.msgs...)
				c := Classify(Conversation{ID: "c", Messages: msgs}, opt)
				want := tc.off
				if uk07 {
					want = tc.on
				}
				if c.Rule == nil || c.Rule.ID != want {
					t.Errorf("UK07CoreEHR=%v: rule %v, want %s", uk07, c.Rule, want)
				}
				if uk07 && c.Rule.ID[0] == '1' {
					if s, ok := c.Transfer.SLASeconds(); !ok || s != tc.slaOnSecs {
						t.Errorf("SLA %d %v, want %d", s, ok, tc.slaOnSecs)
					}
				}
			}
		})
	}
}

// TestLastSenderMessage follows SPEC-SUCCESSOR §2.2.
func TestLastSenderMessage(t *testing.T) {
	// sndAck is an ack sent by the sending practice.
	sndAck := func(ref string, tm Time, code ...int64) Message {
		a := ack(ref, tm, code...)
		a.Sender, a.Recipient = asidSnd, asidReq
		return a
	}
	// thirdEHR is a core EHR sent by a third party.
	thirdEHR := func(guid string, tm Time) Message {
		return message(RequestCompletedID, guid, tm, asidThird, asidReq)
	}
	cases := []struct {
		name   string
		msgs   []Message
		cutoff Time
		want   Time
		ok     bool
	}{
		{"integrated: the core EHR, not the later sender message",
			seq(req("R", m(0)), sndAck("R", m(1)), ehr("E", m(60)), ack("E", m(120)), frag("F", m(200))), 0, m(60), true},
		{"integrated: a sender message at the ack's instant counts",
			seq(req("R", m(0)), ehr("E", m(60)), ack("E", m(120)), sndAck("X", m(120))), 0, m(120), true},
		{"integrated, nothing from the sender at or before the ack (†: null)",
			seq(req("R", m(0)), ack("R", m(1)), thirdEHR("E", m(60)), ack("E", m(120)), frag("F", m(200))), 0, 0, false},
		{"failed: the latest sender message, an unpaired ack included",
			seq(req("R", m(0)), ehr("E", m(60)), ack("E", m(120), 30), sndAck("nothing", m(300))), 0, m(300), true},
		{"not integrated: no sender message at all",
			seq(req("R", m(0)), ack("R", m(1))), 0, 0, false},
		{"cut off messages do not count",
			seq(req("R", m(0)), ehr("E", m(60)), sndAck("nothing", m(0)+2*Day)), Day, m(60), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opt := window
			opt.Cutoff = tc.cutoff
			c := Classify(Conversation{ID: "c", Messages: tc.msgs}, opt)
			got, ok := c.LastSenderMessage()
			if got != tc.want || ok != tc.ok {
				t.Errorf("got %d %v, want %d %v (rule %s)", got, ok, tc.want, tc.ok, c.Rule.ID)
			}
		})
	}
	if _, ok := Classify(Conversation{ID: "c", Messages: seq(ack("R", m(0)))}, window).LastSenderMessage(); ok {
		t.Error("a conversation without a request has a last sender message")
	}
}
