package spine

// Options are the run's parameters for classification.
type Options struct {
	// Cutoff drops messages later than this after a conversation's first
	// message; 0 means no cutoff.
	Cutoff Time
	// WindowStart and WindowEnd bound the metric month: a conversation is a
	// transfer of the month when its request started in [WindowStart, WindowEnd).
	WindowStart, WindowEnd Time
	// UK07CoreEHR makes RCMR_IN030000UK07 a core EHR, a full synonym of
	// RCMR_IN030000UK06 in every rule (SPEC-SUCCESSOR §2.4): classify sets
	// it by default, run does not.
	UK07CoreEHR bool
}

// Skip says why a conversation produced no transfer.
type Skip uint8

const (
	NotSkipped        Skip = iota // the conversation is a transfer of the window
	SkipNoRequest                 // its earliest message is not a request started
	SkipOutsideWindow             // its request started outside the metric month
)

func (s Skip) String() string {
	switch s {
	case SkipNoRequest:
		return "the earliest message is not a request started"
	case SkipOutsideWindow:
		return "the request started outside the metric month"
	}
	return "a transfer of the metric month"
}

// Roles are the entries of a conversation by role (docs/rules.md §5).
type Roles struct {
	Request   Entry
	CoreEHRs  []Entry
	Continues []Entry // COPC sent by the requesting ASID
	Fragments []Entry // COPC sent by the sending ASID
	Ignored   []Entry // no role: another request, an unknown interaction, a third party's COPC
}

// Classification is everything classification decided about one
// conversation, with the facts and the rule behind the outcome, so that the
// reasoning can be shown as well as the result.
type Classification struct {
	ConversationID string
	// Messages are the conversation's messages sorted by time (ties in input
	// order), including any dropped by the cutoff.
	Messages []Message
	// Disposition[i] is where Messages[i] ended up.
	Disposition []Disposition
	Skip        Skip
	// Entries is the pairing of docs/rules.md §4 in map order; empty when skipped
	// for lack of a request started.
	Entries []Entry
	Roles   Roles
	// EffectiveEHR and EffectiveAck index Messages; -1 when there is no
	// effective final acknowledgement.
	EffectiveEHR, EffectiveAck int
	Facts                      Facts
	// Rule is the outcome rule that decided the status (nil when the
	// conversation has no request started). Conversations outside the
	// window are classified too, for explain, but are not transfers: check
	// Skip.
	Rule     *Rule
	Transfer Transfer
}

// Classify infers the outcome of one conversation. It sorts conv.Messages
// in place.
func Classify(conv Conversation, opt Options) *Classification {
	return new(Classifier).Classify(conv, opt)
}

// A Classifier classifies conversations one after another, reusing its
// memory from one to the next: a run classifies millions. The
// Classification it returns is valid only until its next call, except
// its Transfer, which is never reused.
type Classifier struct {
	c     Classification
	p     pairing
	disp  []Disposition
	roles []Entry // backing of the role lists
	which []uint8 // each entry's role, while assigning them
}

// Classify is like the function Classify, with the reuse described above.
func (k *Classifier) Classify(conv Conversation, opt Options) *Classification {
	msgs := conv.Messages
	sortByTime(msgs)
	k.disp = resize(k.disp, len(msgs))
	clear(k.disp)
	c := &k.c
	*c = Classification{
		ConversationID: conv.ID,
		Messages:       msgs,
		Disposition:    k.disp,
		EffectiveEHR:   -1,
		EffectiveAck:   -1,
	}
	n := len(msgs)
	if opt.Cutoff > 0 && n > 0 {
		for n > 0 && msgs[n-1].Time-msgs[0].Time > opt.Cutoff {
			n--
			c.Disposition[n] = CutOff
		}
	}
	kept := msgs[:n]
	if n == 0 || kept[0].Kind() != RequestStarted {
		c.Skip = SkipNoRequest
		c.setAll(kept, NoRequestStarted)
		return c
	}
	c.Entries = k.p.pair(kept, c.Disposition)
	k.roles = resize(k.roles, len(c.Entries)-1)
	k.which = resize(k.which, len(c.Entries)-1)
	c.assignRoles(kept, k.roles, k.which, opt.UK07CoreEHR)

	req := &msgs[c.Roles.Request.Msg]
	if req.Time < opt.WindowStart || req.Time >= opt.WindowEnd {
		c.Skip = SkipOutsideWindow
		c.setAll(kept, OutsideWindow)
	}
	c.findEffectiveAck()
	c.Facts = c.deriveFacts()
	c.Rule = decide(&c.Facts)
	c.Transfer = c.transfer()
	return c
}

// setAll gives every message of kept that is still InTransfer the disposition d.
func (c *Classification) setAll(kept []Message, d Disposition) {
	for i := range kept {
		if c.Disposition[i] == InTransfer {
			c.Disposition[i] = d
		}
	}
}

// assignRoles sorts the entries after the request into the role lists,
// backed by backing, of the length of those entries; which holds each
// entry's role while they are counted.
func (c *Classification) assignRoles(msgs []Message, backing []Entry, which []uint8, uk07 bool) {
	r := &c.Roles
	r.Request = c.Entries[0]
	requester := msgs[r.Request.Msg].Sender
	sender := msgs[r.Request.Msg].Recipient
	const (
		coreEHR = iota
		continues
		fragments
		ignored
	)
	// Count first, so that the four lists share backing (this runs for
	// every conversation).
	var counts [4]int
	for i, e := range c.Entries[1:] {
		m := &msgs[e.Msg]
		role := uint8(ignored)
		switch m.Kind() {
		case RequestCompleted:
			role = coreEHR
		case Unknown:
			if uk07 && m.Interaction == RequestCompletedUK07ID {
				role = coreEHR
			}
		case COPC:
			switch m.Sender {
			case requester:
				role = continues
			case sender:
				role = fragments
			}
		}
		which[i] = role
		counts[role]++
	}
	lists := [4]*[]Entry{&r.CoreEHRs, &r.Continues, &r.Fragments, &r.Ignored}
	off := 0
	for k, n := range counts {
		if n > 0 {
			*lists[k] = backing[off : off : off+n]
		}
		off += n
	}
	for i, e := range c.Entries[1:] {
		l := lists[which[i]]
		*l = append(*l, e)
		if which[i] == ignored {
			c.Disposition[e.Msg] = UnknownPurpose
			for _, a := range e.Acks {
				c.Disposition[a] = UnknownPurpose
			}
		}
	}
}

// LastSenderMessage is the v11 table's last_sender_message_timestamp
// (SPEC-SUCCESSOR §2.2): the latest time of the messages kept after the
// cutoff (acks, replaced GUIDs and unpaired acks included) sent by the
// sending practice, the request's recipient; for an integrated transfer
// only those at or before the effective final ack. ok is false when there
// is none, which for an integrated transfer is a departure (†): the
// reference crashed.
func (c *Classification) LastSenderMessage() (t Time, ok bool) {
	if c.Skip == SkipNoRequest {
		return 0, false
	}
	sender := c.Messages[c.Roles.Request.Msg].Recipient
	limit, integrated := Time(0), c.Facts.Integrated && c.EffectiveAck >= 0
	if integrated {
		limit = c.Messages[c.EffectiveAck].Time
	}
	for i := range c.Messages {
		m := &c.Messages[i]
		if c.Disposition[i] == CutOff || m.Sender != sender {
			continue
		}
		if integrated && m.Time > limit {
			continue
		}
		if !ok || m.Time > t {
			t, ok = m.Time, true
		}
	}
	return t, ok
}

// findEffectiveAck applies docs/rules.md §6: the first ack of the core EHRs with no
// error or error 15 wins; failing that, the first whose error is not 12.
func (c *Classification) findEffectiveAck() {
	pick := func(ok func(ErrorCode) bool) bool {
		for _, e := range c.Roles.CoreEHRs {
			for _, a := range e.Acks {
				if ok(c.Messages[a].Error) {
					c.EffectiveEHR, c.EffectiveAck = e.Msg, a
					return true
				}
			}
		}
		return false
	}
	if pick(isSuccess) {
		return
	}
	pick(func(e ErrorCode) bool { return !e.Valid || e.Code != DuplicateEHRError })
}

// isSuccess reports whether an acknowledgement's error means integrated:
// none, or 15 (error suppressed).
func isSuccess(e ErrorCode) bool { return !e.Valid || e.Code == SuppressedError }

func (c *Classification) transfer() Transfer {
	req := &c.Messages[c.Roles.Request.Msg]
	f := &c.Facts
	t := Transfer{
		ConversationID:         c.ConversationID,
		SLA:                    f.SLA,
		HasSLA:                 f.HasSLA,
		RequestingASID:         req.Sender,
		SendingASID:            req.Recipient,
		RequestingSupplier:     req.FromSystem,
		SendingSupplier:        req.ToSystem,
		SenderErrorCodes:       f.SenderErrorCodes,
		FinalErrorCodes:        f.FinalErrorCodes,
		IntermediateErrorCodes: f.IntermediateErrorCodes,
		Status:                 c.Rule.Status,
		FailureReason:          c.Rule.Reason,
		DateRequested:          req.Time,
	}
	if c.EffectiveAck >= 0 {
		t.DateCompleted, t.HasDateCompleted = c.Messages[c.EffectiveAck].Time, true
	}
	return t
}
