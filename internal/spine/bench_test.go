package spine

import (
	"fmt"
	"testing"
)

// typicalConversation is a 10-message transfer with a small COPC exchange,
// logged slightly out of time order as Spine logs are.
func typicalConversation() []Message {
	return seq(
		req("R", m(0)), ehr("E", m(60)), ack("R", m(1)),
		cont("C", m(61)), frag("F1", m(62)), ack("F1", m(63)),
		frag("F2", m(64)), ack("E", m(120)), ack("F2", m(65)), ack("C", m(62)),
	)
}

// largeCOPCConversation is a transfer with 50 acknowledged fragments.
func largeCOPCConversation() []Message {
	msgs := seq(req("R", m(0)), ack("R", m(1)), ehr("E", m(60)), cont("C", m(61)))
	for i := range 50 {
		g := fmt.Sprintf("F%02d", i)
		msgs = append(msgs, ack(g, m(63+2*i)), frag(g, m(62+2*i)))
	}
	return append(msgs, ack("E", m(200)))
}

func BenchmarkClassify(b *testing.B) {
	for _, bc := range []struct {
		name string
		msgs []Message
	}{
		{"typical-10", typicalConversation()},
		{"copc-50-fragments", largeCOPCConversation()},
	} {
		b.Run(bc.name, func(b *testing.B) {
			work := make([]Message, len(bc.msgs))
			b.ReportAllocs()
			for b.Loop() {
				copy(work, bc.msgs) // Classify sorts in place: restore the input order
				if c := Classify(Conversation{ID: "c", Messages: work}, window); c.Rule == nil {
					b.Fatal("not classified")
				}
			}
		})
		b.Run(bc.name+"/reused-classifier", func(b *testing.B) {
			work := make([]Message, len(bc.msgs))
			var k Classifier
			b.ReportAllocs()
			for b.Loop() {
				copy(work, bc.msgs)
				if c := k.Classify(Conversation{ID: "c", Messages: work}, window); c.Rule == nil {
					b.Fatal("not classified")
				}
			}
		})
	}
}

// TestBenchmarkConversations makes sure the benchmarks measure the intended outcomes.
func TestBenchmarkConversations(t *testing.T) {
	tcase{name: "typical", msgs: typicalConversation(), rule: "1"}.run(t)
	tcase{name: "copc", msgs: largeCOPCConversation(), rule: "1",
		check: func(t *testing.T, c *Classification) {
			if len(c.Roles.Fragments) != 50 {
				t.Errorf("%d fragments, want 50", len(c.Roles.Fragments))
			}
		}}.run(t)
}
