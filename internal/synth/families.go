package synth

// Expected outcomes (docs/rules.md).
const (
	onTime       = "INTEGRATED_ON_TIME"
	process      = "PROCESS_FAILURE"
	technical    = "TECHNICAL_FAILURE"
	unclassified = "UNCLASSIFIED_FAILURE"

	late            = "Integrated Late"
	finalError      = "Final Error"
	ambiguous       = "Ambiguous COPC messages"
	withError       = "Transferred, not integrated, with error"
	copcNotSent     = "COPC(s) not sent"
	copcNotAcked    = "COPC(s) not Acknowledged"
	notIntegrated   = "Transferred, not integrated"
	fatalSender     = "Contains Fatal Sender Error"
	requestNotAcked = "Request not Acknowledged"
	coreNotSent     = "Core Extract not Sent"
)

// family is a kind of conversation and the outcome it is built to have,
// assuming a 14-day conversation cutoff.
type family struct {
	name   string
	weight int    // share of the metric month's conversations, per 100,000
	status string // "" when the conversation is not a transfer of the month
	reason string
	build  func(c *conv, s int64)
	exact  bool // depends on the exact order of rows in the log
	margin bool // needs its start well before the end of the month
}

// cutoff is the conversation cutoff the expected outcomes assume.
const cutoff = 14 * msDay

// metricFamilies are the conversations that start in the metric month.
var metricFamilies = []family{
	{name: "integrated_3d", weight: 47000, status: onTime, build: integrated(within3Days, false, false)},
	{name: "integrated_3d_copc", weight: 12500, status: onTime, build: integrated(within3Days, true, false)},
	{name: "integrated_8d", weight: 7000, status: onTime, build: integrated(within8Days, false, false)},
	{name: "integrated_8d_copc", weight: 2000, status: onTime, build: integrated(within8Days, true, false)},
	{name: "integrated_late", weight: 1800, status: process, reason: late, build: integrated(beyond8Days, false, false)},
	{name: "integrated_late_copc", weight: 600, status: process, reason: late, build: integrated(beyond8Days, true, false)},
	{name: "suppressed_15", weight: 2000, status: onTime, build: suppressed},
	{name: "integrated_after_duplicate_ehr", weight: 800, status: onTime, build: afterDuplicateEHR},
	{name: "integrated_copc_with_fragment_errors", weight: 500, status: onTime, build: integrated(within3Days, true, true)},
	{name: "two_ehrs:second_ok_before_first_failed", weight: 200, status: onTime, build: twoEHRs},
	{name: "conflicting_acks_same_ehr:ok_last", weight: 200, status: onTime, build: conflictingAcks},
	{name: "final_error", weight: 1600, status: technical, reason: finalError, build: finalErrorFamily(false)},
	{name: "final_error_copc", weight: 500, status: technical, reason: finalError, build: finalErrorFamily(true)},
	{name: "copc:ambiguous_duplicate_ehr", weight: 400, status: unclassified, reason: ambiguous, build: ambiguousCOPC},
	{name: "copc:fragment_error", weight: 600, status: unclassified, reason: withError, build: pendingCOPC(-1, 0)},
	{name: "copc:not_sent", weight: 800, status: technical, reason: copcNotSent, build: copcNotSentFamily},
	{name: "copc:not_acked", weight: 1200, status: technical, reason: copcNotAcked, build: pendingCOPC(0, -1)},
	{name: "copc:pending_acked", weight: 1500, status: process, reason: notIntegrated, build: pendingCOPC(-1, -1)},
	{name: "fatal_sender_error", weight: 1200, status: technical, reason: fatalSender, build: senderError(true)},
	{name: "request_not_acknowledged", weight: 2000, status: technical, reason: requestNotAcked, build: requestNotAcknowledged(false)},
	{name: "request_not_acknowledged_with_ehr", weight: 500, status: technical, reason: requestNotAcked, build: requestNotAcknowledged(true)},
	{name: "ack_without_message:request_unacked", weight: 300, status: technical, reason: requestNotAcked, build: danglingRequestAck},
	{name: "core_ehr_not_sent", weight: 2300, status: technical, reason: coreNotSent, build: coreEHRNotSent},
	{name: "ehr_with_nonfatal_sender_error", weight: 1200, status: unclassified, reason: withError, build: senderError(false)},
	{name: "pending_core_ehr_sent", weight: 3000, status: process, reason: notIntegrated, build: pendingEHR},
	{name: "duplicate_ehr_acked_waiting", weight: 400, status: process, reason: notIntegrated, build: duplicateEHRWaiting},
	{name: "duplicate_request_row_after_ack", weight: 400, status: onTime, build: duplicateRequestRow, margin: true},
	{name: "duplicate_ehr_row_after_ack", weight: 300, status: process, reason: notIntegrated, build: duplicateEHRRow},
	{name: "ack_before_message", weight: 300, status: process, reason: notIntegrated, build: ackBeforeMessage},
	{name: "timestamp_tie:benign", weight: 300, status: onTime, build: tie(false), exact: true},
	{name: "timestamp_tie:ack_first", weight: 200, status: process, reason: notIntegrated, build: tie(true), exact: true},
	{name: "unknown_interaction_inside", weight: 500, status: onTime, build: unknownInside},
	{name: "second_request_started", weight: 200, status: onTime, build: secondRequest},
	{name: "copc_from_third_asid", weight: 200, status: onTime, build: thirdPartyCOPC},
	{name: "requester_asid_equals_sender_asid", weight: 100, status: onTime, build: sameASIDs},
	{name: "rows_out_of_time_order", weight: 1000, status: onTime, build: outOfOrder},
	{name: "first_message_not_request:ehr_first", weight: 200, build: ehrFirst},
	{name: "first_message_not_request:ack_only", weight: 200, build: ackOnly},
	{name: "first_message_not_request:unknown_first", weight: 200, build: unknownFirst},
	{name: "beyond_cutoff:late_ack", weight: 300, status: process, reason: notIntegrated, build: ackAfter(func(g *generator) int64 { return cutoff + g.between(msHour, 4*msDay) })},
	{name: "beyond_cutoff:exactly_14d", weight: 100, status: process, reason: late, build: ackAfter(func(*generator) int64 { return cutoff })},
	{name: "beyond_cutoff:14d+1ms", weight: 100, status: process, reason: notIntegrated, build: ackAfter(func(*generator) int64 { return cutoff + 1 })},
	{name: "sla_boundary:3d", weight: 50, status: onTime, build: exactSLA(3 * msDay)},
	{name: "sla_boundary:8d", weight: 50, status: onTime, build: exactSLA(8 * msDay)},
	{name: "sla_boundary:8d+1ms", weight: 50, status: process, reason: late, build: exactSLA(8*msDay + 1)},
	{name: "sla_boundary:0", weight: 50, status: onTime, build: exactSLA(0), exact: true},
}

// Conversations placed at the edges of the months.
var (
	firstMillisecond  = family{name: "month_boundary:first_ms", status: onTime, build: integrated(within3Days, false, false)}
	lastMillisecond   = family{name: "month_boundary:last_ms", status: onTime, build: integrated(within3Days, false, false)}
	nextMonth         = family{name: "month_boundary:next_month_first_ms", build: integrated(within3Days, false, false)}
	previousMonth     = family{name: "started_previous_month:truncated", build: truncated}
	previousMonthCOPC = family{name: "started_previous_month:truncated_copc", build: truncatedCOPC}
	overflowMonth     = []family{
		{name: "started_overflow_month:integrated", weight: 75, build: integrated(within3Days, false, false)},
		{name: "started_overflow_month:copc", weight: 15, build: integrated(within3Days, true, false)},
		{name: "started_overflow_month:pending", weight: 10, build: pendingEHR},
	}
)
