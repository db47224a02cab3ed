package store

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseSpec(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		spec string
		want Location
	}{
		{"file:///abs/dir", Location{Kind: KindLocal, Root: "/abs/dir"}},
		{"file:///abs/dir/", Location{Kind: KindLocal, Root: "/abs/dir"}},
		{"file://localhost/abs", Location{Kind: KindLocal, Root: "/abs"}},
		{"/abs/dir", Location{Kind: KindLocal, Root: "/abs/dir"}},
		{"/abs/../other//dir/", Location{Kind: KindLocal, Root: "/other/dir"}},
		{"./out", Location{Kind: KindLocal, Root: filepath.Join(wd, "out")}},
		{"../out", Location{Kind: KindLocal, Root: filepath.Join(filepath.Dir(wd), "out")}},
		{".", Location{Kind: KindLocal, Root: wd}},
		{"..", Location{Kind: KindLocal, Root: filepath.Dir(wd)}},
		{"mem://", Location{Kind: KindMem}},
		{"mem://name", Location{Kind: KindMem, Root: "name"}},
		{"bucket", Location{Kind: KindS3, Root: "bucket"}},
		{"my-bucket.v2", Location{Kind: KindS3, Root: "my-bucket.v2"}},
		{"bucket/some/prefix", Location{Kind: KindS3, Root: "bucket", Prefix: "some/prefix"}},
		{"bucket/some/prefix/", Location{Kind: KindS3, Root: "bucket", Prefix: "some/prefix"}},
		{"bucket/", Location{Kind: KindS3, Root: "bucket"}},
		{"s3://bucket", Location{Kind: KindS3, Root: "bucket"}},
		{"s3://bucket/", Location{Kind: KindS3, Root: "bucket"}},
		{"s3://bucket/some/prefix", Location{Kind: KindS3, Root: "bucket", Prefix: "some/prefix"}},
	}
	for _, tt := range tests {
		got, err := ParseSpec(tt.spec)
		if err != nil {
			t.Errorf("ParseSpec(%q): %v", tt.spec, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseSpec(%q) mismatch (-want +got):\n%s", tt.spec, diff)
		}
	}
}

func TestParseSpecErrors(t *testing.T) {
	tests := []struct {
		spec    string
		wantErr string // a part of the error message
	}{
		{"", "empty bucket spec"},
		{" bucket", "leading or trailing space"},
		{"s3://", "empty S3 bucket name"},
		{"s3:///prefix", "empty S3 bucket name"},
		{"s3:bucket", "want s3://bucket[/prefix]"},
		{"/bucket", ""}, // control: a local path, no error
		{"file://relative", "needs an absolute path"},
		{"file://relative/dir", "needs an absolute path"},
		{"file:relative", "needs an absolute path"},
		{"file://", "needs an absolute path"},
		{"file:///abs?x=1", "no query"},
		{"mem:x", "want mem://"},
		{"mem://a/b", "cannot contain"},
		{"gs://bucket", "unsupported scheme"},
		{"https://example.com/b", "unsupported scheme"},
		{"bucket name", "contains ' '"},
		{"C:\\data", "contains"},
		{"bucket/a/../b", `".." path segment`},
		{"bucket/a//b", "empty path segment"},
		{"s3://bucket/./b", `"." path segment`},
	}
	for _, tt := range tests {
		_, err := ParseSpec(tt.spec)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("ParseSpec(%q): unexpected error %v", tt.spec, err)
		case tt.wantErr != "" && err == nil:
			t.Errorf("ParseSpec(%q): no error, want one containing %q", tt.spec, tt.wantErr)
		case err != nil && !strings.Contains(err.Error(), tt.wantErr):
			t.Errorf("ParseSpec(%q) error %q, want it to contain %q", tt.spec, err, tt.wantErr)
		}
	}
}

func TestCheckKey(t *testing.T) {
	tests := []struct {
		key string
		ok  bool
	}{
		{"v2/messages/2019/12/2019-12_spine_messages.csv.gz", true},
		{"a", true},
		{"a..b/c.d", true},
		{"", false},
		{"/etc/passwd", false},
		{"..", false},
		{"../x", false},
		{"a/../../x", false},
		{"a/./b", false},
		{"a//b", false},
		{"a/", false},
		{"a\\..\\b", false},
		{"a\x00b", false},
		{"a\nb", false},
	}
	for _, tt := range tests {
		if err := checkKey(tt.key); (err == nil) != tt.ok {
			t.Errorf("checkKey(%q) = %v, want ok=%v", tt.key, err, tt.ok)
		}
	}
}
