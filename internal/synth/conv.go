package synth

// Durations in milliseconds.
const (
	msSecond int64 = 1000
	msMinute       = 60 * msSecond
	msHour         = 60 * msMinute
	msDay          = 24 * msHour
)

// SLA bands a generated integration falls in.
const (
	within3Days = iota
	within8Days
	beyond8Days
)

// conv builds the messages of one conversation and queues them.
type conv struct {
	g        *generator
	id       id
	req, snd int32 // requesting and sending ASIDs
	noSys    bool  // suppliers not logged
	exact    bool  // the file order matters: never displace rows
	displace int64 // if > 0, the next row is logged this much later than its time
}

// emit queues one message. Rows outside the metric and overflow months are
// not part of either file and are counted only.
func (c *conv) emit(t int64, inter uint8, from, to int32, guid id, ref *id, jdi int32) {
	g := c.g
	if t < g.metricStart || t >= g.overflowEnd {
		g.stats.RowsOutside++
		c.displace = 0
		return
	}
	r := row{t: t, conv: c.id, guid: guid, sender: from, recipient: to, jdi: jdi, inter: inter, noSys: c.noSys}
	if ref != nil {
		r.ref, r.hasRef = *ref, true
	}
	key := t
	switch {
	case c.displace > 0:
		key += c.displace
		c.displace = 0
	case !c.exact && g.rng.IntN(displaceOneIn) == 0:
		key += g.between(msSecond, 90*msSecond)
	}
	g.q.push(r, key)
}

// displaceOneIn is how rare a randomly displaced (out of time order) row is.
const displaceOneIn = 400

func (c *conv) send(t int64, inter uint8, from, to int32) id {
	guid := c.g.newID()
	c.emit(t, inter, from, to, guid, nil, noError)
	return guid
}

func (c *conv) ack(t int64, from, to int32, ref id, jdi int32) {
	c.emit(t, interAck, from, to, c.g.newID(), &ref, jdi)
}

// request logs the request started; its GUID is the conversation id.
func (c *conv) request(t int64) {
	c.emit(t, interRequest, c.req, c.snd, c.id, nil, noError)
}

// requestAck logs the sending practice's acknowledgement of the request.
func (c *conv) requestAck(t int64, jdi int32) { c.ack(t, c.snd, c.req, c.id, jdi) }

// ehr logs a core EHR from the sending practice.
func (c *conv) ehr(t int64) id { return c.send(t, interEHR, c.snd, c.req) }

// ehrAck logs the requesting practice's acknowledgement of a core EHR.
func (c *conv) ehrAck(t int64, ehr id, jdi int32) { c.ack(t, c.req, c.snd, ehr, jdi) }

// copc logs a COPC continue from the requester at t, then n fragments from
// the sender, each acknowledged except the one numbered unacked; the
// acknowledgement of fragment errored carries an error. It returns the time
// of the last message.
func (c *conv) copc(t int64, n, unacked, errored int) int64 {
	g := c.g
	c.send(t, interCOPC, c.req, c.snd)
	t += g.between(20*msSecond, 2*msMinute)
	for i := range n {
		f := c.send(t, interCOPC, c.snd, c.req)
		t += g.between(2*msSecond, 30*msSecond)
		if i != unacked {
			jdi := int32(noError)
			if i == errored {
				jdi = fragmentErrors[g.rng.IntN(len(fragmentErrors))]
			}
			c.ack(t, c.req, c.snd, f, jdi)
		}
		t += g.between(5*msSecond, 60*msSecond)
	}
	return t
}

// Error codes by where they occur.
var (
	fatalSenderErrors    = []int32{6, 7, 10, 14, 23, 24, 30, 99}
	nonfatalSenderErrors = []int32{11, 17, 19, 20, 21, 22, 25, 26}
	finalErrors          = []int32{11, 17, 19, 20, 21, 25, 26, 28, 29, 30, 31, 99, 0}
	fragmentErrors       = []int32{11, 17, 21, 29, 50}
)

func (g *generator) pick(codes []int32) int32 { return codes[g.rng.IntN(len(codes))] }

// Typical delays.
func (g *generator) requestAckDelay() int64 { return g.between(3*msSecond, 40*msSecond) }

func (g *generator) ehrDelay() int64 {
	return min(2*msMinute+int64(g.rng.ExpFloat64()*float64(15*msMinute)), 3*msHour)
}

func (g *generator) copcDelay() int64 { return g.between(10*msSecond, 2*msMinute) }

// fragments is the number of COPC fragments of a large record: 2 to 50,
// mostly few.
func (g *generator) fragments() int {
	u := g.rng.Float64()
	return 2 + int(48*u*u)
}

// sla draws the time from a core EHR to its integration in band, at least
// atLeast (the time the COPC messages took) plus a little.
func (g *generator) sla(band int, atLeast int64) int64 {
	switch band {
	case within8Days:
		return g.between(3*msDay+1, 8*msDay)
	case beyond8Days:
		return g.between(8*msDay+1, 12*msDay)
	}
	d := 30*msSecond + int64(g.rng.ExpFloat64()*float64(5*msHour))
	if d > 3*msDay {
		d = g.between(30*msSecond, 3*msDay)
	}
	if floor := atLeast + 10*msSecond; d < floor {
		d = floor + g.between(0, msHour)
	}
	return d
}
