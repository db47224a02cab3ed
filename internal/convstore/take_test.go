package convstore

import (
	"math/rand/v2"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	"github.com/nhsdigital/gp2gp/internal/spine"
	"github.com/nhsdigital/gp2gp/internal/spinelog"
)

// TestTakeIsSound takes partitions as they become final from random logs,
// mostly in time order (see orderedRows), asking Settled after each, and
// checks, unless finality was disproved:
//   - a taken partition decodes to the conversations the rows so far make;
//   - every row, earlier or later, of a conversation not taken when
//     Settled returned T is at T or later;
//   - LateConversations names the conversation of every row that came
//     after its partition was final, and no other;
//   - Held is the records of the partitions not taken, and taking a
//     partition frees its records.
//
// Some seeds must take partitions undisproved, and some be disproved, or
// the test proves nothing.
func TestTakeIsSound(t *testing.T) {
	sound, disproved := 0, 0
	for seed := range uint64(60) {
		rng := rand.New(rand.NewPCG(seed, 11))
		rows := orderedRows(rng, 150)
		s := New(Options{PartitionSize: 1 + rng.IntN(6), Cutoff: cutoff})
		size := int(s.size)
		r := s.NewReader()
		part := map[string]int{} // each conversation's partition
		type promise struct {
			t     spine.Time
			taken int
		}
		var promises []promise
		finalAt := []int{} // by partition: the rows added when it became final
		for i := range rows {
			id := string(rows[i].ConversationID)
			if _, ok := part[id]; !ok {
				part[id] = len(part) / size
			}
			if err := s.Add(&rows[i]); err != nil {
				t.Fatal(err)
			}
			for len(finalAt) < s.Final() {
				finalAt = append(finalAt, i+1)
			}
			for !s.Disproved() && s.Taken() < s.Final() {
				before := s.Held()
				b, err := s.Take()
				if err != nil {
					t.Fatal(err)
				}
				if s.Held() >= before {
					t.Fatalf("seed %d: taking partition %d left Held at %d, from %d", seed, b.K, s.Held(), before)
				}
				g := spine.NewGrouper()
				for j := range rows[:finalAt[b.K]] {
					g.Add(message(&rows[j]))
				}
				want := g.Conversations()[b.K*size : min((b.K+1)*size, g.Len())]
				n, err := r.Decode(b)
				if err != nil {
					t.Fatal(err)
				}
				if n != len(want) {
					t.Fatalf("seed %d: partition %d taken: %d conversations, want %d", seed, b.K, n, len(want))
				}
				for c := range n {
					got := r.Conversation(c, nil)
					if got.ID != want[c].ID || len(got.Messages) != len(want[c].Messages) {
						t.Fatalf("seed %d: partition %d taken: conversation %q with %d messages, want %q with %d",
							seed, b.K, got.ID, len(got.Messages), want[c].ID, len(want[c].Messages))
					}
				}
				promises = append(promises, promise{s.Settled(), s.Taken()})
			}
			var held int64
			for _, p := range s.parts {
				held += int64(len(p.buf))
			}
			if held != s.Held() {
				t.Fatalf("seed %d: Held %d, the partitions hold %d", seed, s.Held(), held)
			}
		}
		if s.Disproved() {
			disproved++
			if _, err := s.Take(); err == nil {
				t.Errorf("seed %d: took a partition once disproved", seed)
			}
			continue
		}
		for _, p := range promises {
			for i := range rows {
				if id := string(rows[i].ConversationID); part[id] >= p.taken && rows[i].Time < p.t {
					t.Fatalf("seed %d: row %d of %s (partition %d) is before %v, settled with %d partitions taken", seed, i, id, part[id], p.t, p.taken)
				}
			}
		}
		late := map[[2]int]int{} // by partition and conversation index
		index := map[string]int{}
		for i := range rows {
			id := string(rows[i].ConversationID)
			if _, ok := index[id]; !ok {
				index[id] = len(index) % size
			}
			if k := part[id]; k < len(finalAt) && i >= finalAt[k] {
				late[[2]int{k, index[id]}]++
			}
		}
		for k := range finalAt {
			for _, c := range s.LateConversations(k) {
				late[[2]int{k, int(c)}]--
			}
		}
		for kc, n := range late {
			if n != 0 {
				t.Fatalf("seed %d: partition %d conversation %d: %+d late rows not named by LateConversations", seed, kc[0], kc[1], n)
			}
		}
		if s.Taken() > 0 {
			sound++
			if _, err := r.Read(0); err == nil {
				t.Errorf("seed %d: read a taken partition", seed)
			}
		}
	}
	if sound < 5 || disproved < 5 {
		t.Errorf("%d seeds took partitions undisproved, %d disproved; want 5 of each", sound, disproved)
	}
}

// TestSettledDisproves checks that a row of a partition not taken that is
// earlier than what Settled returned disproves, and one at that time does
// not; and that rows of taken partitions are only checked against their
// bound.
func TestSettledDisproves(t *testing.T) {
	for _, tc := range []struct {
		name      string
		row       spinelog.Row
		disproved bool
	}{
		{"C, at the settled time", finalRow("C", t0+hour+cutoff+1), false},
		{"C, just before", finalRow("C", t0+hour+cutoff), true},
		{"D, new, just before", finalRow("D", t0+hour+cutoff), true},
		{"A, taken, cut off, well before", finalRow("A", t0+cutoff+1), false},
	} {
		s := finalStore(t, "")
		for range 2 {
			if _, err := s.Take(); err != nil {
				t.Fatal(err)
			}
		}
		// C's row is the only one not taken; the latest is FinalSlack past it.
		if got, want := s.Settled(), t0+hour+cutoff+1; got != want {
			t.Fatalf("Settled %v, want C's row's time %v", got, want)
		}
		if err := s.Add(&tc.row); err != nil {
			t.Fatal(err)
		}
		if s.Disproved() != tc.disproved {
			t.Errorf("%s: disproved %v, want %v", tc.name, s.Disproved(), tc.disproved)
		}
	}
}

// TestSettledBeforeAnyRow: with no row yet, nothing is settled (and the
// latest row's time less the slack does not wrap around).
func TestSettledBeforeAnyRow(t *testing.T) {
	s := New(Options{PartitionSize: 1, Cutoff: cutoff})
	defer s.Close()
	if got := s.Settled(); got != minTime {
		t.Errorf("Settled %v before any row, want the earliest time", got)
	}
}

// TestTakeRefuses checks the partitions that cannot be taken.
func TestTakeRefuses(t *testing.T) {
	s := finalStore(t, t.TempDir())
	if _, err := s.Take(); err == nil {
		t.Error("took a partition of a spilled store")
	}
	s = finalStore(t, "")
	for k := range 2 {
		if b, err := s.Take(); err != nil || b.K != k {
			t.Fatalf("take %d: %v, %v", k, b.K, err)
		}
	}
	if _, err := s.Take(); err == nil {
		t.Error("took a partition not final")
	}
	if err := s.Finish(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Take(); err == nil {
		t.Error("took a partition after Finish")
	}
	if n, err := s.NewReader().Read(2); err != nil || n != 1 {
		t.Errorf("partition not taken, read after Finish: %d, %v", n, err)
	}
}

// TestDecodedBufferReused: the buffer of a decoded batch goes to a
// partition to come, and the conversations decoded from it stay whole as
// the new partition's rows overwrite it.
func TestDecodedBufferReused(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 11))
	rows := orderedRows(rng, 400)
	s := New(Options{PartitionSize: 2, Cutoff: cutoff})
	r := s.NewReader()
	decoded := map[*byte]bool{} // the taken batches' buffers
	reused := 0
	var got [][]spine.Conversation // by partition
	finalAt := []int{}
	for i := range rows {
		parts := len(s.parts)
		if err := s.Add(&rows[i]); err != nil {
			t.Fatal(err)
		}
		for _, p := range s.parts[parts:] {
			if decoded[unsafe.SliceData(p.buf[:cap(p.buf)])] {
				reused++
			}
		}
		for len(finalAt) < s.Final() {
			finalAt = append(finalAt, i+1)
		}
		for !s.Disproved() && s.Taken() < s.Final() {
			b, err := s.Take()
			if err != nil {
				t.Fatal(err)
			}
			decoded[unsafe.SliceData(b.data)] = true
			n, err := r.Decode(b)
			if err != nil {
				t.Fatal(err)
			}
			var convs []spine.Conversation
			for c := range n {
				convs = append(convs, r.Conversation(c, nil))
			}
			got = append(got, convs)
		}
	}
	if s.Disproved() || reused == 0 {
		t.Fatalf("disproved %v, %d buffers reused: the test proves nothing", s.Disproved(), reused)
	}
	for k, convs := range got {
		g := spine.NewGrouper()
		for j := range rows[:finalAt[k]] {
			g.Add(message(&rows[j]))
		}
		want := g.Conversations()[2*k : min(2*k+2, g.Len())]
		for c := range convs {
			for i := range convs[c].Messages {
				m := &convs[c].Messages[i]
				m.GUID, m.MessageRef = Text(m.GUID), Text(m.MessageRef)
			}
		}
		if diff := cmp.Diff(want, convs); diff != "" {
			t.Fatalf("partition %d, decoded before its buffer was reused (-want +got):\n%s", k, diff)
		}
	}
}
