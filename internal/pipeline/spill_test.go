package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
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
			var logs bytes.Buffer
			cfg.Log = slog.New(slog.NewTextHandler(&logs, nil))
			res, err := run(context.Background(), cfg, options{spillThreshold: v.spillThreshold, partitionSize: v.partitionSize, tempDir: tmp, early: v.early})
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
			_, err := run(context.Background(), cfg, options{spillThreshold: -1, tempDir: tc.tempDir})
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
