package convstore

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestConvIndex checks the numbering against a map, on ids that come back
// soon (found in the table of recent ids), late (after it was emptied
// several times) and never, UUIDs and others mixed.
func TestConvIndex(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var ids []string
	for i := range 5 * youngSlots {
		switch {
		case i%50 == 0:
			ids = append(ids, fmt.Sprintf("not-a-uuid-%d", i))
		default:
			ids = append(ids, fmt.Sprintf("%08X-%04X-%04X-%04X-%012X", rng.Uint32(), rng.Uint32()&0xffff, i&0xffff, 7, rng.Uint64()&0xffffffffffff))
		}
	}
	c := newConvIndex()
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
			t.Fatalf("lookup %d of %q = %d, new %v; want %d, new %v", i, id, n, isNew, w, !seen)
		}
	}
	if int(c.n) != len(want) {
		t.Errorf("%d conversations numbered, want %d", c.n, len(want))
	}
}
