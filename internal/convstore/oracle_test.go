package convstore

import (
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nhsdigital/gp2gp/internal/spine"
	"github.com/nhsdigital/gp2gp/internal/spinelog"
)

// TestStoreMatchesGrouper checks the store against spine.Grouper, the
// plain grouping of SPEC §4.1, on random rows: many conversations
// interleaved as in a log, times out of order, duplicate GUIDs, odd
// strings, missing optional fields. In memory and spilled, in partitions
// of one conversation, of a few (so that hundreds of partitions, and
// files, are exercised) and of the default size, with and without the
// bookkeeping of final partitions, every conversation must come back in
// first-seen order with its messages in input order, and a spilled store
// must remove each file once read.
func TestStoreMatchesGrouper(t *testing.T) {
	for seed := range uint64(3) {
		rows := randomRows(rand.New(rand.NewPCG(seed, 99)), 2000)
		g := spine.NewGrouper()
		for i := range rows {
			g.Add(message(&rows[i]))
		}
		want := g.Conversations()
		for _, size := range []int{1, 3, 64, 0} {
			for _, spilled := range []bool{false, true} {
				for _, cutoff := range []spine.Time{0, spine.Day} {
					if spilled && size < 64 && seed > 0 {
						continue // a file per few conversations: slow, and once is enough
					}
					name := fmt.Sprintf("seed %d, partitions of %d, spilled %v, cutoff %d", seed, size, spilled, cutoff)
					dir := ""
					if spilled {
						dir = t.TempDir()
					}
					s := storeRows(t, Options{PartitionSize: size, Dir: dir, Cutoff: cutoff}, rows)
					if s.Conversations() != g.Len() {
						t.Errorf("%s: %d conversations, want %d", name, s.Conversations(), g.Len())
					}
					per := size
					if per == 0 {
						per = DefaultPartitionSize
					}
					if n := (g.Len() + per - 1) / per; s.Partitions() != n {
						t.Errorf("%s: %d partitions, want %d", name, s.Partitions(), n)
					}
					got := readAll(t, s)
					if reflect.DeepEqual(want, got) { // cmp.Diff is slow
						// as wanted
					} else if diff := cmp.Diff(want, got); diff != "" {
						t.Fatalf("%s: conversations differ from spine.Grouper's (-want +got):\n%s", name, diff)
					}
					if spilled {
						if left, _ := os.ReadDir(dir); len(left) > 0 {
							t.Errorf("%s: %d files left after reading every partition", name, len(left))
						}
					}
				}
			}
		}
	}
}

// randomRows generates rows of about n conversations, as a log has them:
// each conversation's rows near each other but interleaved with others',
// and a few logged much later.
func randomRows(rng *rand.Rand, n int) []spinelog.Row {
	var convIDs, guids []string
	for range n {
		convIDs = append(convIDs, randomID(rng))
	}
	var rows []spinelog.Row
	base := spine.Time(1_575_158_400_000) // 2019-12-01, in ms
	next := 0                             // conversations started so far
	for next < n || rng.IntN(20) != 0 {
		var c int
		switch k := rng.IntN(100); {
		case next < n && (k < 15 || next == 0):
			c, next = next, next+1 // a new conversation
		case k < 97:
			c = max(0, next-1-rng.IntN(min(next, 40))) // a recent one
		default:
			c = rng.IntN(max(next, 1)) // any, long after
		}
		t := base + spine.Time(len(rows))*6*spine.Second
		switch k := rng.IntN(100); {
		case k < 10:
			t -= spine.Time(rng.IntN(int(3600 * spine.Second))) // out of order
		case k < 12:
			t += spine.Time(rng.Int64N(int64(30 * spine.Day)))
		case k < 13:
			t = -t // before 1970
		}
		guid := randomID(rng)
		if len(guids) > 0 && rng.IntN(10) == 0 {
			guid = guids[rng.IntN(len(guids))] // a duplicate, here or elsewhere
		}
		guids = append(guids, guid)
		row := spinelog.Row{
			Time:           t,
			ConversationID: []byte(convIDs[c]),
			GUID:           []byte(guid),
			Interaction:    []byte(pick(rng, spine.RequestStartedID, spine.RequestCompletedID, spine.AcknowledgementID, spine.COPCID, "urn:nhs:names:services:lrs/MCCI_IN010000UK13", "", oddString(rng))),
			Sender:         []byte(randomASID(rng)),
			Recipient:      []byte(randomASID(rng)),
		}
		switch rng.IntN(4) {
		case 0: // none
		case 1:
			row.MessageRef = []byte(guids[rng.IntN(len(guids))])
		default:
			row.MessageRef = []byte(randomID(rng))
		}
		if rng.IntN(3) != 0 {
			row.ToSystem, row.HasToSystem = []byte(pick(rng, "EMIS", "SystmOne", "Vision", "", oddString(rng))), true
		}
		if rng.IntN(3) != 0 {
			row.FromSystem, row.HasFromSystem = []byte(pick(rng, "EMIS", "SystmOne", "", oddString(rng))), true
		}
		if rng.IntN(3) == 0 {
			row.Error = spine.Code(pick(rng, 0, 6, 30, 99, -1, rng.Int64()-1<<62, 1<<62))
		}
		rows = append(rows, row)
	}
	return rows
}

func pick[T any](rng *rand.Rand, vs ...T) T { return vs[rng.IntN(len(vs))] }

// randomID is an id as the logs have them: mostly canonical upper-case
// UUIDs, else lower-case ones, near misses, empty or odd text.
func randomID(rng *rand.Rand) string {
	u := fmt.Sprintf("%08X-%04X-%04X-%04X-%012X", rng.Uint32(), rng.Uint32()&0xffff, rng.Uint32()&0xffff, rng.Uint32()&0xffff, rng.Uint64()&0xffffffffffff)
	switch rng.IntN(20) {
	case 0:
		return strings.ToLower(u)
	case 1:
		return u[:35] + "G" // not hex
	case 2:
		return u + "0" // too long
	case 3:
		return ""
	case 4:
		return oddString(rng)
	}
	return u
}

// randomASID is a number of 1 to 15 digits, leading zeros and all, or
// not a number.
func randomASID(rng *rand.Rand) string {
	switch rng.IntN(10) {
	case 0:
		return ""
	case 1:
		return oddString(rng)
	}
	return fmt.Sprintf("%0*d", 1+rng.IntN(15), rng.IntN(3000))
}

// oddString is valid UTF-8 (as spinelog guarantees) of any length up to a
// few hundred bytes: quotes, commas, non-ASCII, control characters.
func oddString(rng *rand.Rand) string {
	parts := []string{"a", ",", `"`, "é", "日本", "\t", "\x00", " ", "NotProvided", "NONE", "\u00ff", "🙂", "0", "-"}
	var b strings.Builder
	for range rng.IntN(8) + rng.IntN(2)*rng.IntN(200) {
		b.WriteString(parts[rng.IntN(len(parts))])
	}
	return b.String()
}
