package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestSpilledMatchesInMemory runs the same generated month in memory with
// the default partitions and spilled to disk in tiny partitions (so that
// conversations of one partition interleave with many others' and the
// first-seen order must be restored across hundreds of files), with and
// without early classification and with and without a cutoff: every
// output must be byte-identical, and the spill directory must be gone.
// Where early classification can apply (a cutoff, many partitions), the
// test checks that it did, for most of the partitions.
func TestSpilledMatchesInMemory(t *testing.T) {
	m := generateMonth(t, 3000, 21)
	now := func() time.Time { return time.Date(2020, 1, 15, 1, 2, 3, 0, time.UTC) }
	type variant struct {
		name           string
		spillThreshold int64
		partitionSize  int
		early          earlyMode
	}
	for _, cutoff := range []int{14, 0} {
		run := func(v variant) (string, *Summary, earlyLog) {
			out, tmp := t.TempDir(), t.TempDir()
			cfg := m.config(out)
			cfg.Now, cfg.CutoffDays = now, cutoff
			cfg.SpillThreshold, cfg.PartitionSize, cfg.TempDir, cfg.early = v.spillThreshold, v.partitionSize, tmp, v.early
			var logs bytes.Buffer
			cfg.Log = slog.New(slog.NewTextHandler(&logs, nil))
			res, err := Run(context.Background(), cfg)
			if err != nil {
				t.Fatalf("%s: %v", v.name, err)
			}
			checkAccounting(t, res.Summary)
			if left, _ := os.ReadDir(tmp); len(left) > 0 {
				t.Errorf("%s: %d files left in the temporary directory", v.name, len(left))
			}
			return out, res.Summary, parseEarlyLog(t, logs.String())
		}
		memOut, memSum, _ := run(variant{"in memory", 1 << 40, 0, earlyIdle})
		for _, v := range []variant{
			{"spilled, partitions of 7", -1, 7, earlyIdle},
			{"spilled, partitions of 7, eager", -1, 7, earlyEager},
			{"spilled, partitions of 7, not early", -1, 7, earlyOff},
			{"spilled, one conversation per partition, eager", -1, 1, earlyEager},
			{"spilled, default partitions", -1, 0, earlyIdle},
		} {
			v.name = fmt.Sprintf("cutoff %d, %s", cutoff, v.name)
			out, sum, early := run(v)
			switch {
			case (cutoff == 0 || v.early == earlyOff) && early.ran:
				t.Errorf("%s: early classification ran", v.name)
			case cutoff > 0 && v.early == earlyEager && (early.disproved || early.partitions < early.total/3):
				t.Errorf("%s: %d of %d partitions classified early, disproved %v; want a third at least", v.name, early.partitions, early.total, early.disproved)
			}
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
}

// earlyLog is what a run logged of early classification.
type earlyLog struct {
	ran               bool
	partitions, total int // classified early, of all
	disproved         bool
}

func parseEarlyLog(t *testing.T, logs string) earlyLog {
	t.Helper()
	var e earlyLog
	if m := regexp.MustCompile(`msg="classified early" partitions=(\d+) disproved=(\w+)`).FindStringSubmatch(logs); m != nil {
		e.ran, e.disproved = true, m[2] == "true"
		e.partitions, _ = strconv.Atoi(m[1])
	}
	m := regexp.MustCompile(`msg=classifying .*partitions=(\d+)`).FindStringSubmatch(logs)
	if m == nil {
		t.Fatalf("no classifying line in the log:\n%s", logs)
	}
	left, _ := strconv.Atoi(m[1])
	e.total = e.partitions + left
	return e
}

// TestSpillDirectoryMissing checks that a run which must spill, and cannot
// create its directory, fails before reading, naming the directory (and
// TMPDIR, when that is where the directory came from), and publishes
// nothing.
func TestSpillDirectoryMissing(t *testing.T) {
	m := generateMonth(t, 50, 5)
	for _, tc := range []struct {
		name, tempDir, tmpdirEnv, want string
	}{
		{"TempDir", "/nonexistent/spill", "", "create spill directory in /nonexistent/spill: "},
		{"TMPDIR", "", "/nonexistent/tmp", "create spill directory in /nonexistent/tmp (set TMPDIR to use another): "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir() // before TMPDIR is changed
			if tc.tmpdirEnv != "" {
				t.Setenv("TMPDIR", tc.tmpdirEnv)
			}
			cfg := m.config(out)
			cfg.SpillThreshold, cfg.TempDir = -1, tc.tempDir
			_, err := Run(context.Background(), cfg)
			if err == nil {
				t.Fatal("run succeeded without its spill directory")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
			if left, _ := os.ReadDir(out); len(left) > 0 {
				t.Errorf("%d entries published in the output bucket", len(left))
			}
		})
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

// FuzzParseUUID checks the word-at-a-time parseUUID against a byte-by-byte
// table lookup.
func FuzzParseUUID(f *testing.F) {
	for _, s := range []string{"49DA8567-F256-9635-A14D-8A3275899B9D", "49da8567-f256-9635-a14d-8a3275899b9d",
		"00000000-0000-0000-0000-000000000000", "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF", "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
		"49DA8567-F256-9635-A14D-8A3275899B9\xff", "/9:@AFG`-F256-9635-A14D-8A3275899B9D"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, ok := parseUUID(b)
		want, wantOK := parseUUIDByTable(b)
		if ok != wantOK || (ok && got != want) {
			t.Fatalf("parseUUID(%q) = %x, %v; want %x, %v", b, got, ok, want, wantOK)
		}
	})
}

// parseUUIDByTable is parseUUID a digit at a time.
func parseUUIDByTable(b []byte) (u [16]byte, ok bool) {
	if len(b) != 36 || b[8] != '-' || b[13] != '-' || b[18] != '-' || b[23] != '-' {
		return u, false
	}
	val := func(c byte) (byte, bool) {
		switch {
		case '0' <= c && c <= '9':
			return c - '0', true
		case 'A' <= c && c <= 'F':
			return c - 'A' + 10, true
		}
		return 0, false
	}
	for j, i := range [16]int{0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34} {
		hi, ok1 := val(b[i])
		lo, ok2 := val(b[i+1])
		if !ok1 || !ok2 {
			return u, false
		}
		u[j] = hi<<4 | lo
	}
	return u, true
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

// TestSpillWriterError checks that a failed spill write is reported: by a
// later send, or at the latest by close.
func TestSpillWriterError(t *testing.T) {
	w := startSpillWriter(filepath.Join(t.TempDir(), "missing"))
	var err error
	for i := 0; i < 3*spillQueue && err == nil; i++ {
		_, err = w.send(i%3, []byte("records"))
	}
	if cerr := w.close(); err == nil {
		err = cerr
	}
	if err == nil || !strings.Contains(err.Error(), "spill:") {
		t.Fatalf("spilling into a missing directory: error %v, want a spill error", err)
	}
	if err := w.close(); err == nil {
		t.Error("a second close forgot the error")
	}
}
