package explain

import "github.com/nhsdigital/gp2gp/internal/spine"

// errorMeanings are the GP2GP acknowledgement error codes (the GP2GP
// specification's error code table), in words.
var errorMeanings = map[int64]string{
	6:  "Patient not at surgery",
	7:  "GP2GP messaging is not enabled on this system",
	9:  "EHR Extract received without corresponding request",
	10: "Failed to successfully generate EHR Extract",
	11: "Failed to successfully integrate EHR Extract",
	12: "Duplicate EHR Extract received",
	13: "The system's configuration prevents it from processing this message",
	14: "Message not sent because requesting practice is not Large Message compliant",
	15: "A-B-A EHR Extract received and stored as suppressed record",
	17: "A-B-A EHR Extract received and rejected due to wrong record or wrong patient",
	18: "Request message not well-formed or not able to be processed",
	19: "Sender check indicates that requester is not the patient's current healthcare provider",
	20: "Spine system responded with an error",
	21: "EHR Extract message not well-formed or not able to be processed",
	23: "Message not sent because sending practice is not Large Message compliant",
	24: "SDS lookup provided zero or more than one result to the query for each interaction",
	25: "Large messages rejected due to timeout duration reached of overall transfer",
	26: "Returning patient EHR Extract received and filed as an attachment",
	28: "Non A-B-A EHR Extract received and rejected due to wrong record or wrong patient",
	29: "Large Message re-assembly failure",
	30: "Large Message general failure",
	31: "The overall EHR Extract has been rejected because one or more attachments via Large Messages were not received",
	99: "Unexpected condition",
}

// ErrorMeaning describes an acknowledgement's error code in words, noting
// how the pipeline treats it: 12 (duplicate EHR), 15 (suppressed, counts as
// success) and the fatal sender errors.
func ErrorMeaning(c spine.ErrorCode) string {
	if !c.Valid {
		return "no error"
	}
	m, ok := errorMeanings[c.Code]
	if !ok {
		m = "unknown error code"
	}
	switch {
	case c.Code == spine.DuplicateEHRError:
		m += " (duplicate EHR)"
	case c.Code == spine.SuppressedError:
		m += " (error suppressed: counts as success)"
	case spine.IsFatalSenderError(c):
		m += " (fatal sender error)"
	}
	return m
}
