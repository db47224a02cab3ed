package store

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/nhsdigital/gp2gp/internal/store/s3test"
)

const testBucket = "gp2gp-test"

// fastRetries keeps retry tests quick.
func fastRetries(endpoint string, attempts int) Options {
	return Options{EndpointURL: endpoint, MaxAttempts: attempts, MaxBackoff: 20 * time.Millisecond}
}

// startS3 starts versitygw with testBucket and points the SDK's environment
// at it.
func startS3(t *testing.T) *s3test.Server {
	t.Helper()
	srv := s3test.Start(t)
	srv.CreateBucket(t, testBucket)
	srv.Setenv(t)
	return srv
}

func openS3Test(t *testing.T, spec string, opts Options) *Bucket {
	t.Helper()
	b, err := Open(context.Background(), spec, opts)
	if err != nil {
		t.Fatalf("Open(%q): %v", spec, err)
	}
	t.Cleanup(func() { _ = b.Close() })
	return b
}

func TestS3RoundTrip(t *testing.T) {
	srv := startS3(t)
	tests := []struct {
		spec, prefix string
	}{
		{testBucket, ""},
		{testBucket + "/some/prefix", "some/prefix"},
		{"s3://" + testBucket, ""},
		{"s3://" + testBucket + "/other/prefix/", "other/prefix"},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			b := openS3Test(t, tt.spec, Options{EndpointURL: srv.URL})
			testRoundTrip(t, b)

			// The object lands under the prefix, and URL says so.
			const key = "v4/2019/12/practiceMetrics.json"
			if err := b.WriteFile(context.Background(), key, writeBytes([]byte("{}"))); err != nil {
				t.Fatal(err)
			}
			full := strings.TrimPrefix(tt.prefix+"/"+key, "/")
			if _, err := os.Stat(filepath.Join(srv.Dir, testBucket, filepath.FromSlash(full))); err != nil {
				t.Errorf("object not stored at %s/%s: %v", testBucket, full, err)
			}
			if got, want := b.URL(key), "s3://"+testBucket+"/"+full; got != want {
				t.Errorf("URL = %q, want %q", got, want)
			}
			testNotFound(t, b, "v2/messages/2019/12/missing.csv.gz")

			// The object's content type follows its extension.
			head, err := srv.Client().HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(testBucket), Key: aws.String(full)})
			if err != nil {
				t.Fatal(err)
			}
			if got := aws.ToString(head.ContentType); got != "application/json" {
				t.Errorf("content type %q, want application/json", got)
			}
		})
	}
}

func TestS3NotFoundMessage(t *testing.T) {
	srv := startS3(t)
	b := openS3Test(t, "s3://"+testBucket+"/pre", Options{EndpointURL: srv.URL})
	_, err := b.NewReader(context.Background(), "a/b.csv.gz")
	want := "read s3://" + testBucket + "/pre/a/b.csv.gz: object not found"
	if err == nil || err.Error() != want || !errors.Is(err, ErrNotFound) {
		t.Errorf("error %q, want %q wrapping ErrNotFound", err, want)
	}

	nb := openS3Test(t, "no-such-bucket", Options{EndpointURL: srv.URL})
	_, err = nb.NewReader(context.Background(), "k")
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "s3://no-such-bucket/k") {
		t.Errorf("missing bucket error %v, want ErrNotFound naming s3://no-such-bucket/k", err)
	}
}

func TestS3Multipart(t *testing.T) {
	srv := startS3(t)
	ctx := context.Background()
	b := openS3Test(t, testBucket+"/big", Options{EndpointURL: srv.URL})
	data := make([]byte, 12<<20+12345)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range data {
		data[i] = byte(rng.Uint32())
	}
	const key = "v4/2019/12/transfers.parquet"
	if err := b.WriteFile(ctx, key, writeBytes(data)); err != nil {
		t.Fatalf("WriteFile: %v", err)
	}
	if got := readAll(t, b, key); !bytes.Equal(got, data) {
		t.Fatalf("read back %d bytes, not the %d written", len(got), len(data))
	}
	head, err := srv.Client().HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(testBucket), Key: aws.String("big/" + key)})
	if err != nil {
		t.Fatal(err)
	}
	if etag := aws.ToString(head.ETag); !strings.Contains(etag, "-") {
		t.Errorf("ETag %s has no part count: not a multipart upload", etag)
	}

	// A failed large write leaves no object and no unfinished upload.
	err = b.WriteFile(ctx, "v4/failed.parquet", func(w io.Writer) error {
		if _, err := w.Write(data); err != nil {
			return err
		}
		return errBoom
	})
	if !errors.Is(err, errBoom) {
		t.Errorf("WriteFile error %v, want %v", err, errBoom)
	}
	if ok, err := b.Exists(ctx, "v4/failed.parquet"); ok || err != nil {
		t.Errorf("Exists after failed write = %v, %v; want false, nil", ok, err)
	}
	checkNoUploads(t, srv)
}

// checkNoUploads fails t if srv has unfinished multipart uploads.
func checkNoUploads(t *testing.T, srv *s3test.Server) {
	t.Helper()
	ups, err := srv.Client().ListMultipartUploads(context.Background(), &s3.ListMultipartUploadsInput{Bucket: aws.String(testBucket)})
	if err != nil {
		t.Fatal(err)
	}
	if len(ups.Uploads) != 0 {
		t.Errorf("%d multipart uploads left unfinished, want 0", len(ups.Uploads))
	}
}

func TestS3WrongCredentials(t *testing.T) {
	srv := startS3(t)
	t.Setenv("AWS_SECRET_ACCESS_KEY", "wrong-secret")
	b := openS3Test(t, testBucket, fastRetries(srv.URL, 2))
	ctx := context.Background()
	_, rerr := b.NewReader(ctx, "k")
	_, serr := b.Size(ctx, "k")
	werr := b.WriteFile(ctx, "k", writeBytes([]byte("x")))
	// A multipart upload that S3 refuses while the caller still writes.
	done := make(chan error, 1)
	go func() {
		done <- b.WriteFile(ctx, "k", writeBytes(make([]byte, 3*PartSize)))
	}()
	var merr error
	select {
	case merr = <-done:
	case <-time.After(time.Minute):
		t.Fatal("a refused multipart upload still blocks its writer after a minute")
	}
	for _, err := range []error{rerr, serr, werr, merr} {
		if !errors.Is(err, ErrAccessDenied) || !strings.Contains(err.Error(), "s3://"+testBucket+"/k") {
			t.Errorf("error %v, want ErrAccessDenied naming s3://%s/k", err, testBucket)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("error %q spans lines", err)
		}
	}
	t.Logf("wrong credentials: %v", rerr)
}

// closedPort returns an address on which nothing listens.
func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestS3Unreachable(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "k")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "s")
	t.Setenv("AWS_REGION", "us-east-1")
	b := openS3Test(t, testBucket, fastRetries("http://"+closedPort(t), 3))
	start := time.Now()
	_, err := b.NewReader(context.Background(), "k")
	if err == nil || errors.Is(err, ErrNotFound) || errors.Is(err, ErrAccessDenied) {
		t.Fatalf("error %v, want a connection error", err)
	}
	if !strings.Contains(err.Error(), "maximum number of attempts, 3") {
		t.Errorf("error %v, want 3 attempts", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("gave up after %v, want quickly", d)
	}
	t.Logf("unreachable: %v", err)
}

func TestS3Retries(t *testing.T) {
	srv := startS3(t)
	ctx := context.Background()
	tests := []struct {
		name         string
		failFirst    int
		status       int
		attempts     int
		wantErr      bool
		wantRequests int
	}{
		{"503 twice", 2, http.StatusServiceUnavailable, 5, false, 3},
		{"500 twice", 2, http.StatusInternalServerError, 5, false, 3},
		{"503 always", 100, http.StatusServiceUnavailable, 3, true, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			proxy := s3test.StartFaultyProxy(t, srv.URL, tt.failFirst, tt.status)
			b := openS3Test(t, testBucket, fastRetries(proxy.URL, tt.attempts))
			key := "retry/" + strings.ReplaceAll(tt.name, " ", "-")
			err := b.WriteFile(ctx, key, writeBytes([]byte("payload")))
			if gotErr := err != nil; gotErr != tt.wantErr {
				t.Fatalf("WriteFile error %v, want error: %v", err, tt.wantErr)
			}
			if got := proxy.Requests(); got != tt.wantRequests {
				t.Errorf("proxy saw %d requests, want %d", got, tt.wantRequests)
			}
			if !tt.wantErr {
				if got := readAll(t, b, key); string(got) != "payload" {
					t.Errorf("read back %q", got)
				}
			}
		})
	}
}

func TestS3WrongRegion(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "k")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "s")
	t.Setenv("AWS_REGION", "us-east-1")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusMovedPermanently)
		if r.Method != http.MethodHead {
			io.WriteString(w, `<Error><Code>PermanentRedirect</Code><Message>use the right endpoint</Message></Error>`)
		}
	}))
	defer srv.Close()
	b := openS3Test(t, testBucket, fastRetries(srv.URL, 1))
	_, rerr := b.NewReader(context.Background(), "k")
	_, serr := b.Size(context.Background(), "k")
	for _, err := range []error{rerr, serr} {
		if err == nil || errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "set AWS_REGION") {
			t.Errorf("error %v, want a wrong-region error", err)
		}
	}
}

// TestS3PathStyle checks that an S3_ENDPOINT_URL is addressed path-style,
// as S3-compatible servers need: the bucket in the path, not the host name.
func TestS3PathStyle(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "k")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "s")
	t.Setenv("AWS_REGION", "us-east-1")
	paths := make(chan string, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths <- r.Host + " " + r.URL.Path
		w.WriteHeader(http.StatusNotFound)
	}))
	defer srv.Close()
	endpoint := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	b := openS3Test(t, testBucket+"/pre", fastRetries(endpoint, 1))
	if _, err := b.Size(context.Background(), "k"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Size error %v, want ErrNotFound", err)
	}
	select {
	case got := <-paths:
		if want := strings.TrimPrefix(endpoint, "http://") + " /" + testBucket + "/pre/k"; got != want {
			t.Errorf("request to %q, want %q", got, want)
		}
	default:
		t.Error("no request reached the endpoint")
	}
}

// TestS3WriteOptions: the content type and user metadata given reach S3,
// for a single PUT and a multipart upload.
func TestS3WriteOptions(t *testing.T) {
	srv := startS3(t)
	ctx := context.Background()
	b := openS3Test(t, testBucket+"/opts", Options{EndpointURL: srv.URL})
	meta := map[string]string{"date-anchor": "2020-01-30T18:44:49+00:00", "build-tag": "61ad1e1c"}
	for _, tc := range []struct {
		key  string
		size int
	}{{"small.json", 10}, {"big.json", PartSize + 1}} {
		t.Run(tc.key, func(t *testing.T) {
			opts := WriteOptions{ContentType: "application/json", Metadata: meta}
			if err := b.WriteFileWith(ctx, tc.key, opts, writeBytes(bytes.Repeat([]byte("x"), tc.size))); err != nil {
				t.Fatal(err)
			}
			head, err := srv.Client().HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(testBucket), Key: aws.String("opts/" + tc.key)})
			if err != nil {
				t.Fatal(err)
			}
			if got := aws.ToString(head.ContentType); got != "application/json" {
				t.Errorf("content type %q", got)
			}
			if len(head.Metadata) != 2 || head.Metadata["date-anchor"] != meta["date-anchor"] || head.Metadata["build-tag"] != meta["build-tag"] {
				t.Errorf("metadata %v, want %v", head.Metadata, meta)
			}
		})
	}
	// Without a content type, the key's extension gives it.
	if err := b.WriteFileWith(ctx, "plain.csv", WriteOptions{}, writeBytes([]byte("a,b\n"))); err != nil {
		t.Fatal(err)
	}
	head, err := srv.Client().HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(testBucket), Key: aws.String("opts/plain.csv")})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(head.ContentType); !strings.HasPrefix(got, "text/csv") {
		t.Errorf("content type %q, want text/csv", got)
	}
}
