package spine

// Status is the outcome class of a transfer (docs/rules.md).
type Status string

const (
	IntegratedOnTime    Status = "INTEGRATED_ON_TIME"
	ProcessFailure      Status = "PROCESS_FAILURE"
	TechnicalFailure    Status = "TECHNICAL_FAILURE"
	UnclassifiedFailure Status = "UNCLASSIFIED_FAILURE"
)

// Failure reasons (docs/rules.md). The empty string means none (null).
const (
	ReasonIntegratedLate           = "Integrated Late"
	ReasonFinalError               = "Final Error"
	ReasonAmbiguousCOPC            = "Ambiguous COPC messages"
	ReasonTransferredWithError     = "Transferred, not integrated, with error"
	ReasonCOPCNotSent              = "COPC(s) not sent"
	ReasonCOPCNotAcknowledged      = "COPC(s) not Acknowledged"
	ReasonTransferredNotIntegrated = "Transferred, not integrated"
	ReasonFatalSenderError         = "Contains Fatal Sender Error"
	ReasonRequestNotAcknowledged   = "Request not Acknowledged"
	ReasonCoreExtractNotSent       = "Core Extract not Sent"
)

// Transfer is one row of transfers.parquet (docs/outputs.md).
type Transfer struct {
	ConversationID string
	// SLA is the exact SLA duration in microseconds (never negative);
	// HasSLA is false when there is no effective final acknowledgement.
	SLA                    Time
	HasSLA                 bool
	RequestingASID         string
	SendingASID            string
	RequestingSupplier     NullString // the request started's fromSystem
	SendingSupplier        NullString // the request started's toSystem
	SenderErrorCodes       []ErrorCode
	FinalErrorCodes        []ErrorCode
	IntermediateErrorCodes []int64
	Status                 Status
	FailureReason          string // "" = null
	DateRequested          Time
	DateCompleted          Time
	HasDateCompleted       bool
}

// SLASeconds is the SLA in whole seconds, rounded half to even as Python's
// round() does; ok is false when the transfer has no SLA.
func (t *Transfer) SLASeconds() (secs uint64, ok bool) {
	if !t.HasSLA {
		return 0, false
	}
	return uint64(roundHalfEven(int64(t.SLA), int64(Second))), true
}

// roundHalfEven divides n (≥ 0) by d, rounding ties to the even quotient.
func roundHalfEven(n, d int64) int64 {
	q, r := n/d, n%d
	switch {
	case 2*r > d:
		q++
	case 2*r == d && q%2 == 1:
		q++
	}
	return q
}

// Integrated reports whether the transfer counts as successfully integrated
// for the metrics: on time, or late (docs/outputs.md).
func (t *Transfer) Integrated() bool {
	return (t.Status == IntegratedOnTime && t.HasSLA) ||
		(t.Status == ProcessFailure && t.FailureReason == ReasonIntegratedLate)
}
