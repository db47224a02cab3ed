package explain

import "github.com/nhsdigital/gp2gp/internal/spine"

// facts lists the derived facts of docs/rules.md in the specification's order.
func facts(f *spine.Facts) []Fact {
	return []Fact{
		{"integrated", f.Integrated, "an effective final ack exists and its error is none or 15"},
		{"concludedWithFailure", f.ConcludedWithFailure, "an effective final ack exists and its error is anything else"},
		{"senderErrorCodes", codes(f.SenderErrorCodes), "the request started's acks' error codes, in pairing order, nulls kept"},
		{"finalErrorCodes", codes(f.FinalErrorCodes), "each core EHR's acks' error codes, core EHRs in map order, nulls kept"},
		{"intermediateErrorCodes", ints(f.IntermediateErrorCodes), "each COPC fragment's acks' error codes, non-null only"},
		{"requestAcknowledged", f.RequestAcknowledged, "the request started has at least one ack"},
		{"senderError", f.SenderError, "some request-started ack has an error"},
		{"fatalSenderError", f.FatalSenderError, "some request-started ack has a fatal code (6, 7, 10, 14, 23, 24, 30, 99)"},
		{"coreEhrSent", f.CoreEHRSent, "there is at least one core EHR"},
		{"copcPresent", f.COPCPresent, "COPC continues or fragments exist"},
		{"ambiguousCopc", f.AmbiguousCOPC, "a final error code is 12, COPC present, and some core EHR has no ack"},
		{"copcError", f.COPCError, "some COPC fragment ack has an error"},
		{"copcNotSent", f.COPCNotSent, "COPC continues exist but no fragments"},
		{"copcUnacknowledged", f.COPCUnacknowledged, "some COPC fragment has no ack"},
	}
}

func codes(cs []spine.ErrorCode) []*int64 {
	out := make([]*int64, len(cs))
	for i, c := range cs {
		if c.Valid {
			v := c.Code
			out[i] = &v
		}
	}
	return out
}

func ints(cs []int64) []*int64 {
	out := make([]*int64, len(cs))
	for i := range cs {
		out[i] = &cs[i]
	}
	return out
}
