package convstore

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nhsdigital/gp2gp/internal/spine"
	"github.com/nhsdigital/gp2gp/internal/spinelog"
)

// TestRecordRoundTrip adds awkward rows to partitions, in memory and
// spilled, and checks that decoding gives back every message, grouped by
// conversation in first-seen order, each conversation's in input order:
// UUID and other ids, long raw GUIDs and refs (records of several hundred
// bytes, whose size takes more than one byte), empty refs, absent and
// present suppliers, error codes of every sign, values that are not
// interned, times going backwards.
func TestRecordRoundTrip(t *testing.T) {
	const uuidA, uuidB = "49DA8567-F256-9635-A14D-8A3275899B9D", "0A2849B0-9C31-7281-928A-03E396195DE8"
	long := strings.Repeat("g", 300)
	rows := []spinelog.Row{
		{Time: 100, ConversationID: []byte(uuidA), GUID: []byte(uuidA), Interaction: []byte(spine.RequestStartedID), Sender: []byte("000012345678"), Recipient: []byte("987654321000"), ToSystem: []byte("EMIS"), HasToSystem: true},
		{Time: 90, ConversationID: []byte("conv-b"), GUID: []byte(long), Interaction: []byte("urn:other"), Sender: []byte("x-not-numeric"), Recipient: []byte(""), MessageRef: []byte(long + "r")},
		{Time: 120, ConversationID: []byte(uuidA), GUID: []byte(uuidB), Interaction: []byte(spine.AcknowledgementID), Sender: []byte("987654321000"), Recipient: []byte("000012345678"), MessageRef: []byte(uuidA), Error: spine.Code(0), FromSystem: []byte("SystmOne"), HasFromSystem: true},
		{Time: 1 << 50, ConversationID: []byte("lower-" + strings.ToLower(uuidB)), GUID: []byte(strings.ToLower(uuidB)), Interaction: []byte(spine.COPCID), Sender: []byte("1"), Recipient: []byte("2"), MessageRef: []byte("NotAUUID"), Error: spine.Code(-99999999999)},
		{Time: -5, ConversationID: []byte("conv-b"), GUID: []byte("g2"), Interaction: []byte(spine.RequestCompletedID), Sender: []byte("1"), Recipient: []byte("2"), Error: spine.Code(1 << 40), ToSystem: []byte(""), HasToSystem: true, FromSystem: []byte(long), HasFromSystem: true},
		{Time: 7, ConversationID: []byte(uuidA), GUID: []byte(uuidA), Interaction: []byte(spine.RequestStartedID), Sender: []byte("000012345678"), Recipient: []byte("987654321000")},
		{Time: 8, ConversationID: []byte("conv-b"), GUID: []byte("g3"), Interaction: []byte(spine.AcknowledgementID), Sender: []byte("0000000000001"), Recipient: []byte("01")},
		{Time: 9, ConversationID: []byte("conv-b"), GUID: []byte("g4"), Interaction: []byte(spine.AcknowledgementID), Sender: []byte("001"), Recipient: []byte("999999999999999")},
	}
	// want: conversations in first-seen order, messages in input order.
	var want []spine.Conversation
	index := map[string]int{}
	for i := range rows {
		m := message(&rows[i])
		k, ok := index[m.ConversationID]
		if !ok {
			k = len(want)
			index[m.ConversationID] = k
			want = append(want, spine.Conversation{ID: m.ConversationID})
		}
		want[k].Messages = append(want[k].Messages, m)
	}

	for _, size := range []int{1, 2, DefaultPartitionSize} {
		for _, dir := range []string{"", t.TempDir()} {
			got := readAll(t, storeRows(t, Options{PartitionSize: size, Dir: dir}, rows))
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("size %d, spilled %v: decoded conversations differ (-want +got):\n%s", size, dir != "", diff)
			}
		}
	}
}

// message is the row as a spine.Message.
func message(r *spinelog.Row) spine.Message {
	m := spine.Message{Time: r.Time, ConversationID: string(r.ConversationID), GUID: string(r.GUID),
		Interaction: string(r.Interaction), Sender: string(r.Sender), Recipient: string(r.Recipient),
		MessageRef: string(r.MessageRef), Error: r.Error}
	if r.HasToSystem {
		m.ToSystem = spine.Str(string(r.ToSystem))
	}
	if r.HasFromSystem {
		m.FromSystem = spine.Str(string(r.FromSystem))
	}
	return m
}

// TestDecodeCorrupt checks that a truncated partition is reported and that
// damaged bytes anywhere give an error or records, never a panic.
func TestDecodeCorrupt(t *testing.T) {
	row := spinelog.Row{Time: 100, ConversationID: []byte("c"), GUID: []byte("g"), Interaction: []byte(spine.RequestStartedID), Sender: []byte("1"), Recipient: []byte("2")}
	s := storeRows(t, Options{}, []spinelog.Row{row, row, row})
	good := s.parts[0].buf
	d := decoder{strs: s.strs.values}
	if err := d.decode(good); err != nil {
		t.Fatalf("intact partition: %v", err)
	}
	if err := d.decode(good[:len(good)-1]); err == nil {
		t.Error("a partition cut inside its last record decoded without error")
	}
	for i := range good {
		for _, v := range []byte{0, 1, 0x7f, 0x80, 0xff} {
			bad := append([]byte(nil), good...)
			bad[i] = v
			_ = d.decode(bad) // must not panic
		}
	}
}

// TestInterner interns many values, enough to grow the table of short ones
// several times: numbers (equal ones of different lengths among them),
// values of every length from empty to over 16 bytes, some sharing their
// first or last eight bytes, and the known interaction ids. It checks that
// each keeps one id, whichever way it is interned, distinct from every
// other value's, that gives it back.
func TestInterner(t *testing.T) {
	in := newInterner()
	var vals []string
	for i := range 20000 {
		vals = append(vals, fmt.Sprintf("%012d", i*7919), fmt.Sprintf("%d", i), fmt.Sprintf("%0*d", 1+i%15, i))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for n := range 21 {
		for range 50 {
			v := make([]byte, n)
			for j := range v {
				v[j] = "ab\x00\xff"[rng.IntN(4)]
			}
			vals = append(vals, string(v))
		}
		vals = append(vals, strings.Repeat("x", n), strings.Repeat("x", n)+"y", "y"+strings.Repeat("x", n))
		if n > 8 { // the same first, or last, eight bytes
			for _, c := range []string{"a", "b"} {
				vals = append(vals, strings.Repeat(c, n-8)+"12345678", "12345678"+strings.Repeat(c, n-8))
			}
		}
		if n > 16 { // the same first and last eight bytes
			vals = append(vals, "12345678"+strings.Repeat("a", n-16)+"12345678", "12345678"+strings.Repeat("b", n-16)+"12345678")
		}
	}
	vals = append(vals, knownInteractions[:]...)
	ids := map[string]uint64{}
	seen := map[uint64]string{}
	var r recent
	for pass := range 2 {
		for i, v := range vals {
			b := []byte(v)
			if (i/2+pass)%2 == 1 { // a field of a line: other bytes follow it
				b = append(b, "\xff\x00,after"...)[:len(v)]
			}
			if (i+pass)%2 == 0 {
				b = in.appendString(nil, b)
			} else {
				b = in.appendRecent(nil, b, &r)
			}
			id, n := binary.Uvarint(b)
			if n != len(b) || id == 0 {
				t.Fatalf("%q: stored as %x, want an id", v, b)
			}
			if got := in.values[id-1]; got != v {
				t.Fatalf("%q: id %d is %q", v, id, got)
			}
			if old, ok := ids[v]; ok && old != id {
				t.Fatalf("pass %d, %q: id %d, was %d", pass, v, id, old)
			}
			if other, ok := seen[id]; ok && other != v {
				t.Fatalf("%q and %q share id %d", v, other, id)
			}
			ids[v], seen[id] = id, v
		}
	}
}

// TestInternerRecent interns a column of few values, as supplier systems
// are, through a recent: each value, wherever it lies in its line, gets
// the id the interner gives it.
func TestInternerRecent(t *testing.T) {
	in := newInterner()
	systems := []string{"EMIS", "SystmOne", "Vision", "Microtest", "", "TPP", "E", "EMIS Web", "A supplier over sixteen bytes", "EMIS\x00"}
	var r recent
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 5000 {
		v := systems[rng.IntN(min(len(systems), 3+i/500))]
		b := []byte(v)
		if i%2 == 0 {
			b = append(b, "SystmOne,"...)[:len(v)]
		}
		got := in.appendRecent(nil, b, &r)
		if want := in.appendString(nil, []byte(v)); string(got) != string(want) {
			t.Fatalf("row %d, %q: appended %x, want %x", i, v, got, want)
		}
	}
}
