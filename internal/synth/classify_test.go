package synth

import (
	"cmp"
	"slices"
)

// This file is an independent, minimal implementation of docs/rules.md, used to
// check that every generated conversation has the outcome its family
// promises.

type testMsg struct {
	t                 int64 // ms
	conv, guid, inter string
	sender, recipient string
	ref               string // "" for none
	jdi               *int64 // nil for NONE
	metric            bool   // read from the metric file
}

type testOutcome struct{ status, reason string }

type entry struct {
	m    testMsg
	acks []testMsg
}

// classify returns the outcome of every transfer of the month starting at
// windowStart, by conversation id.
func classify(msgs []testMsg, cutoffMs, windowStart, windowEnd int64) map[string]testOutcome {
	var order []string
	byConv := map[string][]testMsg{}
	for _, m := range msgs {
		if _, ok := byConv[m.conv]; !ok {
			order = append(order, m.conv)
		}
		byConv[m.conv] = append(byConv[m.conv], m)
	}
	out := map[string]testOutcome{}
	for _, cid := range order {
		ms := byConv[cid]
		slices.SortStableFunc(ms, func(a, b testMsg) int { return cmp.Compare(a.t, b.t) })
		first := ms[0].t
		kept := ms[:0:0]
		for _, m := range ms {
			if m.t-first <= cutoffMs {
				kept = append(kept, m)
			}
		}
		if kept[0].inter != interactions[interRequest] {
			continue
		}
		var keys []string
		entries := map[string]*entry{}
		for _, m := range kept {
			if m.inter == interactions[interAck] {
				if e, ok := entries[m.ref]; ok && m.ref != "" {
					e.acks = append(e.acks, m)
				}
				continue
			}
			if e, ok := entries[m.guid]; ok {
				e.m, e.acks = m, nil
				continue
			}
			entries[m.guid] = &entry{m: m}
			keys = append(keys, m.guid)
		}
		req := entries[keys[0]]
		if req.m.t < windowStart || req.m.t >= windowEnd {
			continue
		}
		reqASID, sndASID := req.m.sender, req.m.recipient
		var ehrs, continues, fragments []*entry
		for _, k := range keys[1:] {
			e := entries[k]
			switch {
			case e.m.inter == interactions[interEHR]:
				ehrs = append(ehrs, e)
			case e.m.inter == interactions[interCOPC] && e.m.sender == reqASID:
				continues = append(continues, e)
			case e.m.inter == interactions[interCOPC] && e.m.sender == sndASID:
				fragments = append(fragments, e)
			}
		}
		var final *testMsg
		var finalEHR *entry
		for pass := 0; pass < 2 && final == nil; pass++ {
			for _, e := range ehrs {
				for i := range e.acks {
					a := &e.acks[i]
					ok := a.jdi == nil || *a.jdi == 15
					if pass == 1 {
						ok = a.jdi == nil || *a.jdi != 12
					}
					if ok && final == nil {
						final, finalEHR = a, e
					}
				}
			}
		}
		integrated := final != nil && (final.jdi == nil || *final.jdi == 15)
		failed := final != nil && !integrated
		var sla int64
		if final != nil {
			sla = max(final.t-finalEHR.m.t, 0)
		}
		has12, allEHRsAcked := false, true
		for _, e := range ehrs {
			if len(e.acks) == 0 {
				allEHRsAcked = false
			}
			for _, a := range e.acks {
				if a.jdi != nil && *a.jdi == 12 {
					has12 = true
				}
			}
		}
		copcPresent := len(continues)+len(fragments) > 0
		copcError, unacked := false, false
		for _, f := range fragments {
			if len(f.acks) == 0 {
				unacked = true
			}
			for _, a := range f.acks {
				if a.jdi != nil {
					copcError = true
				}
			}
		}
		fatal, senderErr := false, false
		for _, a := range req.acks {
			if a.jdi != nil {
				senderErr = true
				if slices.Contains(fatalSenderErrors, int32(*a.jdi)) {
					fatal = true
				}
			}
		}
		var o testOutcome
		switch {
		case integrated && sla <= 8*msDay:
			o = testOutcome{onTime, ""}
		case integrated:
			o = testOutcome{process, late}
		case failed:
			o = testOutcome{technical, finalError}
		case copcPresent && has12 && !allEHRsAcked:
			o = testOutcome{unclassified, ambiguous}
		case copcPresent && copcError && !unacked:
			o = testOutcome{unclassified, withError}
		case copcPresent && len(continues) > 0 && len(fragments) == 0:
			o = testOutcome{technical, copcNotSent}
		case copcPresent && unacked:
			o = testOutcome{technical, copcNotAcked}
		case copcPresent:
			o = testOutcome{process, notIntegrated}
		case fatal:
			o = testOutcome{technical, fatalSender}
		case len(req.acks) == 0:
			o = testOutcome{technical, requestNotAcked}
		case len(ehrs) == 0:
			o = testOutcome{technical, coreNotSent}
		case senderErr:
			o = testOutcome{unclassified, withError}
		default:
			o = testOutcome{process, notIntegrated}
		}
		out[cid] = o
	}
	return out
}
