package explain

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// WriteJSON writes the explanations as one indented JSON document:
// {"conversations": [...]}.
func WriteJSON(w io.Writer, es []*Explanation) error {
	if es == nil {
		es = []*Explanation{}
	}
	b, err := json.MarshalIndent(struct {
		Conversations []*Explanation `json:"conversations"`
	}{es}, "", "  ")
	if err != nil {
		return fmt.Errorf("encode explanation: %w", err)
	}
	if _, err := w.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("write explanation: %w", err)
	}
	return nil
}

// WriteText writes the explanations for people to read, separated by a
// blank line.
func WriteText(w io.Writer, es []*Explanation) error {
	var b strings.Builder
	for i, e := range es {
		if i > 0 {
			b.WriteString("\n")
		}
		writeText(&b, e)
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write explanation: %w", err)
	}
	return nil
}

func writeText(b *strings.Builder, e *Explanation) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format+"\n", args...) }
	p("Conversation %s", e.ConversationID)
	switch {
	case e.Outcome != nil && e.IsTransfer:
		p("  outcome: %s", outcomeText(e.Outcome.Status, e.Outcome.FailureReason))
	case e.Outcome != nil:
		p("  not a transfer of the month: %s (it would be %s)", e.Skipped, outcomeText(e.Outcome.Status, e.Outcome.FailureReason))
	default:
		p("  not a transfer: %s", e.Skipped)
	}
	if e.Outcome != nil && e.Outcome.V11Status != "" {
		p("  in the v11 table: %s", outcomeText(e.Outcome.V11Status, e.Outcome.V11FailureReason))
	}
	window := "none (local input without DATE_ANCHOR: every conversation counts as in the month)"
	if e.Window != nil {
		window = fmt.Sprintf("[%s, %s)", e.Window.Start, e.Window.End)
	}
	cutoff := "none"
	if e.CutoffDays > 0 {
		cutoff = fmt.Sprintf("%d days", e.CutoffDays)
	}
	p("  metric month window: %s; cutoff: %s", window, cutoff)

	p("\nTimeline (time order)")
	for _, m := range e.Messages {
		p("  #%-2d %s  %s", m.N, m.Time, m.Type)
		p("       %s -> %s", partyText(m.Sender), partyText(m.Recipient))
		line := "GUID " + m.GUID
		if m.MessageRef != "" {
			line += ", messageRef " + m.MessageRef
		}
		if m.Error != nil {
			line += fmt.Sprintf(", error %d: %s", m.Error.Code, m.Error.Meaning)
		}
		p("       %s", line)
		if m.FromSystem != nil || m.ToSystem != nil {
			p("       supplier %s -> %s", nullText(m.FromSystem), nullText(m.ToSystem))
		}
		if m.Interaction != "" && m.Type == "unknown interaction" {
			p("       interaction %s", m.Interaction)
		}
		p("       role: %s; %s", m.Role, m.Disposition)
	}

	p("\nAcknowledgement pairing (GUID -> message and its acks, in map order)")
	if len(e.Pairing) == 0 {
		p("  none: the conversation does not begin with a request started")
	}
	for _, pr := range e.Pairing {
		line := fmt.Sprintf("  %s: #%d, acks %s", pr.GUID, pr.Message, numsText(pr.Acks))
		if len(pr.Replaced) > 0 {
			line += fmt.Sprintf(" (replaced %s, same GUID)", numsText(pr.Replaced))
		}
		p("%s", line)
	}
	if len(e.Dropped) == 0 {
		p("  dropped: none")
	}
	for _, d := range e.Dropped {
		p("  dropped #%d (%s): %s", d.Message, d.Disposition, d.Reason)
	}
	if e.Roles == nil {
		return
	}

	r := e.Roles
	p("\nRoles")
	p("  request started: #%d (requesting ASID %s, sending ASID %s)", r.Request, r.RequestingASID, r.SendingASID)
	p("  core EHRs: %s", numsText(r.CoreEHRs))
	p("  COPC continues: %s", numsText(r.Continues))
	p("  COPC fragments: %s", numsText(r.Fragments))
	p("  ignored: %s", numsText(r.Ignored))
	if r.EffectiveAck > 0 {
		line := fmt.Sprintf("#%d", r.EffectiveAck)
		if m := e.Messages[r.EffectiveAck-1]; m.Error != nil {
			line += fmt.Sprintf(" (error %d: %s)", m.Error.Code, m.Error.Meaning)
		}
		p("  effective final ack: %s, of core EHR #%d", line, r.EffectiveEHR)
	} else {
		p("  effective final ack: none")
	}

	p("\nDerived facts")
	for _, f := range e.Facts {
		p("  %-23s %-9s %s", f.Name, valueText(f.Value), f.Meaning)
	}

	p("\nSLA")
	if e.SLA == nil {
		p("  none: no effective final acknowledgement")
	} else {
		s := e.SLA
		p("  %d s (%s exactly, %s), %s", s.Seconds, strconv.FormatFloat(float64(s.Microseconds)/1e6, 'f', -1, 64), s.Text, s.Band)
		if s.Clamped {
			p("  the ack was logged before its core EHR: the negative SLA was clamped to 0")
		}
	}

	o := e.Outcome
	p("\nOutcome rules (first match wins)")
	for _, nr := range o.NotMatched {
		p("  rule %-3s no:      %s", nr.ID, nr.Condition)
	}
	p("  rule %-3s MATCHED: %s", o.Rule.ID, o.Rule.Condition)
	p("  => %s", outcomeText(o.Status, o.FailureReason))
}

func outcomeText(status string, reason *string) string {
	if reason == nil {
		return status
	}
	return fmt.Sprintf("%s, %s", status, *reason)
}

func partyText(p Party) string {
	if p.ODSCode == "" {
		return p.ASID
	}
	return fmt.Sprintf("%s (%s %s)", p.ASID, p.ODSCode, p.Name)
}

func nullText(s *string) string {
	switch {
	case s == nil:
		return "(none)"
	case *s == "":
		return `""`
	}
	return *s
}

func numsText(ns []int) string {
	if len(ns) == 0 {
		return "none"
	}
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = "#" + strconv.Itoa(n)
	}
	return strings.Join(parts, ", ")
}

func valueText(v any) string {
	switch v := v.(type) {
	case bool:
		if v {
			return "yes"
		}
		return "no"
	case []*int64:
		parts := make([]string, len(v))
		for i, c := range v {
			if c == nil {
				parts[i] = "null"
			} else {
				parts[i] = strconv.FormatInt(*c, 10)
			}
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return fmt.Sprint(v)
}
