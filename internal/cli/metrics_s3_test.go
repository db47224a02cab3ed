package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/nhsdigital/gp2gp/internal/metricsrun"
	"github.com/nhsdigital/gp2gp/internal/store/s3test"
	"github.com/nhsdigital/gp2gp/internal/v11table/v11tabletest"
)

// TestMetricsS3 runs gp2gp metrics against a real S3 server (versitygw):
// every day of February 2020 as v11 tables in the input bucket, the two
// outputs with their content type and user metadata, the SSM parameters
// through a fake endpoint; then a missing day writes nothing. With CI=true
// it fails, rather than skips, without versitygw.
func TestMetricsS3(t *testing.T) {
	srv := s3test.Start(t)
	ctx := context.Background()
	srv.CreateBucket(t, "metrics-in")
	srv.CreateBucket(t, "metrics-out")
	dir := t.TempDir()
	writeFebruary(t, dir)
	uploadDir(t, srv, dir, "metrics-in", "tables/")
	ssm := startFakeSSM(t)

	run := func(t *testing.T, extra ...string) (int, string) {
		env := append(srv.Env(), "INPUT_TRANSFER_DATA_BUCKET=s3://metrics-in/tables", "OUTPUT_METRICS_BUCKET=metrics-out/dash",
			"BUILD_TAG=b7e2c91", "NUMBER_OF_MONTHS=1", "DATE_ANCHOR=2020-03-05T10:00:00+01:00",
			"NATIONAL_METRICS_S3_PATH_PARAM_NAME=nat", "PRACTICE_METRICS_S3_PATH_PARAM_NAME=prac", "AWS_ENDPOINT_URL_SSM="+ssm.URL)
		cmd := gp2gpCommand(append(env, extra...), "metrics")
		cmd.Dir = t.TempDir()
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		var ee *exec.ExitError
		switch {
		case errors.As(err, &ee):
			return ee.ExitCode(), stderr.String()
		case err != nil:
			t.Fatal(err)
		}
		return 0, stderr.String()
	}

	t.Run("outputs and metadata", func(t *testing.T) {
		if code, stderr := run(t); code != 0 {
			t.Fatalf("exit %d\n%s", code, stderr)
		}
		want := map[string]string{"metrics-calculator-version": "b7e2c91", "date-anchor": "2020-03-05T10:00:00+01:00", "number-of-months": "1"}
		for _, key := range []string{"dash/v12/2020/2/2020-2-nationalMetrics.json", "dash/v12/2020/2/2020-2-practiceMetrics.json"} {
			head, err := srv.Client().HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("metrics-out"), Key: aws.String(key)})
			if err != nil {
				t.Fatal(err)
			}
			if ct := aws.ToString(head.ContentType); ct != "application/json" {
				t.Errorf("%s: content type %q", key, ct)
			}
			if len(head.Metadata) != len(want) {
				t.Errorf("%s: metadata %v, want %v", key, head.Metadata, want)
			}
			for k, v := range want {
				if head.Metadata[k] != v {
					t.Errorf("%s: metadata %s = %q, want %q", key, k, head.Metadata[k], v)
				}
			}
		}
		head, err := srv.Client().HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("metrics-out"), Key: aws.String("dash/v12/2020/2/report.html")})
		if err != nil || !strings.HasPrefix(aws.ToString(head.ContentType), "text/html") {
			t.Errorf("report.html: %v", err)
		}
		got := filepath.Join(t.TempDir(), "n.json")
		download(t, srv, "metrics-out", "dash/v12/2020/2/2020-2-nationalMetrics.json", got)
		b, _ := os.ReadFile(got)
		if !bytes.Contains(b, []byte(`"year": 2020, "month": 2, "transferCount": 58, "integratedOnTime": {"transferCount": 29, "transferPercentage": 50.0}`)) {
			t.Errorf("national metrics: %s", b)
		}
		ssm.mu.Lock()
		defer ssm.mu.Unlock()
		if ssm.put["nat"]["Value"] != "2020/2/2020-2-nationalMetrics.json" || ssm.put["prac"]["Value"] != "2020/2/2020-2-practiceMetrics.json" {
			t.Errorf("SSM: %v", ssm.put)
		}
	})

	t.Run("a missing day writes nothing", func(t *testing.T) {
		code, stderr := run(t, "DATE_ANCHOR=2020-04-01T00:00:00Z", "NUMBER_OF_MONTHS=2")
		want := "gp2gp metrics: transfer table: read s3://metrics-in/tables/v11/cutoff-14/2020/03/01/2020-03-01-transfers.parquet: object not found\n"
		if code != ExitFailure || !strings.Contains(stderr, want) {
			t.Fatalf("exit %d, want 1 and %q\n%s", code, want, stderr)
		}
		if keys := listKeys(t, srv, "metrics-out", "dash/v12/2020/3/"); len(keys) > 0 {
			t.Errorf("wrote %v", keys)
		}
	})
}

// writeFebruary writes every day of February 2020 as a v11 table under
// dir: each day an on-time transfer of practice A1 and a technical failure
// of B2, both in Sub-ICB location 99X.
func writeFebruary(t *testing.T, dir string) {
	t.Helper()
	for d := time.Date(2020, 2, 1, 0, 0, 0, 0, time.UTC); d.Month() == 2; d = d.AddDate(0, 0, 1) {
		cols := []v11tabletest.Column{
			{Name: "sla_duration", Type: "uint64", Values: []any{3600, nil}},
			{Name: "requesting_practice_ods_code", Type: "string", Values: []any{"A1", "B2"}},
			{Name: "requesting_practice_name", Type: "string", Values: []any{"Practice A", "Practice B"}},
			{Name: "requesting_practice_sicbl_ods_code", Type: "string", Values: []any{"99X", "99X"}},
			{Name: "requesting_practice_sicbl_name", Type: "string", Values: []any{"ICB", "ICB"}},
			{Name: "status", Type: "string", Values: []any{"Integrated on time", "Technical failure"}},
			{Name: "failure_reason", Type: "string", Values: []any{nil, "Final error"}},
			{Name: "date_requested", Type: "timestamp[us, tz=utc]", Values: []any{d.Add(time.Hour), d.Add(2 * time.Hour)}},
		}
		b, err := v11tabletest.Encode(cols)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, filepath.FromSlash(metricsrun.DayKey(d)))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
