package spine

// Rule is one row of the outcome table (docs/rules.md §9). The first rule
// whose When holds decides a transfer's status and failure reason.
type Rule struct {
	ID        string // the row's number in docs/rules.md §9: "1", "1b", "2", "3a", …
	Condition string // the condition in words
	Status    Status
	Reason    string // "" = null
	When      func(*Facts) bool
}

// eightDays is the integration SLA: 8 days, inclusive.
const eightDays = 8 * Day

// Rules is the outcome table, in the order it is applied. Change a rule here
// and nowhere else: classification, explain and the tests all read it.
var Rules = []Rule{
	{"1", "integrated and SLA ≤ 8 days", IntegratedOnTime, "",
		func(f *Facts) bool { return f.Integrated && f.SLA <= eightDays }},
	{"1b", "integrated, SLA > 8 days", ProcessFailure, ReasonIntegratedLate,
		func(f *Facts) bool { return f.Integrated }},
	{"2", "concluded with failure", TechnicalFailure, ReasonFinalError,
		func(f *Facts) bool { return f.ConcludedWithFailure }},
	{"3a", "COPC present and ambiguous COPC", UnclassifiedFailure, ReasonAmbiguousCOPC,
		func(f *Facts) bool { return f.COPCPresent && f.AmbiguousCOPC }},
	{"3b", "COPC present, COPC error and no fragment unacknowledged", UnclassifiedFailure, ReasonTransferredWithError,
		func(f *Facts) bool { return f.COPCPresent && f.COPCError && !f.COPCUnacknowledged }},
	{"3c", "COPC present and COPC not sent", TechnicalFailure, ReasonCOPCNotSent,
		func(f *Facts) bool { return f.COPCPresent && f.COPCNotSent }},
	{"3d", "COPC present and some fragment unacknowledged", TechnicalFailure, ReasonCOPCNotAcknowledged,
		func(f *Facts) bool { return f.COPCPresent && f.COPCUnacknowledged }},
	{"3e", "COPC present otherwise", ProcessFailure, ReasonTransferredNotIntegrated,
		func(f *Facts) bool { return f.COPCPresent }},
	{"4", "fatal sender error", TechnicalFailure, ReasonFatalSenderError,
		func(f *Facts) bool { return f.FatalSenderError }},
	{"5", "request started has no ack", TechnicalFailure, ReasonRequestNotAcknowledged,
		func(f *Facts) bool { return !f.RequestAcknowledged }},
	{"6", "no core EHR", TechnicalFailure, ReasonCoreExtractNotSent,
		func(f *Facts) bool { return !f.CoreEHRSent }},
	{"7", "core EHR present and some request-started ack has an error", UnclassifiedFailure, ReasonTransferredWithError,
		func(f *Facts) bool { return f.CoreEHRSent && f.SenderError }},
	{"8", "otherwise", ProcessFailure, ReasonTransferredNotIntegrated,
		func(*Facts) bool { return true }},
}

// decide returns the first rule whose condition holds.
func decide(f *Facts) *Rule {
	last := len(Rules) - 1
	for i := range Rules[:last] {
		if Rules[i].When(f) {
			return &Rules[i]
		}
	}
	return &Rules[last] // "otherwise"
}
