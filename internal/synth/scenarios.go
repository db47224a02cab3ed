package synth

// begin logs a request and its acknowledgement and a core EHR, returning the
// EHR's GUID and time.
func (c *conv) begin(s int64) (id, int64) {
	g := c.g
	c.request(s)
	t := s + g.requestAckDelay()
	c.requestAck(t, noError)
	t += g.ehrDelay()
	return c.ehr(t), t
}

// integrated is a transfer integrated in band, with COPC fragments if copc
// (one acknowledged with an error if fragmentError).
func integrated(band int, copc, fragmentError bool) func(*conv, int64) {
	return func(c *conv, s int64) {
		g := c.g
		e, te := c.begin(s)
		end := te
		if copc {
			n := g.fragments()
			errored := -1
			if fragmentError {
				errored = g.rng.IntN(n)
			}
			end = c.copc(te+g.copcDelay(), n, -1, errored)
		}
		c.ehrAck(te+g.sla(band, end-te), e, noError)
	}
}

func suppressed(c *conv, s int64) {
	e, te := c.begin(s)
	c.ehrAck(te+c.g.sla(within3Days, 0), e, 15)
}

func finalErrorFamily(copc bool) func(*conv, int64) {
	return func(c *conv, s int64) {
		g := c.g
		e, te := c.begin(s)
		end := te
		if copc {
			end = c.copc(te+g.copcDelay(), g.fragments(), -1, -1)
		}
		c.ehrAck(te+g.sla(within3Days, end-te), e, g.pick(finalErrors))
	}
}

// afterDuplicateEHR: the first EHR is rejected as a duplicate (12), a
// second one is integrated.
func afterDuplicateEHR(c *conv, s int64) {
	g := c.g
	e1, t := c.begin(s)
	t += g.between(msMinute, msHour)
	c.ehrAck(t, e1, 12)
	t += g.between(msMinute, msHour)
	e2 := c.ehr(t)
	c.ehrAck(t+g.sla(within3Days, 0), e2, noError)
}

// twoEHRs: the second EHR is integrated before the first is rejected.
func twoEHRs(c *conv, s int64) {
	g := c.g
	e1, t := c.begin(s)
	t += g.between(msMinute, msHour)
	e2 := c.ehr(t)
	t += g.sla(within3Days, 0)
	c.ehrAck(t, e2, noError)
	c.ehrAck(t+g.between(msMinute, msHour), e1, g.pick(fatalSenderErrors))
}

// conflictingAcks: one EHR, an error acknowledgement then a good one.
func conflictingAcks(c *conv, s int64) {
	g := c.g
	e, t := c.begin(s)
	t += g.between(msMinute, msHour)
	c.ehrAck(t, e, 25)
	c.ehrAck(t+g.sla(within3Days, 0), e, noError)
}

// ambiguousCOPC: the first EHR is acknowledged as a duplicate, a second is
// never acknowledged, and COPC fragments were sent.
func ambiguousCOPC(c *conv, s int64) {
	g := c.g
	e1, t := c.begin(s)
	t += g.between(msMinute, 10*msMinute)
	c.ehrAck(t, e1, 12)
	t += g.between(msMinute, 10*msMinute)
	c.ehr(t)
	c.copc(t+g.copcDelay(), g.fragments(), -1, -1)
}

// pendingCOPC: a core EHR never acknowledged, with fragments of which the
// one numbered unacked (if ≥ 0) is not acknowledged and the one numbered
// errored (if ≥ 0) is acknowledged with an error.
func pendingCOPC(unacked, errored int) func(*conv, int64) {
	return func(c *conv, s int64) {
		g := c.g
		_, t := c.begin(s)
		n := g.fragments()
		if unacked >= 0 {
			unacked = g.rng.IntN(n)
		}
		if errored >= 0 {
			errored = g.rng.IntN(n)
		}
		c.copc(t+g.copcDelay(), n, unacked, errored)
	}
}

// copcNotSentFamily: the requester sends a COPC continue, no fragment follows.
func copcNotSentFamily(c *conv, s int64) {
	_, t := c.begin(s)
	c.send(t+c.g.copcDelay(), interCOPC, c.req, c.snd)
}

// senderError: the request is acknowledged with an error; if not fatal, the
// core EHR is sent anyway.
func senderError(fatal bool) func(*conv, int64) {
	return func(c *conv, s int64) {
		g := c.g
		c.request(s)
		t := s + g.requestAckDelay()
		if fatal {
			c.requestAck(t, g.pick(fatalSenderErrors))
			return
		}
		c.requestAck(t, g.pick(nonfatalSenderErrors))
		c.ehr(t + g.ehrDelay())
	}
}

func requestNotAcknowledged(withEHR bool) func(*conv, int64) {
	return func(c *conv, s int64) {
		c.request(s)
		if withEHR {
			c.ehr(s + c.g.ehrDelay())
		}
	}
}

// danglingRequestAck: the request's acknowledgement refers to a GUID never
// logged, so the request is unacknowledged.
func danglingRequestAck(c *conv, s int64) {
	g := c.g
	c.request(s)
	t := s + g.requestAckDelay()
	c.ack(t, c.snd, c.req, g.newID(), noError)
	c.ehr(t + g.ehrDelay())
}

func coreEHRNotSent(c *conv, s int64) {
	c.request(s)
	c.requestAck(s+c.g.requestAckDelay(), noError)
}

func pendingEHR(c *conv, s int64) { c.begin(s) }

// duplicateEHRWaiting: the only EHR acknowledgement says duplicate (12).
func duplicateEHRWaiting(c *conv, s int64) {
	e, t := c.begin(s)
	c.ehrAck(t+c.g.between(msMinute, msDay), e, 12)
}

// duplicateRequestRow: the request is logged again after its
// acknowledgement, which is lost; the transfer is integrated anyway.
func duplicateRequestRow(c *conv, s int64) {
	g := c.g
	c.request(s)
	t := s + g.requestAckDelay()
	c.requestAck(t, noError)
	t += g.between(msSecond, 30*msSecond)
	c.request(t)
	t += g.ehrDelay()
	e := c.ehr(t)
	c.ehrAck(t+g.sla(within3Days, 0), e, noError)
}

// duplicateEHRRow: the EHR is logged again after its acknowledgement, which
// is lost.
func duplicateEHRRow(c *conv, s int64) {
	g := c.g
	e, t := c.begin(s)
	t += g.sla(within3Days, 0)
	c.ehrAck(t, e, noError)
	c.emit(t+g.between(msSecond, msMinute), interEHR, c.snd, c.req, e, nil, noError)
}

// ackBeforeMessage: the EHR's acknowledgement is logged 1-5 s before it.
func ackBeforeMessage(c *conv, s int64) {
	g := c.g
	c.request(s)
	t := s + g.requestAckDelay()
	c.requestAck(t, noError)
	t += g.ehrDelay()
	e := g.newID()
	c.ack(t-g.between(msSecond, 5*msSecond), c.req, c.snd, e, noError)
	c.emit(t, interEHR, c.snd, c.req, e, nil, noError)
}

// tie: the EHR and its acknowledgement have the same time; the
// acknowledgement is logged first if ackFirst (and is then lost).
func tie(ackFirst bool) func(*conv, int64) {
	return func(c *conv, s int64) {
		g := c.g
		c.request(s)
		t := s + g.requestAckDelay()
		c.requestAck(t, noError)
		t += g.ehrDelay()
		e := g.newID()
		if ackFirst {
			c.ack(t, c.req, c.snd, e, noError)
		}
		c.emit(t, interEHR, c.snd, c.req, e, nil, noError)
		if !ackFirst {
			c.ack(t, c.req, c.snd, e, noError)
		}
	}
}

// unknownInside: messages of other interactions, one an acknowledgement of
// another service referring to the EHR with an error, are ignored.
func unknownInside(c *conv, s int64) {
	g := c.g
	e, t := c.begin(s)
	t += g.between(msSecond, msHour)
	c.send(t, firstUnknown+uint8(g.rng.IntN(len(interactions)-int(firstUnknown))), c.snd, c.req)
	t += g.between(msSecond, msHour)
	c.emit(t, interLRSAck, c.req, c.snd, g.newID(), &e, 30)
	c.ehrAck(t+g.sla(within3Days, 0), e, noError)
}

// secondRequest: another request started in the conversation is ignored.
func secondRequest(c *conv, s int64) {
	g := c.g
	e, t := c.begin(s)
	c.send(t+g.between(msSecond, msMinute), interRequest, c.req, c.snd)
	c.ehrAck(t+g.sla(within3Days, msMinute), e, noError)
}

// thirdPartyCOPC: a COPC from an ASID not in the conversation is ignored.
func thirdPartyCOPC(c *conv, s int64) {
	g := c.g
	e, t := c.begin(s)
	c.send(t+g.copcDelay(), interCOPC, g.knownASID(), c.req)
	c.ehrAck(t+g.sla(within3Days, 2*msMinute), e, noError)
}

// sameASIDs: the requesting and sending ASIDs are the same.
func sameASIDs(c *conv, s int64) {
	c.snd = c.req
	integrated(within3Days, true, false)(c, s)
}

// outOfOrder: the request's acknowledgement and the integration are logged
// minutes after later messages.
func outOfOrder(c *conv, s int64) {
	g := c.g
	c.request(s)
	t := s + g.requestAckDelay()
	c.displace = g.between(3*msMinute, 10*msMinute)
	c.requestAck(t, noError)
	t += g.between(msMinute, 2*msMinute)
	e := c.ehr(t)
	end := c.copc(t+g.copcDelay(), g.fragments(), -1, -1)
	c.displace = g.between(msMinute, 5*msMinute)
	c.ehrAck(t+g.sla(within3Days, end-t), e, noError)
}

// ehrFirst: the EHR is logged before the request.
func ehrFirst(c *conv, s int64) {
	g := c.g
	e := c.ehr(s)
	t := s + g.between(msSecond, msMinute)
	c.request(t)
	t += g.requestAckDelay()
	c.requestAck(t, noError)
	c.ehrAck(t+g.sla(within3Days, 0), e, noError)
}

// ackOnly: only acknowledgements of messages not in the log.
func ackOnly(c *conv, s int64) {
	g := c.g
	c.ack(s, c.snd, c.req, c.id, noError)
	c.ack(s+g.between(msMinute, msDay), c.req, c.snd, g.newID(), noError)
}

// unknownFirst: a message of another interaction comes before the request.
func unknownFirst(c *conv, s int64) {
	g := c.g
	c.send(s, firstUnknown, c.req, c.snd)
	integrated(within3Days, false, false)(c, s+g.between(msSecond, msMinute))
}

// ackAfter: the EHR is integrated at the request's time plus at(g).
func ackAfter(at func(*generator) int64) func(*conv, int64) {
	return func(c *conv, s int64) {
		e, _ := c.begin(s)
		c.ehrAck(s+at(c.g), e, noError)
	}
}

// exactSLA: the EHR is integrated exactly sla after it was sent.
func exactSLA(sla int64) func(*conv, int64) {
	return func(c *conv, s int64) {
		e, t := c.begin(s)
		c.ehrAck(t+sla, e, noError)
	}
}

// truncated: a transfer started in the previous month (at least 4 hours
// before the metric month, so its core EHR is sent before it) and
// integrated at v, in the metric month.
func truncated(c *conv, v int64) {
	e, _ := c.begin(c.g.metricStart - c.g.between(4*msHour, 3*msDay))
	c.ehrAck(v, e, noError)
}

// truncatedCOPC: a transfer started in the last half hour of the previous
// month, whose COPC fragments straddle the month's start.
func truncatedCOPC(c *conv, _ int64) {
	g := c.g
	e, t := c.begin(g.metricStart - g.between(2*msMinute, 30*msMinute))
	end := c.copc(t+g.copcDelay(), 5+g.rng.IntN(20), -1, -1)
	c.ehrAck(max(end+10*msSecond, g.metricStart)+g.between(msMinute, 2*msDay), e, noError)
}
