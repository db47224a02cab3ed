package classifyrun

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/nhsdigital/gp2gp/internal/output"
	"github.com/nhsdigital/gp2gp/internal/spine"
)

// TestFileSink: the spilled transfers come back as they went in, by day,
// in order.
func TestFileSink(t *testing.T) {
	full := output.V11Transfer{
		Transfer: &spine.Transfer{ConversationID: "c1", SLA: 123456789, HasSLA: true, RequestingASID: "111", SendingASID: "222",
			RequestingSupplier: spine.Str("A"), SendingSupplier: spine.Str(""), SenderErrorCodes: []spine.ErrorCode{{}, spine.Code(-3)},
			FinalErrorCodes: []spine.ErrorCode{spine.Code(30)}, IntermediateErrorCodes: []int64{1, 99},
			Status: spine.TechnicalFailure, FailureReason: spine.ReasonFinalError, DateRequested: -5, DateCompleted: 1 << 60, HasDateCompleted: true},
		Requesting:        &output.V11Practice{ASID: "111", Known: true, InSICBL: true, ODSCode: "A1", Name: "Ñame", SICBLCode: "S", SICBLName: "Sub"},
		Sending:           &output.V11Practice{ASID: "222", Known: true, ODSCode: "B", Name: ""},
		LastSenderMessage: 42, HasLastSender: true,
	}
	empty := output.V11Transfer{Transfer: &spine.Transfer{ConversationID: "c2", Status: spine.IntegratedOnTime}, Requesting: &output.V11Practice{}, Sending: &output.V11Practice{}}
	s, err := newFileSink(t.TempDir(), 3)
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	for _, a := range []struct {
		day int
		t   output.V11Transfer
	}{{2, full}, {0, empty}, {2, empty}, {2, full}} {
		if err := s.add(a.day, &a.t); err != nil {
			t.Fatal(err)
		}
	}
	want := [][]output.V11Transfer{{empty}, nil, {full, empty, full}}
	for i, w := range want {
		got, err := s.take(i)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(w, got, cmpopts.EquateEmpty()); d != "" {
			t.Errorf("day %d (-want +got):\n%s", i, d)
		}
	}
	b := appendTransfer(nil, &full)
	for n := range len(b) {
		if _, err := decodeTransfer(b[:n]); err == nil {
			t.Errorf("a record cut to %d of %d bytes decodes", n, len(b))
		}
	}
}
