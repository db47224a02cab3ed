package store

import (
	"context"
	"errors"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

func TestCheckWritableLocal(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "file"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, root, key string
		ok              bool
	}{
		{"existing directory", dir, "x.json", true},
		{"directories still to make", filepath.Join(dir, "new", "out"), "v4/2019/12/x.json", true},
		{"through a file", filepath.Join(dir, "file"), "x.json", false},
		{"through a file, deeper", dir, "file/v4/x.json", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := &Bucket{loc: Location{Kind: KindLocal, Root: tt.root}, be: dirBackend{root: tt.root}}
			err := b.CheckWritable(ctx, tt.key)
			if (err == nil) != tt.ok {
				t.Fatalf("CheckWritable: %v, want ok %v", err, tt.ok)
			}
			if probe := b.URL(path.Join(path.Dir(tt.key), WriteCheckName)); err != nil && strings.Count(err.Error(), probe) != 1 {
				t.Errorf("error %q does not name %s once", err, probe)
			}
		})
	}
	if got := listFiles(t, dir); len(got) != 1 || got[0] != "file" {
		t.Errorf("the checks left %q, want only the file that was there", got)
	}
}

func TestCheckWritableS3(t *testing.T) {
	srv := startS3(t)
	ctx := context.Background()
	b := openS3Test(t, testBucket+"/pre", fastRetries(srv.URL, 2))
	// An earlier output at the key checked is left as it was.
	const key = "v4/2019/12/transfers.parquet"
	if err := b.WriteFile(ctx, key, writeBytes([]byte("earlier"))); err != nil {
		t.Fatal(err)
	}
	if err := b.CheckWritable(ctx, key); err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, b, key); string(got) != "earlier" {
		t.Errorf("the check changed %s to %q", key, got)
	}
	out, err := srv.Client().ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(testBucket)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Contents) != 1 {
		t.Errorf("the check left %d objects, want only the earlier output", len(out.Contents))
	}

	missing := openS3Test(t, "no-such-bucket", fastRetries(srv.URL, 2))
	if err := missing.CheckWritable(ctx, "k"); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "no such bucket") {
		t.Errorf("missing bucket: %v, want ErrNotFound (no such bucket)", err)
	}

	t.Setenv("AWS_SECRET_ACCESS_KEY", "wrong-secret")
	denied := openS3Test(t, testBucket, fastRetries(srv.URL, 2))
	probe := "s3://" + testBucket + "/" + WriteCheckName
	if err := denied.CheckWritable(ctx, "k"); !errors.Is(err, ErrAccessDenied) || strings.Count(err.Error(), probe) != 1 {
		t.Errorf("wrong credentials: %v, want ErrAccessDenied naming %s once", err, probe)
	}
}
