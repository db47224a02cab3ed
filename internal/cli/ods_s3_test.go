package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/nhsdigital/gp2gp/internal/golden"
	"github.com/nhsdigital/gp2gp/internal/ord/ordtest"
	"github.com/nhsdigital/gp2gp/internal/store/s3test"
)

// TestODSS3 runs the gp2gp binary's ods command against a real S3 server
// (versitygw) and the fake ORD search serving ods-small: the output's
// bytes (generated_on aside), its content type and user metadata; then
// gp2gp run reads that metadata from S3; and a missing ASID export names
// its S3 key and writes nothing. With CI=true it fails, rather than skips,
// without versitygw.
func TestODSS3(t *testing.T) {
	srv := s3test.Start(t)
	bin := gp2gpBinary(t)
	gc := golden.Find(t, "ods-small")
	ord := ordtest.New(t, ordtest.Load(t, gc.Path(t, "ord", "ord.json")))
	ctx := context.Background()
	for _, b := range []string{"ods-mapping", "ods-out"} {
		srv.CreateBucket(t, b)
	}
	uploadDir(t, srv, gc.Path(t, "mapping"), "ods-mapping", "exports/")

	runODS := func(t *testing.T, extra ...string) (int, string) {
		env := append(srv.Env(), // AWS credentials, region and S3_ENDPOINT_URL
			"OUTPUT_BUCKET=s3://ods-out/metadata", "MAPPING_BUCKET=ods-mapping/exports",
			"DATE_ANCHOR=2020-01-30T18:44:49Z", "BUILD_TAG=61ad1e1c", "SEARCH_URL="+ord.SearchURL(),
			"ORD_REQUESTS_PER_SECOND=100", "GP2GP_PROGRESS=off")
		env = append(env, extra...)
		cctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(cctx, bin, "ods")
		cmd.Env, cmd.Dir = env, t.TempDir()
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		var ee *exec.ExitError
		switch {
		case errors.As(err, &ee):
			return ee.ExitCode(), stderr.String()
		case err != nil:
			t.Fatalf("%s ods: %v\n%s", bin, err, stderr.String())
		}
		return 0, stderr.String()
	}

	const key = "metadata/v2/2020/1/organisationMetadata.json"
	t.Run("golden", func(t *testing.T) {
		code, stderr := runODS(t)
		if code != 0 {
			t.Fatalf("exit %d\n%s", code, stderr)
		}
		got := filepath.Join(t.TempDir(), "got.json")
		download(t, srv, "ods-out", key, got)
		gb, _ := os.ReadFile(got)
		want, err := os.ReadFile(gc.Path(t, "expected", "v2", "2020", "1", "organisationMetadata.json"))
		if err != nil {
			t.Fatal(err)
		}
		re := regexp.MustCompile(`^\{"generated_on": "[^"]*"`)
		if !bytes.Equal(re.ReplaceAll(gb, re.Find(want)), want) {
			t.Errorf("s3://ods-out/%s differs from the reference's beyond generated_on", key)
		}
		head, err := srv.Client().HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("ods-out"), Key: aws.String(key)})
		if err != nil {
			t.Fatal(err)
		}
		if ct := aws.ToString(head.ContentType); ct != "application/json" {
			t.Errorf("content type %q, want application/json", ct)
		}
		wantMeta := map[string]string{"date-anchor": "2020-01-30T18:44:49+00:00", "build-tag": "61ad1e1c"}
		if len(head.Metadata) != len(wantMeta) || head.Metadata["date-anchor"] != wantMeta["date-anchor"] || head.Metadata["build-tag"] != wantMeta["build-tag"] {
			t.Errorf("user metadata %v, want %v", head.Metadata, wantMeta)
		}
	})

	t.Run("a failed run leaves the earlier output", func(t *testing.T) {
		before := filepath.Join(t.TempDir(), "before.json")
		download(t, srv, "ods-out", key, before)
		code, stderr := runODS(t, "SEARCH_URL=http://"+closedAddr(t)+"/ORD/2-0-0/organisations", "ORD_MAX_ATTEMPTS=1")
		if code != ExitFailure || !strings.Contains(stderr, "gp2gp ods: ORD practices search: GET http://") {
			t.Fatalf("exit %d, want 1 naming the search\n%s", code, stderr)
		}
		after := filepath.Join(t.TempDir(), "after.json")
		download(t, srv, "ods-out", key, after)
		b1, _ := os.ReadFile(before)
		b2, _ := os.ReadFile(after)
		if !bytes.Equal(b1, b2) {
			t.Errorf("the earlier output changed")
		}
		if keys := listKeys(t, srv, "ods-out", ""); len(keys) != 1 {
			t.Errorf("the bucket holds %v, want only %s", keys, key)
		}
	})

	t.Run("run reads it", func(t *testing.T) {
		month := golden.Find(t, "dec2019-1k")
		srv.CreateBucket(t, "ods-spine")
		srv.CreateBucket(t, "ods-run-out")
		uploadDir(t, srv, month.Path(t, month.SpineBucket), "ods-spine", "")
		res := runBinary(t, bin, srv, s3Run{spine: "ods-spine", org: "ods-out/metadata", out: "ods-run-out",
			endpoint: srv.URL, anchor: "2020-01-30T18:44:49Z", extraEnv: []string{"NO_REPORT=true", "GP2GP_PROGRESS=off"}})
		if res.code != ExitOK {
			t.Fatalf("gp2gp run exit %d\n%s", res.code, res.stderr)
		}
		got := filepath.Join(t.TempDir(), "practiceMetrics.json")
		download(t, srv, "ods-run-out", "v4/2019/12/practiceMetrics.json", got)
		b, _ := os.ReadFile(got)
		if !bytes.Contains(b, []byte(`"odsCode": "L06797", "name": "NORTHGATE MEDICAL GROUP DERBY"`)) {
			t.Errorf("practiceMetrics.json lacks ods-small's first practice: %.200s", b)
		}
	})

	t.Run("missing export", func(t *testing.T) {
		code, stderr := runODS(t, "DATE_ANCHOR=2020-03-01T00:00:00Z")
		if code != ExitFailure {
			t.Fatalf("exit %d, want 1\n%s", code, stderr)
		}
		want := "gp2gp ods: ASID export s3://ods-mapping/exports/2020/3/asidLookup.csv.gz: object not found"
		if !strings.Contains(stderr, want+"\n") {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
		if keys := listKeys(t, srv, "ods-out", "metadata/v2/2020/3/"); len(keys) > 0 {
			t.Errorf("wrote %v", keys)
		}
	})
}
