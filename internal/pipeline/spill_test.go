package pipeline

import (
	"bytes"
	"context"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestSpilledMatchesInMemory runs the same generated month in memory with
// the default partitions and spilled to disk in tiny partitions (so that
// conversations of one partition interleave with many others' and the
// first-seen order must be restored across hundreds of files): every
// output must be byte-identical, and the spill directory must be gone.
func TestSpilledMatchesInMemory(t *testing.T) {
	m := generateMonth(t, 3000, 21)
	now := func() time.Time { return time.Date(2020, 1, 15, 1, 2, 3, 0, time.UTC) }
	type variant struct {
		name           string
		spillThreshold int64
		partitionSize  int
	}
	run := func(v variant) (string, *Summary) {
		out, tmp := t.TempDir(), t.TempDir()
		cfg := m.config(out)
		cfg.Now = now
		cfg.SpillThreshold, cfg.PartitionSize, cfg.TempDir = v.spillThreshold, v.partitionSize, tmp
		res, err := Run(context.Background(), cfg)
		if err != nil {
			t.Fatalf("%s: %v", v.name, err)
		}
		checkAccounting(t, res.Summary)
		if left, _ := os.ReadDir(tmp); len(left) > 0 {
			t.Errorf("%s: %d files left in the temporary directory", v.name, len(left))
		}
		return out, res.Summary
	}
	memOut, memSum := run(variant{"in memory", 1 << 40, 0})
	for _, v := range []variant{
		{"spilled, partitions of 7", -1, 7},
		{"spilled, one conversation per partition", -1, 1},
		{"spilled, default partitions", -1, 0},
	} {
		out, sum := run(v)
		for _, f := range []string{TransfersFile, PracticeMetricsFile, NationalMetricsFile, RejectedRowsFile} {
			if !bytes.Equal(readOutput(t, memOut, f), readOutput(t, out, f)) {
				t.Errorf("%s: %s differs from the in-memory run's", v.name, f)
			}
		}
		memSum.ElapsedSeconds, sum.ElapsedSeconds = 0, 0
		if diff := cmp.Diff(memSum, sum); diff != "" {
			t.Errorf("%s: summary differs (-in memory +spilled):\n%s", v.name, diff)
		}
	}
}

// TestCompactRoundTrip checks the compact record form on awkward values:
// non-UUID and lower-case ids, empty and raw refs, absent suppliers.
func TestCompactRoundTrip(t *testing.T) {
	for _, s := range []string{"", "x", "49DA8567-F256-9635-A14D-8A3275899B9D", "49da8567-f256-9635-a14d-8a3275899b9d", "49DA8567-F256-9635-A14D-8A3275899B9", "49DA8567xF256-9635-A14D-8A3275899B9D"} {
		u, ok := parseUUID([]byte(s))
		if ok != (s == "49DA8567-F256-9635-A14D-8A3275899B9D") {
			t.Errorf("parseUUID(%q) ok = %v", s, ok)
		}
		if ok && string(appendUUIDText(nil, u[:])) != s {
			t.Errorf("UUID %q came back as %q", s, appendUUIDText(nil, u[:]))
		}
	}
}

// TestProgress checks the reports a run makes: phases in order, the rows
// and bytes of each log complete at its end, every conversation classified.
func TestProgress(t *testing.T) {
	m := generateMonth(t, 500, 23)
	cfg := m.config(t.TempDir())
	var finals []Progress
	cfg.Progress = func(p Progress) {
		if p.Final {
			finals = append(finals, p)
		}
	}
	cfg.ProgressInterval = time.Millisecond
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	var phases []string
	for _, p := range finals {
		phases = append(phases, p.Phase+" "+p.Input)
	}
	want := []string{"reading metric log", "reading overflow log", "classifying ", "publishing "}
	if diff := cmp.Diff(want, phases); diff != "" {
		t.Fatalf("final reports (-want +got):\n%s", diff)
	}
	if p := finals[1]; p.Rows != int64(res.Summary.RowsRead) || p.InputRead != p.InputSize || p.InputSize == 0 {
		t.Errorf("end of reading: %d rows, %d of %d bytes; want %d rows, all bytes", p.Rows, p.InputRead, p.InputSize, res.Summary.RowsRead)
	}
	if p := finals[2]; p.Classified != res.Summary.Conversations || p.Conversations != res.Summary.Conversations {
		t.Errorf("end of classifying: %d of %d, want %d", p.Classified, p.Conversations, res.Summary.Conversations)
	}
}

func BenchmarkParseUUID(b *testing.B) {
	id := []byte("49DA8567-F256-9635-A14D-8A3275899B9D")
	for b.Loop() {
		if _, ok := parseUUID(id); !ok {
			b.Fatal("not a UUID")
		}
	}
}
