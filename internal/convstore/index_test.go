package convstore

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestConvIndex checks the numbering against a map, on ids that come back
// soon (found in the table of recent ids), late (after it was emptied
// several times) and never, UUIDs and others mixed: among them 36-byte ids
// that are not canonical UUIDs (lower case), and ids one character away
// from another, at every position.
func TestConvIndex(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var ids []string
	for i := range 5 * youngSlots {
		switch {
		case i%50 == 0:
			ids = append(ids, fmt.Sprintf("not-a-uuid-%d", i))
		case i%50 == 1:
			ids = append(ids, fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", rng.Uint32(), rng.Uint32()&0xffff, i&0xffff, 7, rng.Uint64()&0xffffffffffff))
		case i%50 == 2 || i%50 == 3: // the one before, one character changed
			b := []byte(ids[i-1])
			if p := i / 50 % uuidLen; b[p] == '0' {
				b[p] = '1'
			} else {
				b[p] = '0'
			}
			ids = append(ids, string(b))
		default:
			ids = append(ids, fmt.Sprintf("%08X-%04X-%04X-%04X-%012X", rng.Uint32(), rng.Uint32()&0xffff, i&0xffff, 7, rng.Uint64()&0xffffffffffff))
		}
	}
	// Sized for none (the table grows) and for all (it does not).
	for _, expect := range []int{0, len(ids)} {
		testConvIndex(t, rand.New(rand.NewPCG(3, 4)), ids, expect)
	}
}

func testConvIndex(t *testing.T, rng *rand.Rand, ids []string, expect int) {
	t.Helper()
	c := newConvIndex(expect)
	size := len(c.all.slots)
	want := map[string]uint32{}
	for i := range 40 * youngSlots {
		var id string
		switch k := rng.IntN(10); {
		case k < 6: // recent
			id = ids[max(0, min(i/8, len(ids)-1)-rng.IntN(100))]
		case k < 9: // any seen so far, or new
			id = ids[rng.IntN(min(i/8+1, len(ids)))]
		default:
			id = ids[min(i/8, len(ids)-1)]
		}
		n, isNew := c.lookup([]byte(id))
		w, seen := want[id]
		if !seen {
			w = uint32(len(want))
			want[id] = w
		}
		if n != w || isNew == seen {
			t.Fatalf("sized for %d: lookup %d of %q = %d, new %v; want %d, new %v", expect, i, id, n, isNew, w, !seen)
		}
	}
	if int(c.n) != len(want) {
		t.Errorf("sized for %d: %d conversations numbered, want %d", expect, c.n, len(want))
	}
	if grew := len(c.all.slots) > size; grew != (expect == 0) {
		t.Errorf("sized for %d: %d slots, then %d", expect, size, len(c.all.slots))
	}
}

// TestTableSize: the smallest power of two, from 1<<16, that n UUIDs fill
// at most three quarters of.
func TestTableSize(t *testing.T) {
	for _, tc := range []struct{ n, want int }{
		{-1, 1 << 16}, {0, 1 << 16}, {1, 1 << 16}, {3 << 14, 1 << 16}, {3<<14 + 1, 1 << 17},
		{3 << 15, 1 << 17}, {2_040_000, 1 << 22}, {3 << 20, 1 << 22}, {3<<20 + 1, 1 << 23},
	} {
		if got := tableSize(tc.n); got != tc.want {
			t.Errorf("tableSize(%d) = %d, want %d", tc.n, got, tc.want)
		}
	}
	// An index is sized for at most maxPresized, however many are expected.
	if got, want := len(newConvIndex(1<<40).all.slots), tableSize(maxPresized); got != want {
		t.Errorf("an index expecting 1<<40 conversations has %d slots, want %d", got, want)
	}
}

// TestYoungTableCompares checks that an id is found only by itself, not by
// an id one character away whose probe lands on its slot.
func TestYoungTableCompares(t *testing.T) {
	a := [uuidLen]byte([]byte("0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9"))
	for p := range uuidLen {
		b := a
		b[p] ^= 0x20
		yt := youngTable{slots: make([]youngSlot, 2)}
		s, _ := yt.find(&b)
		*s = youngSlot{key: a, seq: 1} // a, where b's probe starts
		if _, found := yt.find(&b); found {
			t.Errorf("an id differing at byte %d found", p)
		}
	}
}
