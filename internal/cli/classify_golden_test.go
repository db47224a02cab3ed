package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nhsdigital/gp2gp/internal/golden"
	"github.com/nhsdigital/gp2gp/internal/output/outputtest"
)

// classifyCase is what the classify golden cases' case.json say.
type classifyCase struct {
	ParquetSchema [][2]string `json:"parquet_schema"`
	LocalEnvDrop  []string    `json:"local_env_drop"`
	Runs          []struct {
		Name             string                       `json:"name"`
		Env              map[string]string            `json:"env"`
		Clock            *string                      `json:"clock"`
		Expected         map[string]string            `json:"expected"`
		ExpectedMetadata map[string]map[string]string `json:"expected_metadata"`
	} `json:"runs"`
}

// runClassifyCase runs gp2gp classify as a separate process for one run of
// a golden case, configured by the run's environment (local folders for
// the buckets, GP2GP_NOW for its frozen clock) and extra args, and returns
// the output folder and the summary's JSON.
func runClassifyCase(t *testing.T, gc golden.Case, drop []string, env map[string]string, clock *string, args ...string) (string, classifySummary) {
	t.Helper()
	out := t.TempDir()
	dropped := map[string]bool{}
	for _, k := range drop {
		dropped[k] = true
	}
	var vars []string
	for k, v := range env {
		switch {
		case dropped[k]:
		case k == "INPUT_SPINE_DATA_BUCKET" || k == "INPUT_ODS_METADATA_BUCKET":
			vars = append(vars, k+"="+gc.Path(t, v))
		case k == "OUTPUT_TRANSFER_DATA_BUCKET":
			vars = append(vars, k+"="+out)
		default:
			vars = append(vars, k+"="+v)
		}
	}
	if clock != nil {
		vars = append(vars, "GP2GP_NOW="+*clock)
	}
	cmd := gp2gpCommand(vars, append([]string{"classify", "--json"}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatal(err)
		}
		t.Fatalf("exit %d\n%s", ee.ExitCode(), stderr.String())
	}
	var sum classifySummary
	if err := json.Unmarshal(stdout.Bytes(), &sum); err != nil {
		t.Fatalf("summary: %v\n%s", err, stdout.String())
	}
	return out, sum
}

type classifySummary struct {
	Days []struct {
		Output   string            `json:"output"`
		Metadata map[string]string `json:"metadata"`
	} `json:"days"`
	Transfers int `json:"transfers"`
}

// compareClassifyRun compares a run's outputs with the expected ones: the
// schema (names, order, Arrow types, all OPTIONAL), every value row by
// row, and the metadata exactly (from the summary: a local folder keeps
// none). It returns the number of tables
// whose values differ; report says whether to fail on a difference.
func compareClassifyRun(t *testing.T, gc golden.Case, schema [][2]string, out string, sum classifySummary,
	expected map[string]string, wantMeta map[string]map[string]string, report bool) int {
	t.Helper()
	differ := 0
	for key, exp := range expected {
		got, err := outputtest.ReadV11(filepath.Join(out, filepath.FromSlash(key)))
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		if d := cmp.Diff(schema, got.Schema); d != "" {
			t.Errorf("%s: schema (-want +got):\n%s", key, d)
		}
		if !got.Optional {
			t.Errorf("%s: a column or list element is not OPTIONAL", key)
		}
		dec := json.NewDecoder(bytes.NewReader(mustRead(t, gc.Path(t, filepath.FromSlash(exp)))))
		dec.UseNumber()
		var want map[string][]any
		if err := dec.Decode(&want); err != nil {
			t.Fatalf("%s: %v", exp, err)
		}
		if d := cmp.Diff(want, got.Columns); d != "" {
			differ++
			if report {
				t.Errorf("%s differs from %s (-want +got):\n%s", key, exp, d)
			}
		}
	}
	gotMeta := map[string]map[string]string{}
	for _, d := range sum.Days {
		rel, err := filepath.Rel(out, d.Output)
		if err != nil {
			t.Fatal(err)
		}
		gotMeta[filepath.ToSlash(rel)] = d.Metadata
	}
	// The expected keys are some of the days (the others have no rows).
	for k := range gotMeta {
		if _, ok := wantMeta[k]; !ok {
			delete(gotMeta, k)
		}
	}
	if d := cmp.Diff(wantMeta, gotMeta); d != "" {
		t.Errorf("user metadata (-want +got):\n%s", d)
	}
	return differ
}

// TestClassifyGolden runs gp2gp classify on every run of the classify
// golden cases, as the golden README says: each run's expected days equal
// the reference's, with its metadata. The UK07 case runs with both
// settings: by default (UK07 a core EHR) it equals the reference; told
// not to, the UK07 conversations' tables differ, while on the e2e case
// (no UK07 rows) the setting makes no difference.
func TestClassifyGolden(t *testing.T) {
	for _, gc := range golden.Cases(t, golden.Classify) {
		t.Run(gc.Name, func(t *testing.T) {
			var cc classifyCase
			gc.Decode(t, &cc)
			if len(cc.Runs) == 0 {
				t.Fatal("no runs in case.json")
			}
			hasUK07 := strings.Contains(gc.Name, "uk07")
			for _, run := range cc.Runs {
				t.Run(run.Name, func(t *testing.T) {
					out, sum := runClassifyCase(t, gc, cc.LocalEnvDrop, run.Env, run.Clock)
					compareClassifyRun(t, gc, cc.ParquetSchema, out, sum, run.Expected, run.ExpectedMetadata, true)
					days := 0
					filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
						if err == nil && strings.HasSuffix(p, "-transfers.parquet") {
							days++
						}
						return nil
					})
					if days != len(sum.Days) {
						t.Errorf("%d tables written, %d days in the summary", days, len(sum.Days))
					}
				})
				t.Run(run.Name+"/uk07-off", func(t *testing.T) {
					out, sum := runClassifyCase(t, gc, cc.LocalEnvDrop, run.Env, run.Clock, "--uk07-core-ehr=false")
					differ := compareClassifyRun(t, gc, cc.ParquetSchema, out, sum, run.Expected, run.ExpectedMetadata, !hasUK07)
					if hasUK07 && run.Name == "A" && differ == 0 {
						t.Error("with UK07 not a core EHR, every table still equals the reference's (which counts it)")
					}
				})
			}
		})
	}
}
