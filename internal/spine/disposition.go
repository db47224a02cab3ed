package spine

// Disposition says where an accepted message ended up. Every message of a
// classified conversation has exactly one, so a run can prove that nothing
// was silently lost.
type Disposition uint8

const (
	// InTransfer: the message is part of a transfer in the window (the
	// request, a core EHR, a COPC, or an acknowledgement paired with one).
	InTransfer Disposition = iota
	// OutsideWindow: its conversation's request started outside the metric month.
	OutsideWindow
	// CutOff: later than the conversation cutoff after the first message.
	CutOff
	// NoRequestStarted: its conversation does not begin with a request started.
	NoRequestStarted
	// UnpairedAck: an acknowledgement with no earlier message to pair with.
	UnpairedAck
	// UnknownPurpose: a message whose role could not be determined (another
	// request started, an unknown interaction, a COPC from a third party),
	// or an acknowledgement of one.
	UnknownPurpose
	// Superseded: replaced by a later message with the same GUID, or an
	// acknowledgement of such a replaced message.
	Superseded

	numDispositions
)

// Dispositions lists every disposition in order.
func Dispositions() []Disposition {
	d := make([]Disposition, numDispositions)
	for i := range d {
		d[i] = Disposition(i)
	}
	return d
}

// String is the disposition's snake_case name, as used in the run summary.
func (d Disposition) String() string {
	switch d {
	case InTransfer:
		return "in_transfer"
	case OutsideWindow:
		return "outside_window"
	case CutOff:
		return "after_cutoff"
	case NoRequestStarted:
		return "no_request_started"
	case UnpairedAck:
		return "unpaired_acknowledgement"
	case UnknownPurpose:
		return "unknown_purpose"
	case Superseded:
		return "superseded_by_duplicate_guid"
	}
	return "unknown"
}
