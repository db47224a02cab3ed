package classifyrun

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nhsdigital/gp2gp/internal/spinelog"
	"github.com/nhsdigital/gp2gp/internal/store"
)

func TestWindow(t *testing.T) {
	plus1 := time.FixedZone("", 3600)
	dates := func(ts []time.Time) []string {
		var out []string
		for _, d := range ts {
			out = append(out, d.Format(time.RFC3339))
		}
		return out
	}
	cases := []struct {
		name           string
		w              Window
		days, overflow []string
	}{
		{"default day, no cutoff: yesterday", DefaultWindow(time.Date(2020, 1, 1, 3, 0, 0, 0, time.UTC), 0),
			[]string{"2019-12-31T00:00:00Z"}, nil},
		{"default day, cutoff 2: yesterday less 2 days, 2 overflow days", DefaultWindow(time.Date(2020, 1, 1, 23, 59, 0, 0, time.UTC), 2),
			[]string{"2019-12-29T00:00:00Z"}, []string{"2019-12-30T00:00:00Z", "2019-12-31T00:00:00Z"}},
		{"default day: the clock's UTC date", DefaultWindow(time.Date(2020, 1, 1, 0, 30, 0, 0, plus1), 0),
			[]string{"2019-12-30T00:00:00Z"}, nil},
		{"explicit, END exclusive", ExplicitWindow(time.Date(2019, 12, 30, 0, 0, 0, 0, time.UTC), time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC), 1),
			[]string{"2019-12-30T00:00:00Z", "2019-12-31T00:00:00Z", "2020-01-01T00:00:00Z"}, []string{"2020-01-02T00:00:00Z"}},
		{"start == end: no days, overflow still", ExplicitWindow(day("2020-01-01"), day("2020-01-01"), 1),
			nil, []string{"2020-01-01T00:00:00Z"}},
		{"START's offset", ExplicitWindow(time.Date(2019, 12, 2, 0, 0, 0, 0, plus1), time.Date(2019, 12, 4, 0, 0, 0, 0, time.UTC), 0),
			[]string{"2019-12-02T00:00:00+01:00", "2019-12-03T00:00:00+01:00"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if d := cmp.Diff(tc.days, dates(tc.w.Days)); d != "" {
				t.Errorf("days (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.overflow, dates(tc.w.Overflow)); d != "" {
				t.Errorf("overflow (-want +got):\n%s", d)
			}
		})
	}
	if k := SpineKey(day("2020-01-02")); k != "v3/2020/01/02/2020-01-02_spine_messages.csv.gz" {
		t.Errorf("spine key %s", k)
	}
	if k := OutputKey(14, day("2020-01-02")); k != "v11/cutoff-14/2020/01/02/2020-01-02-transfers.parquet" {
		t.Errorf("output key %s", k)
	}
	if k := ODSKey(Month{2020, 1}.Previous()); k != "v5/2019/12/organisationMetadata.json" {
		t.Errorf("ODS key %s", k)
	}
	m := Metadata(1, "tag", time.Date(2019, 12, 2, 0, 0, 0, 0, plus1), Month{2019, 12})
	want := map[string]string{"cutoff-days": "1", "build-tag": "tag", "start-datetime": "2019-12-02T00:00:00+01:00",
		"end-datetime": "2019-12-03T00:00:00+01:00", "ods-metadata-month": "2019-12"}
	if d := cmp.Diff(want, m); d != "" {
		t.Errorf("metadata (-want +got):\n%s", d)
	}
}

const (
	asidA = "111111111111"
	asidB = "222222222222"
)

// row is one CSV row of a daily file.
func row(ts, conv, guid, interaction, from, to, ref, jdi string) string {
	return `"` + ts + `",` + conv + "," + guid + ",urn:nhs:names:services:gp2gp/" + interaction + "," + from + "," + to + "," + ref + "," + jdi + ",SupA,SupB\n"
}

// smallCase writes daily files for 2020-01-30 … 2020-02-02 with one
// integrated transfer requested on each of the first three days, and the
// metadata of January only (A known, in a SICBL; B unknown).
func smallCase(t *testing.T) (spineDir, odsDir string) {
	spineDir, odsDir = t.TempDir(), t.TempDir()
	for i, d := range []string{"2020-01-30", "2020-01-31", "2020-02-01", "2020-02-02"} {
		body := csvHeader + "\n"
		if i < 3 {
			c := "conv-" + d
			body += row(d+"T10:00:00.000+0000", c, c, "RCMR_IN010000UK05", asidA, asidB, "NotProvided", "NONE") +
				row(d+"T10:05:00.000+0000", c, c+"-ehr", "RCMR_IN030000UK06", asidB, asidA, "NotProvided", "NONE") +
				row(d+"T10:10:00.000+0000", c, c+"-ack", "MCCI_IN010000UK13", asidA, asidB, c+"-ehr", "NONE")
		}
		writeFile(t, spineDir, SpineKey(day(d)), gz(t, []byte(body)))
	}
	writeFile(t, odsDir, ODSKey(Month{2020, 1}), []byte(`{"generated_on": "2020-01-01T00:00:00+00:00", "year": 2020, "month": 1,
		"practices": [{"ods_code": "A1", "name": "Old", "asids": ["`+asidA+`"]}, {"ods_code": "A2", "name": "Practice A", "asids": ["`+asidA+`"]}],
		"sicbls": [{"ods_code": "S1", "name": "First", "practices": ["A2"]}, {"ods_code": "S2", "name": "Sub-ICB", "practices": ["A2"]}]}`))
	return spineDir, odsDir
}

func TestRunSmall(t *testing.T) {
	spineDir, odsDir := smallCase(t)
	out := t.TempDir()
	w := ExplicitWindow(day("2020-01-30"), day("2020-02-02"), 1)
	sum, err := Run(context.Background(), Config{SpineBucket: spineDir, ODSBucket: odsDir, OutputBucket: out, BuildTag: "b", Window: w, CutoffDays: 1})
	if err != nil {
		t.Fatal(err)
	}
	// February falls back to January, per day (†).
	var months []string
	for _, d := range sum.Days {
		months = append(months, d.ODSMetadataMonth)
		if d.Transfers != 1 {
			t.Errorf("%s: %d transfers", d.Day, d.Transfers)
		}
	}
	if d := cmp.Diff([]string{"2020-1", "2020-1", "2020-1"}, months); d != "" {
		t.Errorf("ODS months (-want +got):\n%s", d)
	}
	if sum.RowsRead != 9 || sum.RowsAccepted != 9 || sumMessages(sum.Messages) != 9 || len(sum.Inputs) != 4 {
		t.Errorf("rows %d accepted %d messages %v inputs %d", sum.RowsRead, sum.RowsAccepted, sum.Messages, len(sum.Inputs))
	}
	if sum.UnknownASIDTransfers != 3 {
		t.Errorf("unknown ASID practices %d, want 3", sum.UnknownASIDTransfers)
	}
	v := readTable(t, out, 1, "2020-02-01")
	c := v.Columns
	// The later practice and SICBL win; B is unknown: null, not "".
	want := map[string]any{"requesting_practice_ods_code": "A2", "requesting_practice_name": "Practice A",
		"requesting_practice_sicbl_ods_code": "S2", "requesting_practice_sicbl_name": "Sub-ICB",
		"sending_practice_asid": asidB, "sending_practice_ods_code": nil, "sending_practice_sicbl_name": nil,
		"status": "Integrated on time", "failure_reason": nil, "last_sender_message_timestamp": "2020-02-01T10:05:00.000000"}
	for k, w := range want {
		if got := c[k][0]; got != w {
			t.Errorf("%s = %v, want %v", k, got, w)
		}
	}
}

func readTable(t *testing.T, out string, cutoff int, d string) *v11Read {
	t.Helper()
	v, err := readV11(filepath.Join(out, filepath.FromSlash(OutputKey(cutoff, day(d)))))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestRunErrors(t *testing.T) {
	spineDir, odsDir := smallCase(t)
	run := func(w Window, cutoff int, ods string) (string, error) {
		out := t.TempDir()
		_, err := Run(context.Background(), Config{SpineBucket: spineDir, ODSBucket: ods, OutputBucket: out, BuildTag: "b", Window: w, CutoffDays: cutoff})
		return out, err
	}
	noOutputs := func(t *testing.T, out string) {
		t.Helper()
		filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				t.Errorf("written: %s", p)
			}
			return nil
		})
	}
	t.Run("missing overflow day", func(t *testing.T) {
		out, err := run(ExplicitWindow(day("2020-01-30"), day("2020-02-02"), 2), 2, odsDir)
		if !errors.Is(err, store.ErrNotFound) || !strings.Contains(err.Error(), "v3/2020/02/03/2020-02-03_spine_messages.csv.gz") {
			t.Errorf("error %v, want not found naming the key", err)
		}
		noOutputs(t, out)
	})
	t.Run("no ODS metadata for the month or the one before", func(t *testing.T) {
		empty := t.TempDir()
		before, fds := runtime.NumGoroutine(), openFDs(t)
		out, err := run(ExplicitWindow(day("2020-01-30"), day("2020-01-31"), 0), 0, empty)
		if err == nil || !strings.Contains(err.Error(), "v5/2020/1/organisationMetadata.json") || !strings.Contains(err.Error(), "v5/2019/12/organisationMetadata.json") {
			t.Errorf("error %v, want one naming both months' keys", err)
		}
		noOutputs(t, out)
		// The files opened while the metadata was read are closed.
		noneLeftOpen(t, before, fds)
	})
	t.Run("a bad file, with files opened after it", func(t *testing.T) {
		spineDir, odsDir := smallCase(t)
		bad := SpineKey(day("2020-01-31"))
		writeFile(t, spineDir, bad, []byte("not gzip"))
		before, fds := runtime.NumGoroutine(), openFDs(t)
		out := t.TempDir()
		_, err := Run(context.Background(), Config{SpineBucket: spineDir, ODSBucket: odsDir, OutputBucket: out, BuildTag: "b",
			Window: ExplicitWindow(day("2020-01-30"), day("2020-02-01"), 2), CutoffDays: 2})
		if !errors.Is(err, spinelog.ErrNotGzip) || !strings.Contains(err.Error(), bad) {
			t.Errorf("error %v, want not gzip naming %s", err, bad)
		}
		noOutputs(t, out)
		// The files opened ahead are closed, and their decompressors stop.
		noneLeftOpen(t, before, fds)
	})
	// onlyFile checks that out holds the one file, nothing published or
	// staged.
	onlyFile := func(t *testing.T, out, file string) {
		t.Helper()
		filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && p != filepath.Join(out, filepath.FromSlash(file)) {
				t.Errorf("left: %s", p)
			}
			return nil
		})
	}
	t.Run("a failed publish removes the days published before it", func(t *testing.T) {
		// Ten days, published eight at once: the worker that takes the
		// tenth has published another first.
		w := ExplicitWindow(day("2020-01-30"), day("2020-02-09"), 0)
		for _, d := range w.Days[4:] {
			writeFile(t, spineDir, SpineKey(d), gz(t, []byte(csvHeader+"\n")))
		}
		out := t.TempDir()
		// The tenth day's key is a folder, with a file in it: its table
		// is staged beside it, and renaming it into place fails.
		blocker := OutputKey(0, w.Days[9]) + "/x"
		writeFile(t, out, blocker, []byte("x"))
		_, err := Run(context.Background(), Config{SpineBucket: spineDir, ODSBucket: odsDir, OutputBucket: out, BuildTag: "b", Window: w})
		if err == nil || !strings.Contains(err.Error(), "2020/02/08") || !strings.Contains(err.Error(), "rename") {
			t.Fatalf("error %v, want the tenth day's rename's", err)
		}
		onlyFile(t, out, blocker)
	})
	// Whichever fails, none is left: classified after the read (no
	// cutoff) or during it (a cutoff of 1; these few rows settle no day
	// before the read ends: TestStreamWriteFails fails one during it).
	for _, cutoff := range []int{0, 1} {
		for _, failing := range []string{"2020/01/30", "2020/01/31", "2020/02/01"} {
			t.Run(fmt.Sprintf("a failed write leaves no day, %s, cutoff %d", failing, cutoff), func(t *testing.T) {
				out := t.TempDir()
				// The day's folder is a file: its table cannot be staged.
				blocker := fmt.Sprintf("v11/cutoff-%d/%s", cutoff, failing)
				writeFile(t, out, blocker, []byte("x"))
				before, fds := runtime.NumGoroutine(), openFDs(t)
				_, err := Run(context.Background(), Config{SpineBucket: spineDir, ODSBucket: odsDir, OutputBucket: out, BuildTag: "b",
					Window: ExplicitWindow(day("2020-01-30"), day("2020-02-02"), cutoff), CutoffDays: cutoff})
				if err == nil || !strings.Contains(err.Error(), failing) || errors.Is(err, context.Canceled) {
					t.Fatalf("error %v, want the failed write's, naming %s", err, failing)
				}
				onlyFile(t, out, blocker)
				noneLeftOpen(t, before, fds)
			})
		}
	}
}

// noneLeftOpen checks that a run left no more files open than fds, nor
// goroutines running than before.
func noneLeftOpen(t *testing.T, before, fds int) {
	t.Helper()
	// The goroutines first: one still opening a file would open it after
	// the files were counted.
	for i := 0; runtime.NumGoroutine() > before; i++ {
		if i == 100 {
			t.Fatalf("%d goroutines left running, %d before", runtime.NumGoroutine(), before)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if n := openFDs(t); n > fds {
		t.Errorf("%d files open, %d before", n, fds)
	}
}

// openFDs is how many files the process has open, where the system
// says (/proc/self/fd), or -1.
func openFDs(t *testing.T) int {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	return len(fds)
}

// TestEnrichmentPractice: explain --daily names a practice from the
// metadata of the window day of the time given, the first day's before
// the window and the last day's after it.
func TestEnrichmentPractice(t *testing.T) {
	month := func(m int, name string) *lookup {
		l, err := parseLookup([]byte(`{"year": 2020, "month": ` + strconv.Itoa(m) + `, "practices": [{"ods_code": "A1", "name": "` + name + `", "asids": ["111"]}], "sicbls": []}`))
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	jan, feb := month(1, "January's"), month(2, "February's")
	e := &Enrichment{window: ExplicitWindow(day("2020-01-31"), day("2020-02-02"), 0), lookups: []*lookup{jan, feb}}
	for _, tc := range []struct {
		at   string
		want string
	}{
		{"2020-01-20T10:00:00Z", "January's"},
		{"2020-01-30T23:00:00Z", "January's"},
		{"2020-01-31T23:59:59Z", "January's"},
		{"2020-02-01T00:00:00Z", "February's"},
		{"2020-03-01T00:00:00Z", "February's"},
	} {
		at, err := time.Parse(time.RFC3339, tc.at)
		if err != nil {
			t.Fatal(err)
		}
		if code, name, ok := e.Practice(at, "111"); !ok || code != "A1" || name != tc.want {
			t.Errorf("%s: %s %s %v, want A1 %s", tc.at, code, name, ok, tc.want)
		}
	}
	if _, _, ok := e.Practice(day("2020-02-01"), "999"); ok {
		t.Error("an unknown ASID is known")
	}
}
