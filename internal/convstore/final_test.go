package convstore

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/nhsdigital/gp2gp/internal/spine"
	"github.com/nhsdigital/gp2gp/internal/spinelog"
)

const (
	cutoff = spine.Day
	hour   = 3600 * spine.Second
	t0     = spine.Time(1_575_158_400_000) // 2019-12-01
)

// finalRow is a row of conversation conv at time t.
func finalRow(conv string, t spine.Time) spinelog.Row {
	return spinelog.Row{Time: t, ConversationID: []byte(conv), GUID: fmt.Appendf(nil, "%s-%d", conv, t),
		Interaction: []byte(spine.RequestStartedID), Sender: []byte("1"), Recipient: []byte("2")}
}

// finalStore adds to a store, one conversation a partition, with a cutoff of
// a day: A at t0, B an hour later, then C far enough on to make A's and
// B's partitions final.
func finalStore(t *testing.T, dir string) *Store {
	t.Helper()
	s := New(Options{PartitionSize: 1, Dir: dir, Cutoff: cutoff})
	t.Cleanup(s.Close)
	for _, r := range []spinelog.Row{finalRow("A", t0), finalRow("B", t0+hour), finalRow("C", t0+hour+cutoff+FinalSlack+1)} {
		if err := s.Add(&r); err != nil {
			t.Fatal(err)
		}
	}
	if s.Final() != 2 {
		t.Fatalf("%d partitions final, want A's and B's", s.Final())
	}
	return s
}

// TestFinalBoundary checks which rows of a final partition are proved cut
// off. SPEC §4.2 keeps a message exactly the cutoff after its
// conversation's first: such a row must disprove finality, not be counted
// late. The bound of a partition is the latest first-seen time of it and
// every partition before it, plus the cutoff: B's is an hour later than A's.
func TestFinalBoundary(t *testing.T) {
	for _, tc := range []struct {
		name      string
		row       spinelog.Row
		disproved bool
		late      int // of A's and B's partitions
	}{
		{"A, exactly the cutoff after its first", finalRow("A", t0+cutoff), true, 0},
		{"A, just after the cutoff", finalRow("A", t0+cutoff+1), false, 1},
		{"A, before its partition's bound", finalRow("A", t0+cutoff-1), true, 0},
		{"B, exactly the cutoff after its first", finalRow("B", t0+hour+cutoff), true, 0},
		{"B, just after the cutoff", finalRow("B", t0+hour+cutoff+1), false, 1},
		// A's partition's bound is its own first-seen time: an hour past
		// B's bound is well past A's.
		{"A, just after B's bound", finalRow("A", t0+hour+cutoff+1), false, 1},
		{"C, not final", finalRow("C", t0), false, 0},
	} {
		for _, spilled := range []bool{false, true} {
			dir := ""
			if spilled {
				dir = t.TempDir()
			}
			s := finalStore(t, dir)
			if err := s.Add(&tc.row); err != nil {
				t.Fatal(err)
			}
			if s.Disproved() != tc.disproved || s.Late(2) != tc.late {
				t.Errorf("%s, spilled %v: disproved %v, %d late; want %v, %d", tc.name, spilled, s.Disproved(), s.Late(2), tc.disproved, tc.late)
			}
		}
	}
}

// TestLastPartitionNotFinal checks that the last partition is never
// final, however far past its bound the rows are: it may still get new
// conversations, whose rows are not cut off.
func TestLastPartitionNotFinal(t *testing.T) {
	s := New(Options{PartitionSize: 3, Cutoff: cutoff})
	defer s.Close()
	for _, r := range []spinelog.Row{finalRow("A", t0), finalRow("B", t0+1), finalRow("A", t0+10*cutoff)} {
		if err := s.Add(&r); err != nil {
			t.Fatal(err)
		}
	}
	if s.Final() != 0 {
		t.Errorf("%d partitions final, want none: a third conversation may join A and B", s.Final())
	}
}

// TestFinalSlack checks that a partition becomes final only once the rows
// are more than FinalSlack past its bound, and that once disproved no
// partition becomes final.
func TestFinalSlack(t *testing.T) {
	s := New(Options{PartitionSize: 1, Cutoff: cutoff})
	defer s.Close()
	add := func(r spinelog.Row) {
		t.Helper()
		if err := s.Add(&r); err != nil {
			t.Fatal(err)
		}
	}
	add(finalRow("A", t0))
	add(finalRow("B", t0+cutoff+FinalSlack)) // exactly the slack past A's bound
	if s.Final() != 0 {
		t.Fatalf("%d partitions final at exactly the slack past the bound, want none", s.Final())
	}
	add(finalRow("B", t0+cutoff+FinalSlack+1))
	if s.Final() != 1 {
		t.Fatalf("%d partitions final past the slack, want A's", s.Final())
	}
	add(finalRow("A", t0+cutoff)) // disproves
	add(finalRow("C", t0+10*cutoff+10*FinalSlack))
	if !s.Disproved() || s.Final() != 1 {
		t.Errorf("disproved %v, %d final; want true, still 1", s.Disproved(), s.Final())
	}
	if s.Late(100) != 0 || s.Late(-1) != 0 {
		t.Errorf("Late out of range: %d, %d", s.Late(100), s.Late(-1))
	}
}

// TestReadFinal checks reading final partitions while rows are still being
// added: a final partition gives its rows as they were when it became
// final, without the later ones, and keeps them; one not final cannot be
// read; after Finish each partition gives all its rows.
func TestReadFinal(t *testing.T) {
	for _, spilled := range []bool{false, true} {
		dir := ""
		if spilled {
			dir = t.TempDir()
		}
		s := finalStore(t, dir)
		late := finalRow("A", t0+cutoff+1)
		if err := s.Add(&late); err != nil {
			t.Fatal(err)
		}
		r := s.NewReader()
		if !s.Ready(0) && !spilled {
			t.Errorf("spilled %v: partition 0 not ready", spilled)
		}
		for range 2 { // read twice: the store keeps the rows
			n, err := r.Read(0)
			if err != nil {
				t.Fatal(err)
			}
			if c := r.Conversation(0, nil); n != 1 || c.ID != "A" || len(c.Messages) != 1 {
				t.Errorf("spilled %v: early read of A's partition: %d conversations, %+v; want A's first row only", spilled, n, c)
			}
		}
		if _, err := r.Read(2); err == nil {
			t.Errorf("spilled %v: read a partition not final", spilled)
		}
		if _, err := r.Read(3); err == nil {
			t.Errorf("spilled %v: read a partition that does not exist", spilled)
		}
		if err := s.Finish(); err != nil {
			t.Fatal(err)
		}
		if err := s.Add(&late); err == nil {
			t.Errorf("spilled %v: row added after Finish", spilled)
		}
		got := readAll(t, s)
		if len(got) != 3 || len(got[0].Messages) != 2 {
			t.Errorf("spilled %v: after Finish, %d conversations, A with %d messages; want 3, 2", spilled, len(got), len(got[0].Messages))
		}
	}
}

// TestFinalIsSound checks finality on random logs, mostly in time order,
// some rows displaced by up to two days: a final partition read early
// gives exactly the rows it had then, and unless finality was disproved,
// every row of its conversations that came later is more than the cutoff
// after the conversation's first message (SPEC §4.2's cut off), so
// classifying it early changes nothing. Some seeds must make partitions
// final and not be disproved, and some be disproved, or the test proves
// nothing.
func TestFinalIsSound(t *testing.T) {
	sound, disproved := 0, 0
	for seed := range uint64(40) {
		rng := rand.New(rand.NewPCG(seed, 7))
		rows := orderedRows(rng, 150)
		s := New(Options{PartitionSize: 1 + rng.IntN(6), Cutoff: cutoff})
		r := s.NewReader()
		finalAt := []int{} // by partition: the rows added when it became final
		for i := range rows {
			if err := s.Add(&rows[i]); err != nil {
				t.Fatal(err)
			}
			for len(finalAt) < s.Final() {
				k := len(finalAt)
				finalAt = append(finalAt, i+1)
				g := spine.NewGrouper()
				for j := range rows[:i+1] {
					g.Add(message(&rows[j]))
				}
				n, err := r.Read(k)
				if err != nil {
					t.Fatal(err)
				}
				size := int(s.size)
				want := g.Conversations()[k*size : min((k+1)*size, g.Len())]
				if n != len(want) {
					t.Fatalf("seed %d: partition %d read early: %d conversations, want %d", seed, k, n, len(want))
				}
				for c := range n {
					got := r.Conversation(c, nil)
					if got.ID != want[c].ID || len(got.Messages) != len(want[c].Messages) {
						t.Fatalf("seed %d: partition %d read early: conversation %q with %d messages, want %q with %d",
							seed, k, got.ID, len(got.Messages), want[c].ID, len(want[c].Messages))
					}
				}
			}
		}
		if s.Disproved() {
			disproved++
			continue
		}
		// Each conversation's first message, and partition.
		first, part := map[string]spine.Time{}, map[string]int{}
		for i := range rows {
			id := string(rows[i].ConversationID)
			if f, ok := first[id]; !ok || rows[i].Time < f {
				first[id] = rows[i].Time
			}
			if _, ok := part[id]; !ok {
				part[id] = len(part) / int(s.size)
			}
		}
		late := 0
		for i := range rows {
			id := string(rows[i].ConversationID)
			if k := part[id]; k < len(finalAt) && i >= finalAt[k] {
				late++
				if rows[i].Time-first[id] <= cutoff {
					t.Fatalf("seed %d: row %d of %s, partition %d final at row %d, is kept by the cutoff: finality not disproved", seed, i, id, k, finalAt[k])
				}
			}
		}
		if late != s.Late(len(finalAt)) {
			t.Errorf("seed %d: %d rows came after their partition was final, Late says %d", seed, late, s.Late(len(finalAt)))
		}
		if len(finalAt) > 0 {
			sound++
		}
	}
	if sound < 5 || disproved < 5 {
		t.Errorf("%d seeds made partitions final undisproved, %d disproved; want 5 of each", sound, disproved)
	}
}

// orderedRows is a log of about n conversations over a few months, an
// hour or so a row, each conversation's rows over a few days, a few rows
// displaced by up to two days.
func orderedRows(rng *rand.Rand, n int) []spinelog.Row {
	var active []string
	var rows []spinelog.Row
	now := t0
	for started := 0; started < n || len(active) > 0; {
		now += spine.Time(rng.IntN(int(2 * hour)))
		if started < n && (len(active) == 0 || rng.IntN(3) == 0) {
			active = append(active, fmt.Sprintf("c%d", started))
			started++
		}
		i := rng.IntN(len(active))
		at := now
		if rng.IntN(30) == 0 {
			at -= spine.Time(rng.Int64N(int64(2 * spine.Day)))
		}
		rows = append(rows, finalRow(active[i], at))
		if rng.IntN(4) == 0 { // the conversation's last row
			active = append(active[:i], active[i+1:]...)
		}
	}
	return rows
}
