package v12

import (
	"fmt"
	"time"
)

// Status is a v11 transfer's status (SPEC-SUCCESSOR §2.3).
type Status uint8

// The statuses, as the successor classifier spells them.
const (
	IntegratedOnTime Status = iota + 1
	TechnicalFailure
	ProcessFailure
	UnclassifiedFailure
)

var statusNames = [...]string{
	IntegratedOnTime:    "Integrated on time",
	TechnicalFailure:    "Technical failure",
	ProcessFailure:      "Process failure",
	UnclassifiedFailure: "Unclassified failure",
}

// String returns the status as the v11 table spells it.
func (s Status) String() string {
	if int(s) < len(statusNames) && s != 0 {
		return statusNames[s]
	}
	return fmt.Sprintf("Status(%d)", s)
}

// ParseStatus reads a v11 status string. Anything else, the 2021 (v4)
// spellings included, is an error, as the reference's
// UnexpectedTransferOutcome was.
func ParseStatus(s string) (Status, error) {
	for i, n := range statusNames {
		if n != "" && n == s {
			return Status(i), nil
		}
	}
	return 0, fmt.Errorf("unknown status %q", s)
}

// Reason is a v11 transfer's failure reason; NoReason is null.
type Reason uint8

// The failure reasons, as the successor classifier spells them.
const (
	NoReason Reason = iota
	IntegratedLate
	TransferredNotIntegrated
	FinalError
	RequestNotAcknowledged
	CoreExtractNotSent
	ContainsFatalSenderError
	COPCNotSent
	COPCNotAcknowledged
	TransferredNotIntegratedWithError
	AmbiguousCOPCs
)

var reasonNames = [...]string{
	IntegratedLate:                    "Integrated late",
	TransferredNotIntegrated:          "Transferred, not integrated",
	FinalError:                        "Final error",
	RequestNotAcknowledged:            "Request not acknowledged",
	CoreExtractNotSent:                "Core extract not sent",
	ContainsFatalSenderError:          "Contains fatal sender error",
	COPCNotSent:                       "COPC(s) not sent",
	COPCNotAcknowledged:               "COPC(s) not acknowledged",
	TransferredNotIntegratedWithError: "Transferred, not integrated, with error",
	AmbiguousCOPCs:                    "Ambiguous COPC messages",
}

// String returns the reason as the v11 table spells it; "" for NoReason.
func (r Reason) String() string {
	if int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return fmt.Sprintf("Reason(%d)", r)
}

// ParseReason reads a v11 failure reason. The empty string is null
// (NoReason), as the reference read it; an unknown reason is an error.
func ParseReason(s string) (Reason, error) {
	if s == "" {
		return NoReason, nil
	}
	for i, n := range reasonNames {
		if n != "" && n == s {
			return Reason(i), nil
		}
	}
	return 0, fmt.Errorf("unknown failure reason %q", s)
}

// Optional is a string column's value that may be null.
type Optional struct {
	Value string
	Valid bool
}

// Some is a present value.
func Some(s string) Optional { return Optional{Value: s, Valid: true} }

// Transfer is what the metrics use of one row of a v11 table.
type Transfer struct {
	// SLADuration is sla_duration in seconds; HasSLA is false when null.
	SLADuration uint64
	HasSLA      bool
	Status      Status
	Reason      Reason
	// DateRequested is the request's time; its UTC month is the
	// transfer's month.
	DateRequested time.Time
	// The requesting practice's ODS code and name, and its Sub-ICB
	// location's ODS code and name.
	ODSCode, Name, SICBLCode, SICBLName Optional
}

// SLA band limits in seconds, inclusive (SPEC-SUCCESSOR §3.5).
const (
	ThreeDays = 3 * 24 * 60 * 60 // 259,200
	EightDays = 8 * 24 * 60 * 60 // 691,200
)

// outcome is where a transfer counts.
type outcome uint8

const (
	onTime outcome = iota
	late
	notIntegrated // transferred, not integrated
	technical
	unclassified
	otherProcess // a process failure with any other reason: counted as requested only
)

func outcomeOf(t *Transfer) outcome {
	switch t.Status {
	case IntegratedOnTime:
		return onTime
	case TechnicalFailure:
		return technical
	case UnclassifiedFailure:
		return unclassified
	}
	switch t.Reason {
	case IntegratedLate:
		return late
	case TransferredNotIntegrated:
		return notIntegrated
	}
	return otherProcess
}
