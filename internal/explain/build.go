package explain

import (
	"fmt"
	"time"

	"github.com/nhsdigital/gp2gp/internal/metrics"
	"github.com/nhsdigital/gp2gp/internal/spine"
)

// Context is how the conversation was classified, for the reader.
type Context struct {
	Directory  Directory
	CutoffDays int
	// HasWindow is false when no metric month applies; then WindowStart and
	// WindowEnd are ignored.
	HasWindow              bool
	WindowStart, WindowEnd spine.Time
}

// Build turns a classification into an explanation.
func Build(c *spine.Classification, ctx Context) *Explanation {
	b := builder{c: c, ctx: ctx}
	return b.build()
}

type builder struct {
	c    *spine.Classification
	ctx  Context
	role []string // each message's role, by index
}

func (b *builder) build() *Explanation {
	c := b.c
	e := &Explanation{
		ConversationID: c.ConversationID,
		CutoffDays:     b.ctx.CutoffDays,
		IsTransfer:     c.Skip == spine.NotSkipped,
		Messages:       []Message{},
		Pairing:        []Pairing{},
		Dropped:        []Dropped{},
		Facts:          []Fact{},
	}
	if b.ctx.HasWindow {
		e.Window = &Window{Start: FormatTime(b.ctx.WindowStart), End: FormatTime(b.ctx.WindowEnd)}
	}
	if !e.IsTransfer {
		e.Skipped = c.Skip.String()
	}
	b.roles()
	for i := range c.Messages {
		e.Messages = append(e.Messages, b.message(i))
		if d := c.Disposition[i]; d != spine.InTransfer {
			e.Dropped = append(e.Dropped, Dropped{Message: i + 1, Disposition: d.String(), Reason: b.dropReason(i)})
		}
	}
	for _, en := range c.Entries {
		e.Pairing = append(e.Pairing, Pairing{GUID: c.Messages[en.Msg].GUID, Message: en.Msg + 1, Acks: nums(en.Acks), Replaced: nums(en.Replaced)})
	}
	if c.Rule == nil { // no request started: nothing was derived
		return e
	}
	r := &c.Roles
	req := &c.Messages[r.Request.Msg]
	e.Roles = &Roles{
		Request:        r.Request.Msg + 1,
		RequestingASID: req.Sender,
		SendingASID:    req.Recipient,
		CoreEHRs:       entryNums(r.CoreEHRs),
		Continues:      entryNums(r.Continues),
		Fragments:      entryNums(r.Fragments),
		Ignored:        entryNums(r.Ignored),
		EffectiveEHR:   c.EffectiveEHR + 1,
		EffectiveAck:   c.EffectiveAck + 1,
	}
	e.Facts = facts(&c.Facts)
	if f := &c.Facts; f.HasSLA {
		secs, _ := c.Transfer.SLASeconds()
		e.SLA = &SLA{
			Microseconds: int64(f.SLA),
			Seconds:      secs,
			Text:         durationText(f.SLA),
			Band:         bandText(metrics.BandOf(f.SLA)),
			Clamped:      f.SLAClamped,
		}
	}
	e.Outcome = outcome(c.Rule)
	return e
}

// roles labels every message with its part in the conversation.
func (b *builder) roles() {
	c := b.c
	b.role = make([]string, len(c.Messages))
	label := func(es []spine.Entry, name string) {
		for k, en := range es {
			l := name
			if len(es) > 1 {
				l = fmt.Sprintf("%s %d", name, k+1)
			}
			b.role[en.Msg] = l
			for _, a := range en.Acks {
				b.role[a] = fmt.Sprintf("acknowledgement of #%d (%s)", en.Msg+1, l)
			}
		}
	}
	if c.Rule != nil {
		r := &c.Roles
		label([]spine.Entry{r.Request}, "request started")
		label(r.CoreEHRs, "core EHR")
		label(r.Continues, "COPC continue")
		label(r.Fragments, "COPC fragment")
		label(r.Ignored, "no role")
	}
	for i := range b.role {
		if b.role[i] == "" {
			b.role[i] = "none"
		}
	}
}

func (b *builder) message(i int) Message {
	m := &b.c.Messages[i]
	out := Message{
		N:           i + 1,
		Time:        FormatTime(m.Time),
		Type:        m.Kind().String(),
		Interaction: m.Interaction,
		Sender:      b.party(m.Sender),
		Recipient:   b.party(m.Recipient),
		GUID:        m.GUID,
		MessageRef:  m.MessageRef,
		FromSystem:  nullString(m.FromSystem),
		ToSystem:    nullString(m.ToSystem),
		Role:        b.role[i],
		Disposition: b.c.Disposition[i].String(),
	}
	if m.Error.Valid {
		out.Error = &Error{Code: m.Error.Code, Meaning: ErrorMeaning(m.Error)}
	}
	return out
}

func (b *builder) party(asid string) Party {
	p := Party{ASID: asid}
	if pr, ok := b.ctx.Directory[asid]; ok {
		p.ODSCode, p.Name = pr.ODSCode, pr.Name
	}
	return p
}

func nullString(s spine.NullString) *string {
	if !s.Valid {
		return nil
	}
	return &s.String
}

func nums(idx []int) []int {
	out := make([]int, len(idx))
	for i, v := range idx {
		out[i] = v + 1
	}
	return out
}

func entryNums(es []spine.Entry) []int {
	out := make([]int, len(es))
	for i, e := range es {
		out[i] = e.Msg + 1
	}
	return out
}

func outcome(r *spine.Rule) *Outcome {
	o := &Outcome{Status: string(r.Status), FailureReason: reason(r.Reason), Rule: ruleOf(r), NotMatched: []Rule{}}
	// The first rule that matches wins, so every rule before it did not.
	for i := range spine.Rules {
		if &spine.Rules[i] == r {
			break
		}
		o.NotMatched = append(o.NotMatched, ruleOf(&spine.Rules[i]))
	}
	return o
}

func ruleOf(r *spine.Rule) Rule {
	return Rule{ID: r.ID, Condition: r.Condition, Status: string(r.Status), Reason: reason(r.Reason)}
}

func reason(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// FormatTime writes t in UTC with microseconds.
func FormatTime(t spine.Time) string {
	return time.UnixMicro(int64(t)).UTC().Format("2006-01-02T15:04:05.000000Z")
}

// durationText writes d as days, hours, minutes and seconds.
func durationText(d spine.Time) string {
	days := d / spine.Day
	rest := time.Duration(d%spine.Day) * time.Microsecond
	h, m := rest/time.Hour, rest%time.Hour/time.Minute
	s := float64(rest%time.Minute) / float64(time.Second)
	return fmt.Sprintf("%dd %02dh %02dm %09.6fs", days, h, m, s)
}

func bandText(b metrics.Band) string {
	switch b {
	case metrics.Within3Days:
		return "within 3 days"
	case metrics.Within8Days:
		return "within 8 days"
	}
	return "beyond 8 days"
}
