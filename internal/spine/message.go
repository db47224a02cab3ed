// Package spine is the GP2GP domain: Spine messages, conversations and the
// rules that infer a transfer's outcome from them (docs/inputs.md and docs/rules.md).
//
// It is pure: no I/O, no logging, standard library only.
package spine

// Interaction ids, compared as whole strings (docs/inputs.md).
const (
	RequestStartedID   = "urn:nhs:names:services:gp2gp/RCMR_IN010000UK05"
	RequestCompletedID = "urn:nhs:names:services:gp2gp/RCMR_IN030000UK06"
	AcknowledgementID  = "urn:nhs:names:services:gp2gp/MCCI_IN010000UK13"
	COPCID             = "urn:nhs:names:services:gp2gp/COPC_IN000001UK01"
	// RequestCompletedUK07ID is the core EHR "with redactions" that
	// production has sent since 2025. It is a core EHR only when
	// Options.UK07CoreEHR says so (SPEC-SUCCESSOR §2.4); otherwise it is an
	// unknown interaction, as in the 2021 and 2023 contracts.
	RequestCompletedUK07ID = "urn:nhs:names:services:gp2gp/RCMR_IN030000UK07"
)

// Kind is the purpose of a message, derived from its interaction id.
type Kind uint8

const (
	Unknown          Kind = iota // any other interaction id
	RequestStarted               // RCMR_IN010000UK05
	RequestCompleted             // RCMR_IN030000UK06: the core EHR
	Acknowledgement              // MCCI_IN010000UK13
	COPC                         // COPC_IN000001UK01: large-message fragments
)

// KindOf maps an interaction id to its Kind.
//
// It runs several times for every message of a month, so rather than
// compare the id with each known one in turn (they share their first 29
// bytes), it picks the one the id can be by two of its bytes, and compares
// with that one alone.
func KindOf(interactionID string) Kind {
	const prefix = len("urn:nhs:names:services:gp2gp/")
	if len(interactionID) != len(RequestStartedID) {
		return Unknown
	}
	var k Kind
	switch interactionID[prefix] {
	case 'R': // RCMR_IN010000UK05 or RCMR_IN030000UK06
		k = RequestStarted
		if interactionID[prefix+8] == '3' {
			k = RequestCompleted
		}
	case 'M':
		k = Acknowledgement
	case 'C':
		k = COPC
	default:
		return Unknown
	}
	if interactionID != kindIDs[k] {
		return Unknown
	}
	return k
}

// kindIDs are the interaction ids of the known kinds.
var kindIDs = [...]string{
	RequestStarted:   RequestStartedID,
	RequestCompleted: RequestCompletedID,
	Acknowledgement:  AcknowledgementID,
	COPC:             COPCID,
}

func (k Kind) String() string {
	switch k {
	case RequestStarted:
		return "request started"
	case RequestCompleted:
		return "request completed (core EHR)"
	case Acknowledgement:
		return "acknowledgement"
	case COPC:
		return "COPC"
	}
	return "unknown interaction"
}

// Time is an instant in microseconds since the Unix epoch, UTC.
type Time int64

// Microseconds per unit, for durations expressed in Time units.
const (
	Second Time = 1_000_000
	Day         = 86_400 * Second
)

// NullString is a string that may be absent (a column missing from the log).
type NullString struct {
	String string
	Valid  bool
}

// Str returns a present NullString.
func Str(s string) NullString { return NullString{String: s, Valid: true} }

// ErrorCode is the error code an acknowledgement carries; Valid is false for
// "no error" (jdiEvent NONE). Zero is a real error code.
type ErrorCode struct {
	Code  int64
	Valid bool
}

// Code returns a present ErrorCode.
func Code(c int64) ErrorCode { return ErrorCode{Code: c, Valid: true} }

// Error codes of note (docs/inputs.md).
const (
	DuplicateEHRError = 12
	SuppressedError   = 15
)

// IsFatalSenderError reports whether c is one of the fatal sender error codes.
func IsFatalSenderError(c ErrorCode) bool {
	if !c.Valid {
		return false
	}
	switch c.Code {
	case 6, 7, 10, 14, 23, 24, 30, 99:
		return true
	}
	return false
}

// Message is one row of the Spine message log.
type Message struct {
	Time           Time
	ConversationID string
	GUID           string
	Interaction    string // the raw interaction id
	Sender         string // ASID, verbatim
	Recipient      string // ASID, verbatim
	MessageRef     string // "" when none (NotProvided or empty in the log)
	Error          ErrorCode
	ToSystem       NullString
	FromSystem     NullString
}

// Kind is the purpose of the message.
func (m *Message) Kind() Kind { return KindOf(m.Interaction) }
