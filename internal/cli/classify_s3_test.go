package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/google/go-cmp/cmp"

	"github.com/nhsdigital/gp2gp/internal/golden"
	"github.com/nhsdigital/gp2gp/internal/output/outputtest"
	"github.com/nhsdigital/gp2gp/internal/store/s3test"
)

// TestClassifyS3 runs every run of the classify golden cases against a
// real S3 server (versitygw), with the case's buckets uploaded as its
// driver uploads them (read from ../shared at test time, never copied):
// every expected object's user metadata must equal the expected exactly,
// and its values the expected ones. With CI=true it fails, rather than
// skips, without versitygw.
func TestClassifyS3(t *testing.T) {
	cases := golden.Cases(t, golden.Classify)
	if len(cases) == 0 {
		return
	}
	srv := s3test.Start(t)
	ctx := context.Background()
	for i, gc := range cases {
		t.Run(gc.Name, func(t *testing.T) {
			var cc classifyCase
			gc.Decode(t, &cc)
			spineB, odsB := "spine"+string(rune('a'+i)), "ods"+string(rune('a'+i))
			srv.CreateBucket(t, spineB)
			srv.CreateBucket(t, odsB)
			uploadDir(t, srv, gc.Path(t, "spine"), spineB, "")
			uploadDir(t, srv, gc.Path(t, "ods"), odsB, "")
			for j, run := range cc.Runs {
				t.Run(run.Name, func(t *testing.T) {
					outB := "out" + string(rune('a'+i)) + string(rune('a'+j))
					srv.CreateBucket(t, outB)
					env := srv.Env()
					for k, v := range run.Env {
						switch k {
						case "INPUT_SPINE_DATA_BUCKET":
							v = "s3://" + spineB
						case "INPUT_ODS_METADATA_BUCKET":
							v = "s3://" + odsB
						case "OUTPUT_TRANSFER_DATA_BUCKET":
							v = "s3://" + outB
						case "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION", "S3_ENDPOINT_URL":
							continue
						}
						env = append(env, k+"="+v)
					}
					if run.Clock != nil {
						env = append(env, "GP2GP_NOW="+*run.Clock)
					}
					cmd := gp2gpCommand(env, "classify")
					cmd.Dir = t.TempDir()
					var stderr bytes.Buffer
					cmd.Stderr = &stderr
					if err := cmd.Run(); err != nil {
						var ee *exec.ExitError
						if errors.As(err, &ee) {
							t.Fatalf("exit %d\n%s", ee.ExitCode(), stderr.String())
						}
						t.Fatal(err)
					}
					for key, wantMeta := range run.ExpectedMetadata {
						head, err := srv.Client().HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(outB), Key: aws.String(key)})
						if err != nil {
							t.Fatalf("%s: %v", key, err)
						}
						if d := cmp.Diff(wantMeta, head.Metadata); d != "" {
							t.Errorf("%s: user metadata (-want +got):\n%s", key, d)
						}
					}
					for key, exp := range run.Expected {
						p := filepath.Join(t.TempDir(), "t.parquet")
						download(t, srv, outB, key, p)
						got, err := outputtest.ReadV11(p)
						if err != nil {
							t.Fatal(err)
						}
						dec := json.NewDecoder(bytes.NewReader(mustRead(t, gc.Path(t, filepath.FromSlash(exp)))))
						dec.UseNumber()
						var want map[string][]any
						if err := dec.Decode(&want); err != nil {
							t.Fatal(err)
						}
						if d := cmp.Diff(want, got.Columns); d != "" {
							t.Errorf("%s (-want +got):\n%s", key, d)
						}
					}
				})
			}
		})
	}
}
