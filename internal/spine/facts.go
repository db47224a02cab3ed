package spine

// Facts are the derived facts of a conversation that the outcome rules
// read (docs/rules.md §8).
type Facts struct {
	// Integrated: an effective final ack exists and its error is none or 15.
	Integrated bool
	// ConcludedWithFailure: an effective final ack exists with another error.
	ConcludedWithFailure bool
	// SLA is effective ack time − its core EHR's time, clamped at 0;
	// HasSLA is false without an effective ack.
	SLA    Time
	HasSLA bool
	// SLAClamped: the raw SLA was negative and was clamped to 0.
	SLAClamped bool

	SenderErrorCodes       []ErrorCode // the request's acks, nulls kept
	FinalErrorCodes        []ErrorCode // each core EHR's acks, in map order, nulls kept
	IntermediateErrorCodes []int64     // each fragment's acks, non-null only

	RequestAcknowledged bool // the request started has at least one ack
	SenderError         bool // some request-started ack has an error
	FatalSenderError    bool // some request-started ack has a fatal code
	CoreEHRSent         bool // there is at least one core EHR
	COPCPresent         bool // continues or fragments exist
	AmbiguousCOPC       bool // a final code is 12, COPC present, and some core EHR has no ack
	COPCError           bool // some fragment ack has an error
	COPCNotSent         bool // continues exist but no fragments
	COPCUnacknowledged  bool // some fragment has no ack
}

func (c *Classification) deriveFacts() Facts {
	var f Facts
	r := &c.Roles
	codes := func(e Entry, dst []ErrorCode) []ErrorCode {
		for _, a := range e.Acks {
			dst = append(dst, c.Messages[a].Error)
		}
		return dst
	}

	if c.EffectiveAck >= 0 {
		ack := &c.Messages[c.EffectiveAck]
		f.Integrated = isSuccess(ack.Error)
		f.ConcludedWithFailure = !f.Integrated
		f.HasSLA = true
		f.SLA = ack.Time - c.Messages[c.EffectiveEHR].Time
		if f.SLA < 0 {
			f.SLA, f.SLAClamped = 0, true
		}
	}

	f.SenderErrorCodes = codes(r.Request, make([]ErrorCode, 0, len(r.Request.Acks)))
	f.RequestAcknowledged = len(r.Request.Acks) > 0
	for _, e := range f.SenderErrorCodes {
		f.SenderError = f.SenderError || e.Valid
		f.FatalSenderError = f.FatalSenderError || IsFatalSenderError(e)
	}

	f.CoreEHRSent = len(r.CoreEHRs) > 0
	f.FinalErrorCodes = []ErrorCode{}
	everyEHRAcked := true
	for _, e := range r.CoreEHRs {
		f.FinalErrorCodes = codes(e, f.FinalErrorCodes)
		everyEHRAcked = everyEHRAcked && len(e.Acks) > 0
	}
	duplicateEHR := false
	for _, e := range f.FinalErrorCodes {
		duplicateEHR = duplicateEHR || (e.Valid && e.Code == DuplicateEHRError)
	}

	f.IntermediateErrorCodes = []int64{}
	for _, e := range r.Fragments {
		f.COPCUnacknowledged = f.COPCUnacknowledged || len(e.Acks) == 0
		for _, a := range e.Acks {
			if code := c.Messages[a].Error; code.Valid {
				f.IntermediateErrorCodes = append(f.IntermediateErrorCodes, code.Code)
				f.COPCError = true
			}
		}
	}
	f.COPCPresent = len(r.Continues) > 0 || len(r.Fragments) > 0
	f.COPCNotSent = len(r.Continues) > 0 && len(r.Fragments) == 0
	f.AmbiguousCOPC = duplicateEHR && f.COPCPresent && !everyEHRAcked
	return f
}
