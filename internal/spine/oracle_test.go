package spine

import (
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// oracleResult is what docs/rules.md says a conversation becomes.
type oracleResult struct {
	Skip     Skip
	Transfer Transfer // meaningful when Skip == NotSkipped
}

// oracle is a deliberately naive, independent transcription of docs/rules.md
// (a map of GUID → entry plus an insertion-order slice, an if-chain for the
// outcome table). It shares no code with the classifier except the types.
func oracle(in []Message, opt Options) oracleResult {
	msgs := append([]Message(nil), in...)
	sort.SliceStable(msgs, func(i, j int) bool { return msgs[i].Time < msgs[j].Time })

	// §4.2 cutoff.
	if opt.Cutoff > 0 && len(msgs) > 0 {
		first := msgs[0].Time
		var kept []Message
		for _, m := range msgs {
			if m.Time-first <= opt.Cutoff {
				kept = append(kept, m)
			}
		}
		msgs = kept
	}
	// §4.3 start.
	if len(msgs) == 0 || msgs[0].Interaction != "urn:nhs:names:services:gp2gp/RCMR_IN010000UK05" {
		return oracleResult{Skip: SkipNoRequest}
	}
	// §4.4 pairing.
	type entry struct {
		m    Message
		acks []Message
	}
	byGUID := map[string]*entry{}
	var order []*entry
	for _, m := range msgs {
		if m.Interaction == "urn:nhs:names:services:gp2gp/MCCI_IN010000UK13" {
			if e := byGUID[m.MessageRef]; e != nil && m.MessageRef != "" {
				e.acks = append(e.acks, m)
			}
			continue
		}
		if e := byGUID[m.GUID]; e != nil {
			e.m, e.acks = m, nil
			continue
		}
		e := &entry{m: m}
		byGUID[m.GUID] = e
		order = append(order, e)
	}
	// §4.5 roles.
	request := order[0]
	requesting, sending := request.m.Sender, request.m.Recipient
	var ehrs, continues, fragments []*entry
	for _, e := range order[1:] {
		switch {
		case e.m.Interaction == "urn:nhs:names:services:gp2gp/RCMR_IN030000UK06":
			ehrs = append(ehrs, e)
		case e.m.Interaction == "urn:nhs:names:services:gp2gp/COPC_IN000001UK01" && e.m.Sender == requesting:
			continues = append(continues, e)
		case e.m.Interaction == "urn:nhs:names:services:gp2gp/COPC_IN000001UK01" && e.m.Sender == sending:
			fragments = append(fragments, e)
		}
	}
	// §4.7 window.
	if request.m.Time < opt.WindowStart || request.m.Time >= opt.WindowEnd {
		return oracleResult{Skip: SkipOutsideWindow}
	}
	// §4.6 effective core EHR and final ack.
	var effEHR, effAck *Message
	for pass := 0; pass < 2 && effAck == nil; pass++ {
		for _, e := range ehrs {
			for i := range e.acks {
				code := e.acks[i].Error
				good := !code.Valid || code.Code == 15
				if pass == 1 {
					good = !code.Valid || code.Code != 12
				}
				if good && effAck == nil {
					effEHR, effAck = &e.m, &e.acks[i]
				}
			}
		}
	}

	t := Transfer{
		ConversationID:     "c",
		RequestingASID:     requesting,
		SendingASID:        sending,
		RequestingSupplier: request.m.FromSystem,
		SendingSupplier:    request.m.ToSystem,
		DateRequested:      request.m.Time,
	}
	integrated, failed := false, false
	if effAck != nil {
		integrated = !effAck.Error.Valid || effAck.Error.Code == 15
		failed = !integrated
		t.HasSLA, t.SLA = true, max(effAck.Time-effEHR.Time, 0)
		t.HasDateCompleted, t.DateCompleted = true, effAck.Time
	}
	senderError, fatal := false, false
	for _, a := range request.acks {
		t.SenderErrorCodes = append(t.SenderErrorCodes, a.Error)
		if a.Error.Valid {
			senderError = true
			switch a.Error.Code {
			case 6, 7, 10, 14, 23, 24, 30, 99:
				fatal = true
			}
		}
	}
	duplicate, everyEHRAcked := false, true
	for _, e := range ehrs {
		if len(e.acks) == 0 {
			everyEHRAcked = false
		}
		for _, a := range e.acks {
			t.FinalErrorCodes = append(t.FinalErrorCodes, a.Error)
			if a.Error.Valid && a.Error.Code == 12 {
				duplicate = true
			}
		}
	}
	copcError, unacked := false, false
	for _, e := range fragments {
		if len(e.acks) == 0 {
			unacked = true
		}
		for _, a := range e.acks {
			if a.Error.Valid {
				t.IntermediateErrorCodes = append(t.IntermediateErrorCodes, a.Error.Code)
				copcError = true
			}
		}
	}
	copc := len(continues) > 0 || len(fragments) > 0
	ambiguous := duplicate && copc && !everyEHRAcked
	notSent := len(continues) > 0 && len(fragments) == 0

	var rule string
	switch {
	case integrated && t.SLA <= 691_200*Second:
		rule = "1"
	case integrated:
		rule = "1b"
	case failed:
		rule = "2"
	case copc && ambiguous:
		rule = "3a"
	case copc && copcError && !unacked:
		rule = "3b"
	case copc && notSent:
		rule = "3c"
	case copc && unacked:
		rule = "3d"
	case copc:
		rule = "3e"
	case fatal:
		rule = "4"
	case len(request.acks) == 0:
		rule = "5"
	case len(ehrs) == 0:
		rule = "6"
	case senderError:
		rule = "7"
	default:
		rule = "8"
	}
	t.Status, t.FailureReason = specOutcome[rule].Status, specOutcome[rule].Reason
	return oracleResult{Transfer: t}
}

// checkOracle compares a classification with the oracle's reading of docs/rules.md.
func checkOracle(t testing.TB, in []Message, opt Options, c *Classification) {
	t.Helper()
	want := oracle(in, opt)
	if c.Skip != want.Skip {
		t.Errorf("oracle: Skip = %v, spec says %v", c.Skip, want.Skip)
		return
	}
	if c.Skip != NotSkipped {
		return
	}
	if diff := cmp.Diff(want.Transfer, c.Transfer, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("oracle: Transfer differs from the spec (-spec +got):\n%s", diff)
	}
}
