package spine

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestClassifierReuseMatchesClassify classifies every case with one
// Classifier, in order and then in reverse (so that large conversations
// precede small ones), and compares each result with a fresh Classify:
// nothing may leak from one conversation to the next.
func TestClassifierReuseMatchesClassify(t *testing.T) {
	cases := allCases()
	cases = append(cases, tcase{name: "typical", msgs: typicalConversation()}, tcase{name: "copc-50", msgs: largeCOPCConversation()})
	for i := len(cases) - 1; i >= 0; i-- {
		cases = append(cases, cases[i])
	}
	var k Classifier
	for _, tc := range cases {
		want := Classify(Conversation{ID: "c", Messages: slices.Clone(tc.msgs)}, tc.options())
		got := k.Classify(Conversation{ID: "c", Messages: slices.Clone(tc.msgs)}, tc.options())
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty(), cmpopts.IgnoreFields(Rule{}, "When")); diff != "" {
			t.Errorf("%s: reused Classifier differs (-fresh +reused):\n%s", tc.name, diff)
		}
	}
}
