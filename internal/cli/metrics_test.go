package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMetricsValidate: --validate (or VALIDATE_METRICS) reports each of
// production's checks and, when one fails, exits 4 having published
// nothing; without it the same metrics are published.
func TestMetricsValidate(t *testing.T) {
	in := t.TempDir()
	writeFebruary(t, in)
	env := []string{"INPUT_TRANSFER_DATA_BUCKET=" + in, "BUILD_TAG=t", "DATE_ANCHOR=2020-03-05T00:00:00Z",
		"NUMBER_OF_MONTHS=1", "GP2GP_NOW=2020-03-10T09:00:00Z"}
	for _, tc := range []struct {
		name string
		env  []string
		args []string
		code int
		want []string
	}{
		{"flag", nil, []string{"--validate"}, ExitInvalid, []string{
			"Validation:\n",
			"  FAIL national transfers          58 transfers in 2020-02; at least 150000 needed\n",
			"  FAIL months of practice metrics  the first practice (A1) has 1 months; 6 needed\n",
			"  ok   latest month                the metrics' latest month is 2020-02; generated in 2020-03, so 2020-02 needed\n",
			"Nothing was published.\n",
			"event=METRICS_VALIDATION_FAILED",
		}},
		{"variable", []string{"VALIDATE_METRICS=true"}, nil, ExitInvalid, []string{"FAIL national transfers"}},
		{"off", []string{"VALIDATE_METRICS=true", "NO_REPORT=true"}, []string{"--validate=false"}, ExitOK, []string{"Wrote "}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			var stdout, stderr bytes.Buffer
			e := append(append([]string{"OUTPUT_METRICS_BUCKET=" + out}, env...), tc.env...)
			code := Main(context.Background(), append([]string{"metrics"}, tc.args...), e, &stdout, &stderr)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s", code, tc.code, stderr.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr.String())
				}
			}
			_, err := os.Stat(filepath.Join(out, "v12", "2020", "2", "2020-2-nationalMetrics.json"))
			if published := err == nil; published != (tc.code == ExitOK) {
				t.Errorf("published %v with exit %d", published, code)
			}
			if _, err := os.Stat(filepath.Join(out, "v12", "2020", "2", "report.html")); err == nil {
				t.Errorf("wrote report.html")
			}
		})
	}
}
