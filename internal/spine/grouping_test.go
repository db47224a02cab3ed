package spine

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestGrouper(t *testing.T) {
	msg := func(conv, guid string, t Time) Message {
		m := req(guid, t)
		m.ConversationID = conv
		return m
	}
	input := []Message{
		msg("b", "b1", m(5)),
		msg("a", "a1", m(3)),
		msg("b", "b2", m(1)), // earlier than b1: grouping keeps input order
		msg("c", "c1", m(0)),
		msg("a", "a2", m(3)),
		msg("b", "b3", m(1)),
	}
	g := NewGrouper()
	if g.Len() != 0 || len(g.Conversations()) != 0 {
		t.Fatalf("new grouper has %d conversations", g.Len())
	}
	for _, m := range input {
		g.Add(m)
	}
	want := []Conversation{
		{ID: "b", Messages: []Message{input[0], input[2], input[5]}},
		{ID: "a", Messages: []Message{input[1], input[4]}},
		{ID: "c", Messages: []Message{input[3]}},
	}
	if diff := cmp.Diff(want, g.Conversations()); diff != "" {
		t.Errorf("conversations (-want +got):\n%s", diff)
	}
	if g.Len() != 3 {
		t.Errorf("Len() = %d, want 3", g.Len())
	}

	// Classify then sorts each conversation by time, ties in input order.
	c := Classify(g.Conversations()[0], window)
	var got []string
	for _, m := range c.Messages {
		got = append(got, m.GUID)
	}
	if diff := cmp.Diff([]string{"b2", "b3", "b1"}, got); diff != "" {
		t.Errorf("sorted conversation b (-want +got):\n%s", diff)
	}
}

func TestGrouperEmptyConversationID(t *testing.T) {
	g := NewGrouper()
	a, b := req("x", m(0)), req("y", m(1))
	a.ConversationID, b.ConversationID = "", ""
	g.Add(a)
	g.Add(b)
	if g.Len() != 1 || len(g.Conversations()[0].Messages) != 2 {
		t.Errorf("empty conversation id: %d conversations", g.Len())
	}
}

func TestKindOf(t *testing.T) {
	tests := map[string]Kind{
		"urn:nhs:names:services:gp2gp/RCMR_IN010000UK05": RequestStarted,
		"urn:nhs:names:services:gp2gp/RCMR_IN030000UK06": RequestCompleted,
		"urn:nhs:names:services:gp2gp/MCCI_IN010000UK13": Acknowledgement,
		"urn:nhs:names:services:gp2gp/COPC_IN000001UK01": COPC,
		"urn:nhs:names:services:lrs/MCCI_IN010000UK13":   Unknown,
		"MCCI_IN010000UK13": Unknown,
		"urn:nhs:names:services:gp2gp/mcci_in010000uk13": Unknown,
		"": Unknown,
		// Near misses of the same length, each differing where KindOf
		// looks first or only later.
		"urn:nhs:names:services:gp2gp/RCMR_IN020000UK05":  Unknown,
		"urn:nhs:names:services:gp2gp/RCMR_IN010000UK06":  Unknown,
		"urn:nhs:names:services:gp2gp/RCMR_IN030000UK05":  Unknown,
		"urn:nhs:names:services:gp2gp/MCCI_IN010000UK05":  Unknown,
		"urn:nhs:names:services:gp2gp/COPC_IN000001UK13":  Unknown,
		"urn:nhs:names:services:gp2gq/COPC_IN000001UK01":  Unknown,
		"urx:nhs:names:services:gp2gp/RCMR_IN010000UK05":  Unknown,
		"urn:nhs:names:services:gp2gp/XCMR_IN010000UK05":  Unknown,
		"urn:nhs:names:services:gp2gp/RCMR_IN010000UK05 ": Unknown,
	}
	for id, want := range tests {
		if got := KindOf(id); got != want {
			t.Errorf("KindOf(%q) = %v, want %v", id, got, want)
		}
	}
}

func TestIsFatalSenderError(t *testing.T) {
	fatal := map[int64]bool{6: true, 7: true, 10: true, 14: true, 23: true, 24: true, 30: true, 99: true}
	for c := int64(-5); c <= 200; c++ {
		if got := IsFatalSenderError(Code(c)); got != fatal[c] {
			t.Errorf("IsFatalSenderError(%d) = %v", c, got)
		}
	}
	if IsFatalSenderError(ErrorCode{Code: 30}) {
		t.Errorf("a null error code is fatal")
	}
}
