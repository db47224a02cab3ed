package pipeline

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/parquet-go/parquet-go"

	"github.com/nhsdigital/gp2gp/internal/golden"
	"github.com/nhsdigital/gp2gp/internal/synth"
)

// month is a generated synthetic month laid out as buckets in a directory.
type month struct {
	dir      string
	anchor   time.Time
	manifest []byte
}

func (m month) config(out string) Config {
	return Config{
		SpineBucket:         filepath.Join(m.dir, "spine"),
		OrganisationBucket:  filepath.Join(m.dir, "org"),
		OutputBucket:        out,
		Anchor:              m.anchor,
		CutoffDays:          14,
		MaxRejectedFraction: DefaultMaxRejectedFraction,
	}
}

func generateMonth(t *testing.T, conversations int, seed int64) month {
	t.Helper()
	dir := t.TempDir()
	anchor := time.Date(2020, 1, 15, 0, 0, 0, 0, time.UTC)
	l := NewLayout(anchor)
	var metric, overflow, org, manifest bytes.Buffer
	cfg := synth.Config{Seed: seed, Conversations: conversations, Year: 2019, Month: 12}
	if _, err := synth.Generate(cfg, &metric, &overflow, &org, &manifest); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "spine", l.MetricLogKey()), metric.Bytes())
	writeFile(t, filepath.Join(dir, "spine", l.OverflowLogKey()), overflow.Bytes())
	writeFile(t, filepath.Join(dir, "org", l.OrganisationKey()), org.Bytes())
	return month{dir: dir, anchor: anchor, manifest: manifest.Bytes()}
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// checkAccounting asserts that every input row is accounted for exactly once.
func checkAccounting(t *testing.T, s *Summary) {
	t.Helper()
	read, accepted, rejected := 0, 0, 0
	for _, in := range s.Inputs {
		if in.RowsRead != in.RowsAccepted+in.RowsRejected {
			t.Errorf("%s: rows read %d != accepted %d + rejected %d", in.Input, in.RowsRead, in.RowsAccepted, in.RowsRejected)
		}
		read, accepted, rejected = read+in.RowsRead, accepted+in.RowsAccepted, rejected+in.RowsRejected
	}
	if read != s.RowsRead || accepted != s.RowsAccepted || rejected != s.RowsRejected {
		t.Errorf("totals %d/%d/%d differ from the inputs' %d/%d/%d", s.RowsRead, s.RowsAccepted, s.RowsRejected, read, accepted, rejected)
	}
	messages := 0
	for _, n := range s.Messages {
		messages += n
	}
	if messages != s.RowsAccepted {
		t.Errorf("messages by disposition add up to %d, want rows accepted %d: %v", messages, s.RowsAccepted, s.Messages)
	}
	if got := s.Transfers + s.ConversationsNoRequest + s.ConversationsOutsideWindow; got != s.Conversations {
		t.Errorf("transfers + skipped = %d, want conversations %d", got, s.Conversations)
	}
	statuses := 0
	for _, n := range s.Statuses {
		statuses += n
	}
	if statuses != s.Transfers {
		t.Errorf("statuses add up to %d, want transfers %d", statuses, s.Transfers)
	}
	if s.RowsAccepted > 0 && s.Messages["in_transfer"] == 0 {
		t.Errorf("no message in a transfer: %v", s.Messages)
	}
}

// TestAccountingGolden asserts the accounting identities on every golden case.
func TestAccountingGolden(t *testing.T) {
	for _, gc := range golden.Cases(t, golden.Monthly) {
		t.Run(gc.Name, func(t *testing.T) {
			dir := gc.Dir(t)
			anchor, err := time.Parse(time.RFC3339, gc.DateAnchor)
			if err != nil {
				t.Fatal(err)
			}
			cfg := Config{
				SpineBucket:         filepath.Join(dir, gc.SpineBucket),
				OrganisationBucket:  filepath.Join(dir, gc.OrgBucket),
				OutputBucket:        t.TempDir(),
				Anchor:              anchor,
				MaxRejectedFraction: DefaultMaxRejectedFraction,
			}
			if gc.CutoffDays != nil {
				cfg.CutoffDays = *gc.CutoffDays
			}
			res, err := Run(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			checkAccounting(t, res.Summary)
			if res.Summary.RowsRejected != 0 {
				t.Errorf("%d rows rejected in a golden case", res.Summary.RowsRejected)
			}
		})
	}
}

// readOutcomes reads conversation_id → "status/failure_reason" from a
// transfers.parquet.
func readOutcomes(t *testing.T, path string) map[string]string {
	t.Helper()
	type row struct {
		ID     string  `parquet:"conversation_id,optional"`
		Status string  `parquet:"status,optional"`
		Reason *string `parquet:"failure_reason,optional"`
	}
	rows, err := parquet.ReadFile[row](path)
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		reason := ""
		if r.Reason != nil {
			reason = *r.Reason
		}
		out[r.ID] = r.Status + "/" + reason
	}
	return out
}

// TestGeneratedMonthMatchesManifest cross-checks the classifier with the
// outcome every generated conversation was built to have.
func TestGeneratedMonthMatchesManifest(t *testing.T) {
	m := generateMonth(t, 3000, 7)
	out := t.TempDir()
	res, err := Run(context.Background(), m.config(out))
	if err != nil {
		t.Fatal(err)
	}
	checkAccounting(t, res.Summary)
	got := readOutcomes(t, filepath.Join(out, "v4/2019/12/transfers.parquet"))
	rows, err := csv.NewReader(bytes.NewReader(m.manifest)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want, families := 0, map[string]bool{}
	for _, r := range rows[1:] {
		id, family, status, reason := r[0], r[1], r[2], r[3]
		families[family] = true
		outcome, ok := got[id]
		switch {
		case status == "" && ok:
			t.Errorf("%s (%s): is a transfer (%s), want none", id, family, outcome)
		case status != "" && !ok:
			t.Errorf("%s (%s): no transfer, want %s/%s", id, family, status, reason)
		case status != "" && outcome != status+"/"+reason:
			t.Errorf("%s (%s): %s, want %s/%s", id, family, outcome, status, reason)
		}
		if status != "" {
			want++
		}
	}
	if want != len(got) || want != res.Summary.Transfers {
		t.Errorf("%d transfers written, %d in the summary, manifest expects %d", len(got), res.Summary.Transfers, want)
	}
	if len(families) < 20 {
		t.Errorf("only %d scenario families generated", len(families))
	}
}

// badRows are malformed rows of every kind the reader rejects, each with
// the field it is rejected for.
var badRows = []struct{ row, field string }{
	{`"",C-bad1,G1,"urn:nhs:names:services:gp2gp/RCMR_IN010000UK05",1,2,NotProvided,NONE,,`, "_time"},
	{`"2019-12-03T10:00:00.000",C-bad2,G2,"urn:nhs:names:services:gp2gp/RCMR_IN010000UK05",1,2,NotProvided,NONE,,`, "_time"},
	{`"2019-12-03T10:00:00.000+0000",C-bad3,G3,"urn:nhs:names:services:gp2gp/MCCI_IN010000UK13",1,2,G0,ERROR,,`, "jdiEvent"},
	{`"2019-12-03T10:00:00.000+0000",,G4,"urn:nhs:names:services:gp2gp/RCMR_IN010000UK05",1,2,NotProvided,NONE,,`, "conversationID"},
	{`"2019-12-03T10:00:00.000+0000",C-bad5,,"urn:nhs:names:services:gp2gp/RCMR_IN010000UK05",1,2,NotProvided,NONE,,`, "GUID"},
	{`"2019-12-03T10:00:00.000+0000",C-bad6,G6,"urn:nhs:names:services:gp2gp/RCMR_IN010000UK05",1,2,NotProvided,NONE,,,extra`, ""},
	{`"2019-12-03T10:00:00.000+0000",C-bad7,G7`, ""},
	{"\"2019-12-03T10:00:00.000+0000\",C-bad8,G8,\"urn:nhs:names:services:gp2gp/RCMR_IN010000UK05\",1\xff,2,NotProvided,NONE,,", "messageSender"},
	{`"2019-12-03T10:00:00.000+0000",C-bad9,G9,"urn:nhs:names:services:gp2gp/RCMR_IN010000UK05",` + strings.Repeat("7", 5000) + `,2,NotProvided,NONE,,`, "messageSender"},
	{`"2019-12-03T10:00:00.000+0000",C-bad10,` + strings.Repeat("G", 2<<20) + `,"urn:nhs:names:services:gp2gp/RCMR_IN010000UK05",1,2,NotProvided,NONE,,`, ""},
	// An unterminated quote: only its own line is lost, not the valid row
	// after it.
	{`"2019-12-03T10:00:00.000+0000",C-bad11,G11,"urn:nhs:names:services:gp2gp/RCMR_IN010000UK05",1,2,"NotProvided,NONE,,`, "messageRef"},
}

// injectBadRows rewrites the month's metric log with badRows inserted at
// spread-out positions, returning the lines they landed on.
func injectBadRows(t *testing.T, m month) []int {
	t.Helper()
	path := filepath.Join(m.dir, "spine", NewLayout(m.anchor).MetricLogKey())
	f, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(f))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(raw), "\n")
	step := len(lines) / (len(badRows) + 1)
	var out strings.Builder
	var at []int
	line, next := 0, 0
	for i, l := range lines {
		if next < len(badRows) && i == step*(next+1) {
			line++
			at = append(at, line)
			out.WriteString(badRows[next].row + "\n")
			next++
		}
		if l != "" {
			line++
		}
		out.WriteString(l)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(out.String()))
	zw.Close()
	writeFile(t, path, buf.Bytes())
	return at
}

func readOutput(t *testing.T, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "v4/2019/12", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func withoutGeneratedOn(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	delete(v, "generatedOn")
	return v
}

// TestMalformedRows: bad rows are rejected, listed and counted, and the
// outputs equal those of the same month without them; above the threshold
// the run fails and writes nothing.
func TestMalformedRows(t *testing.T) {
	m := generateMonth(t, 2000, 3)
	clean := t.TempDir()
	cleanRes, err := Run(context.Background(), m.config(clean))
	if err != nil {
		t.Fatal(err)
	}
	lines := injectBadRows(t, m)

	dirty := t.TempDir()
	cfg := m.config(dirty)
	cfg.MaxRejectedFraction = 0.01
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	checkAccounting(t, res.Summary)
	if res.Summary.RowsRejected != len(badRows) {
		t.Errorf("%d rows rejected, want %d", res.Summary.RowsRejected, len(badRows))
	}
	if got, want := res.Summary.RowsAccepted, cleanRes.Summary.RowsAccepted; got != want {
		t.Errorf("%d rows accepted, want the clean month's %d: a valid row was lost", got, want)
	}
	if !bytes.Equal(readOutput(t, clean, TransfersFile), readOutput(t, dirty, TransfersFile)) {
		t.Error("transfers.parquet differs from the run without the bad rows")
	}
	for _, f := range []string{PracticeMetricsFile, NationalMetricsFile} {
		if d := cmp.Diff(withoutGeneratedOn(t, readOutput(t, clean, f)), withoutGeneratedOn(t, readOutput(t, dirty, f))); d != "" {
			t.Errorf("%s differs from the run without the bad rows:\n%s", f, d)
		}
	}

	zr, err := gzip.NewReader(bytes.NewReader(readOutput(t, dirty, RejectedRowsFile)))
	if err != nil {
		t.Fatal(err)
	}
	rejected, err := csv.NewReader(zr).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var gotLines []int
	for i, r := range rejected[1:] {
		n, _ := strconv.Atoi(r[1])
		gotLines = append(gotLines, n)
		if r[0] != "2019-12_spine_messages.csv.gz" || r[3] != badRows[i].field || r[5] == "" {
			t.Errorf("rejected row %d: %q, want file, field %q and a reason", i, r, badRows[i].field)
		}
		if whole := r[3] == ""; whole && !strings.HasPrefix(badRows[i].row, strings.TrimSuffix(r[4], "…")) {
			t.Errorf("rejected row %d: value %q, want the start of the line", i, r[4])
		}
	}
	if d := cmp.Diff(lines, gotLines); d != "" {
		t.Errorf("rejected lines (-want +got):\n%s", d)
	}

	// Below the threshold: fail, write nothing.
	strict := t.TempDir()
	cfg = m.config(strict)
	cfg.MaxRejectedFraction = 0.0001
	_, err = Run(context.Background(), cfg)
	var tooMany *TooManyRejectedError
	if !errors.As(err, &tooMany) {
		t.Fatalf("err = %v, want TooManyRejectedError", err)
	}
	assertEmpty(t, strict)
}

// assertEmpty fails if dir holds any file.
func assertEmpty(t *testing.T, dir string) {
	t.Helper()
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			t.Errorf("file left behind: %s", p)
		}
		return nil
	})
}

// TestCancelledRunWritesNothing: a run whose context is cancelled (SIGINT,
// SIGTERM) publishes nothing.
func TestCancelledRunWritesNothing(t *testing.T) {
	m := generateMonth(t, 2000, 5)
	out := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, m.config(out)); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	assertEmpty(t, out)
}

// TestFailedPublishRemovesPartialOutputs: when one output cannot be written,
// those already written are removed and no _SUCCESS appears; an earlier
// run's _SUCCESS is removed first.
func TestFailedPublishRemovesPartialOutputs(t *testing.T) {
	m := generateMonth(t, 500, 9)
	out := t.TempDir()
	if _, err := Run(context.Background(), m.config(out)); err != nil {
		t.Fatal(err)
	}
	// A directory where nationalMetrics.json must go makes its write fail.
	month := filepath.Join(out, "v4/2019/12")
	if err := os.Remove(filepath.Join(month, NationalMetricsFile)); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(month, NationalMetricsFile), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), m.config(out)); err == nil {
		t.Fatal("run succeeded, want a write error")
	}
	for _, f := range []string{TransfersFile, PracticeMetricsFile, SuccessFile} {
		if _, err := os.Stat(filepath.Join(month, f)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s still exists after the failed run (err %v)", f, err)
		}
	}
}

// TestDeterministic: the same inputs give the same bytes, generatedOn aside.
func TestDeterministic(t *testing.T) {
	m := generateMonth(t, 1000, 11)
	a, b := t.TempDir(), t.TempDir()
	for _, out := range []string{a, b} {
		cfg := m.config(out)
		cfg.Now = func() time.Time { return time.Date(2020, 1, 15, 1, 2, 3, 0, time.UTC) }
		if _, err := Run(context.Background(), cfg); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{TransfersFile, PracticeMetricsFile, NationalMetricsFile, RejectedRowsFile} {
		if !bytes.Equal(readOutput(t, a, f), readOutput(t, b, f)) {
			t.Errorf("%s differs between two runs on the same inputs", f)
		}
	}
}

// TestInterruptionPoints cancels a run at each of its phases, and after each
// output is written: nothing is left at the final keys.
func TestInterruptionPoints(t *testing.T) {
	m := generateMonth(t, 500, 13)
	phases := []string{"classify", "encode", "publish"}
	for _, f := range []string{TransfersFile, PracticeMetricsFile, NationalMetricsFile, RejectedRowsFile, RunSummaryFile} {
		phases = append(phases, "published "+f)
	}
	for _, at := range phases {
		t.Run(at, func(t *testing.T) {
			out := t.TempDir()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			cfg := m.config(out)
			reached := false
			_, err := run(ctx, cfg, options{onPhase: func(p string) {
				if p == at {
					reached = true
					cancel()
				}
			}})
			if !reached {
				t.Fatalf("phase %q never reached", at)
			}
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want context.Canceled", err)
			}
			assertEmpty(t, out)
		})
	}
}

// TestLogsCPU checks that the run logs the CPU time used by the end of
// each phase (on Unix, where it is measured), never decreasing.
func TestLogsCPU(t *testing.T) {
	if _, ok := cpuSeconds(); !ok {
		t.Skip("CPU time is not measured on " + runtime.GOOS)
	}
	m := generateMonth(t, 200, 5)
	cfg := m.config(t.TempDir())
	var logs bytes.Buffer
	cfg.Log = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if _, err := Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	last := -1.0
	for _, msg := range []string{"classifying", "classified", "published"} {
		re := regexp.MustCompile(`msg=` + msg + ` .*cpu_s=([0-9.]+)`)
		m := re.FindStringSubmatch(logs.String())
		if m == nil {
			t.Fatalf("no %q line with cpu_s in the log:\n%s", msg, logs.String())
		}
		s, err := strconv.ParseFloat(m[1], 64)
		if err != nil || s < last {
			t.Errorf("%s: cpu_s=%s, after %g", msg, m[1], last)
		}
		last = s
	}
}
