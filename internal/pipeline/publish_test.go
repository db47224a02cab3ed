package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// allOutputs are the objects a run with a report publishes, _SUCCESS last.
var allOutputs = []string{TransfersFile, PracticeMetricsFile, NationalMetricsFile, RejectedRowsFile, RunSummaryFile, ReportFile, SuccessFile}

// regularFiles returns the names of the regular files in dir (none if it
// does not exist).
func regularFiles(t *testing.T, dir string) map[string]bool {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	files := map[string]bool{}
	for _, e := range entries {
		if e.Type().IsRegular() {
			files[e.Name()] = true
		}
	}
	return files
}

// watchPublish records, after each output a run writes, its name, and
// checks what a reader of the output directory would see then: _SUCCESS
// only once every other output is in place.
func watchPublish(t *testing.T, o *options, dir string) *[]string {
	t.Helper()
	var written []string
	o.onPhase = func(p string) {
		name, ok := strings.CutPrefix(p, "published ")
		if !ok {
			return
		}
		written = append(written, name)
		present := regularFiles(t, dir)
		if name != SuccessFile && present[SuccessFile] {
			t.Errorf("%s present after writing only %v", SuccessFile, written)
		}
		if name == SuccessFile {
			for _, f := range allOutputs {
				if !present[f] {
					t.Errorf("%s written while %s is missing", SuccessFile, f)
				}
			}
		}
	}
	return &written
}

// TestPublishWritesSuccessLast: _SUCCESS is the last object written, and a
// second run into the same place removes the first run's _SUCCESS before
// it overwrites anything.
//
// kills: publish writing _SUCCESS first (files = append([]encodedFile{{name: SuccessFile}}, files...))
// kills: publish not deleting an earlier run's _SUCCESS before writing
func TestPublishWritesSuccessLast(t *testing.T) {
	m := generateMonth(t, 200, 17)
	out := t.TempDir()
	dir := filepath.Join(out, "v4/2019/12")
	for _, name := range []string{"into an empty bucket", "over an earlier run"} {
		t.Run(name, func(t *testing.T) {
			cfg := m.config(out)
			var o options
			written := watchPublish(t, &o, dir)
			if _, err := run(context.Background(), cfg, o); err != nil {
				t.Fatal(err)
			}
			if n := len(*written); n == 0 || (*written)[n-1] != SuccessFile {
				t.Errorf("written in the order %v, want %s last", *written, SuccessFile)
			}
			got := slices.Sorted(slices.Values(*written))
			if want := slices.Sorted(slices.Values(allOutputs)); !slices.Equal(got, want) {
				t.Errorf("written %v, want each of %v once", *written, want)
			}
		})
	}
}

// TestFailedPublishLeavesNothing fails the write of each output in turn (a
// directory stands where it must go): the run fails, _SUCCESS is never
// written, and the outputs written before the failure are removed.
//
// kills: publish writing _SUCCESS first (files = append([]encodedFile{{name: SuccessFile}}, files...))
// kills: publish not removing the outputs written before a failed write
func TestFailedPublishLeavesNothing(t *testing.T) {
	m := generateMonth(t, 200, 19)
	for _, failing := range allOutputs[:len(allOutputs)-1] {
		t.Run(failing, func(t *testing.T) {
			out := t.TempDir()
			dir := filepath.Join(out, "v4/2019/12")
			if err := os.MkdirAll(filepath.Join(dir, failing), 0o755); err != nil {
				t.Fatal(err)
			}
			cfg := m.config(out)
			var o options
			written := watchPublish(t, &o, dir)
			_, err := run(context.Background(), cfg, o)
			if err == nil || !strings.Contains(err.Error(), failing) {
				t.Fatalf("err = %v, want the write of %s to fail", err, failing)
			}
			if n := strings.Count(err.Error(), filepath.Join(dir, failing)); n != 1 {
				t.Errorf("err = %v: names %s %d times, want once", err, failing, n)
			}
			if slices.Contains(*written, failing) || slices.Contains(*written, SuccessFile) {
				t.Errorf("written %v despite the failure of %s", *written, failing)
			}
			assertEmpty(t, out)
		})
	}
}
