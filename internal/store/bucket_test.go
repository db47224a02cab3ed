package store

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// opener opens an empty bucket of one kind, and gives its directory if it
// is a local one.
type opener struct {
	name string
	open func(t *testing.T) (b *Bucket, dir string)
}

// localOpeners open an empty bucket of each local kind.
var localOpeners = []opener{
	{"file", func(t *testing.T) (*Bucket, string) {
		dir := t.TempDir()
		return mustOpen(t, "file://"+dir), dir
	}},
	{"dir", func(t *testing.T) (*Bucket, string) {
		dir := t.TempDir()
		return mustOpen(t, dir), dir
	}},
	{"mem", func(t *testing.T) (*Bucket, string) { return mustOpen(t, "mem://"), "" }},
}

// s3Opener opens a bucket, with a key prefix, on a fresh versitygw: the
// conformance tests run against S3 too (skipping that case without
// versitygw unless CI=true).
var s3Opener = opener{"s3", func(t *testing.T) (*Bucket, string) {
	srv := startS3(t)
	t.Cleanup(func() { checkNoUploads(t, srv) })
	return openS3Test(t, testBucket+"/conformance", Options{EndpointURL: srv.URL}), ""
}}

// openers are all the kinds of bucket.
var openers = append(localOpeners[:len(localOpeners):len(localOpeners)], s3Opener)

func mustOpen(t *testing.T, spec string) *Bucket {
	t.Helper()
	b, err := Open(context.Background(), spec, Options{})
	if err != nil {
		t.Fatalf("Open(%q): %v", spec, err)
	}
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return b
}

func writeBytes(data []byte) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	}
}

func readAll(t *testing.T, b *Bucket, key string) []byte {
	t.Helper()
	data, err := b.ReadFile(context.Background(), key)
	if err != nil {
		t.Fatalf("ReadFile(%q): %v", key, err)
	}
	return data
}

// testRoundTrip writes, reads, sizes, overwrites and deletes a few objects.
func testRoundTrip(t *testing.T, b *Bucket) {
	ctx := context.Background()
	const key = "v2/messages/2019/12/2019-12_spine_messages.csv.gz"
	if ok, err := b.Exists(ctx, key); err != nil || ok {
		t.Fatalf("Exists before write = %v, %v; want false, nil", ok, err)
	}
	for _, data := range [][]byte{[]byte("first,version\n"), {}, bytes.Repeat([]byte("0123456789"), 100_000)} {
		if err := b.WriteFile(ctx, key, writeBytes(data)); err != nil {
			t.Fatalf("WriteFile(%d bytes): %v", len(data), err)
		}
		if got := readAll(t, b, key); !bytes.Equal(got, data) {
			t.Fatalf("read back %d bytes, want %d", len(got), len(data))
		}
		if n, err := b.Size(ctx, key); err != nil || n != int64(len(data)) {
			t.Fatalf("Size = %d, %v; want %d", n, err, len(data))
		}
	}
	if ok, err := b.Exists(ctx, key); err != nil || !ok {
		t.Fatalf("Exists after write = %v, %v; want true, nil", ok, err)
	}
	if err := b.Delete(ctx, key); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if ok, err := b.Exists(ctx, key); err != nil || ok {
		t.Fatalf("Exists after delete = %v, %v; want false, nil", ok, err)
	}
	if err := b.Delete(ctx, key); err != nil {
		t.Fatalf("Delete of a missing object: %v", err)
	}
}

func TestRoundTrip(t *testing.T) {
	for _, o := range openers {
		t.Run(o.name, func(t *testing.T) {
			b, _ := o.open(t)
			testRoundTrip(t, b)
		})
	}
}

// testNotFound checks every read of a missing key names it and wraps
// ErrNotFound.
func testNotFound(t *testing.T, b *Bucket, key string) {
	t.Helper()
	ctx := context.Background()
	want := b.URL(key)
	_, err := b.NewReader(ctx, key)
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), want) {
		t.Errorf("NewReader(missing) error %v: want ErrNotFound naming %s", err, want)
	}
	_, err = b.Size(ctx, key)
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), want) {
		t.Errorf("Size(missing) error %v: want ErrNotFound naming %s", err, want)
	}
	_, err = b.ReadFile(ctx, key)
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), want) {
		t.Errorf("ReadFile(missing) error %v: want ErrNotFound naming %s", err, want)
	}
}

func TestNotFound(t *testing.T) {
	dir := t.TempDir()
	b := mustOpen(t, dir)
	testNotFound(t, b, "v2/x/missing.json")
	want := filepath.Join(dir, "v2", "x", "missing.json")
	if got := b.URL("v2/x/missing.json"); got != want {
		t.Errorf("URL = %q, want %q", got, want)
	}
	testNotFound(t, mustOpen(t, "mem://"), "missing.json")
	if got, want := mustOpen(t, "mem://m").URL("a/b"), "mem://m/a/b"; got != want {
		t.Errorf("URL = %q, want %q", got, want)
	}
}

func TestMissingLocalDir(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "not", "yet")
	b := mustOpen(t, dir)
	testNotFound(t, b, "a/b.json")
	if ok, err := b.Exists(ctx, "a/b.json"); ok || err != nil {
		t.Errorf("Exists = %v, %v; want false, nil", ok, err)
	}
	// A cancelled write does not create the directory.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := b.WriteFile(cctx, "a/b.json", writeBytes([]byte("{}"))); !errors.Is(err, context.Canceled) {
		t.Errorf("WriteFile(cancelled) error %v, want %v", err, context.Canceled)
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("after a cancelled write, stat %s: %v; want it missing", dir, err)
	}
	if err := b.WriteFile(ctx, "a/b.json", writeBytes([]byte("{}"))); err != nil {
		t.Fatalf("WriteFile: %v", err)
	}
	if got := readAll(t, b, "a/b.json"); string(got) != "{}" {
		t.Errorf("read back %q", got)
	}
	for _, d := range []string{dir, filepath.Join(dir, "a")} {
		info, err := os.Stat(d)
		if err != nil || info.Mode().Perm() != 0o755 {
			t.Errorf("directory %s: %v, mode %v; want 0755", d, err, info.Mode().Perm())
		}
	}
}

func TestOpenLocalNotADirectory(t *testing.T) {
	f := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(f, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Open(context.Background(), f, Options{})
	if err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("Open(file) error %v, want 'not a directory'", err)
	}
}

// listFiles returns every file under dir, as slash-separated relative paths.
func listFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files = append(files, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	return files
}

func TestLocalLayout(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	b := mustOpen(t, "file://"+dir)
	keys := []string{"v4/2019/12/transfers.parquet", "v4/2019/12/practiceMetrics.json", "top.txt"}
	for _, k := range keys {
		if err := b.WriteFile(ctx, k, writeBytes([]byte(k))); err != nil {
			t.Fatalf("WriteFile(%q): %v", k, err)
		}
	}
	sort.Strings(keys)
	if diff := cmp.Diff(keys, listFiles(t, dir)); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	for _, k := range keys {
		info, err := os.Stat(filepath.Join(dir, filepath.FromSlash(k)))
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != 0o644 {
			t.Errorf("%s mode %v, want 0644", k, info.Mode().Perm())
		}
	}
	// Files placed by hand are read as objects.
	if err := os.WriteFile(filepath.Join(dir, "v4", "hand.csv"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, b, "v4/hand.csv"); string(got) != "x" {
		t.Errorf("read hand-made file: %q", got)
	}
}

func TestKeyEscape(t *testing.T) {
	ctx := context.Background()
	parent := t.TempDir()
	dir := filepath.Join(parent, "bucket")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(parent, "secret"), []byte("s"), 0o644); err != nil {
		t.Fatal(err)
	}
	b := mustOpen(t, dir)
	for _, key := range []string{"../secret", "../escaped", "a/../../escaped", "/tmp/escaped", "..", "a//b", ""} {
		if err := b.WriteFile(ctx, key, writeBytes([]byte("x"))); !errors.Is(err, ErrBadKey) {
			t.Errorf("WriteFile(%q) error %v, want ErrBadKey", key, err)
		}
		if _, err := b.NewReader(ctx, key); !errors.Is(err, ErrBadKey) {
			t.Errorf("NewReader(%q) error %v, want ErrBadKey", key, err)
		}
		if _, err := b.Size(ctx, key); !errors.Is(err, ErrBadKey) {
			t.Errorf("Size(%q) error %v, want ErrBadKey", key, err)
		}
		if _, err := b.Exists(ctx, key); !errors.Is(err, ErrBadKey) {
			t.Errorf("Exists(%q) error %v, want ErrBadKey", key, err)
		}
		if err := b.Delete(ctx, key); !errors.Is(err, ErrBadKey) {
			t.Errorf("Delete(%q) error %v, want ErrBadKey", key, err)
		}
	}
	if files := listFiles(t, dir); len(files) != 0 {
		t.Errorf("files in bucket: %q, want none", files)
	}
	if diff := cmp.Diff([]string{"secret"}, listFiles(t, parent)); diff != "" {
		t.Errorf("files beside bucket (-want +got):\n%s", diff)
	}
}

var errBoom = errors.New("boom")

// atomicCases are writes that fail or are cancelled.
var atomicCases = []struct {
	name  string
	write func(cancel context.CancelFunc) func(io.Writer) error
	want  error
}{
	{"write error", func(context.CancelFunc) func(io.Writer) error {
		return func(w io.Writer) error {
			if _, err := w.Write(bytes.Repeat([]byte("x"), 3<<20)); err != nil {
				return err
			}
			return errBoom
		}
	}, errBoom},
	{"write error after a part", func(context.CancelFunc) func(io.Writer) error {
		return func(w io.Writer) error {
			if _, err := w.Write(bytes.Repeat([]byte("x"), PartSize+1)); err != nil {
				return err
			}
			return errBoom
		}
	}, errBoom},
	{"cancelled after a part", func(cancel context.CancelFunc) func(io.Writer) error {
		return func(w io.Writer) error {
			if _, err := w.Write(bytes.Repeat([]byte("x"), PartSize+1)); err != nil {
				return err
			}
			cancel()
			return nil
		}
	}, context.Canceled},
	{"error before writing", func(context.CancelFunc) func(io.Writer) error {
		return func(io.Writer) error { return errBoom }
	}, errBoom},
	{"cancelled mid-write", func(cancel context.CancelFunc) func(io.Writer) error {
		return func(w io.Writer) error {
			if _, err := w.Write(bytes.Repeat([]byte("x"), 3<<20)); err != nil {
				return err
			}
			cancel()
			// Writes fail once the context is cancelled.
			if _, err := w.Write([]byte("more")); err != nil {
				return err
			}
			return errors.New("a Write after cancel succeeded")
		}
	}, context.Canceled},
	{"cancelled before writing", func(cancel context.CancelFunc) func(io.Writer) error {
		cancel()
		return writeBytes([]byte("x"))
	}, context.Canceled},
}

// testWriteAtomic runs the atomicCases on b, checking that a failed write
// leaves nothing new and an earlier object as it was. It returns the key of
// the earlier object.
func testWriteAtomic(t *testing.T, b *Bucket, write func(context.CancelFunc) func(io.Writer) error, want error) string {
	t.Helper()
	const key = "v4/2019/12/nationalMetrics.json"
	if err := b.WriteFile(context.Background(), key, writeBytes([]byte("old"))); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{key, "v4/2019/12/new.json"} {
		ctx, cancel := context.WithCancel(context.Background())
		err := b.WriteFile(ctx, k, write(cancel))
		cancel()
		if !errors.Is(err, want) {
			t.Errorf("WriteFile(%q) error %v, want %v", k, err, want)
		}
	}
	if got := readAll(t, b, key); string(got) != "old" {
		t.Errorf("after a failed overwrite, read %.10q, want %q", got, "old")
	}
	if ok, err := b.Exists(context.Background(), "v4/2019/12/new.json"); ok || err != nil {
		t.Errorf("Exists(new) = %v, %v after a failed write; want false, nil", ok, err)
	}
	return key
}

func TestWriteAtomic(t *testing.T) {
	for _, o := range openers {
		for _, tt := range atomicCases {
			t.Run(o.name+"/"+tt.name, func(t *testing.T) {
				b, dir := o.open(t)
				key := testWriteAtomic(t, b, tt.write, tt.want)
				if dir == "" {
					return
				}
				// No temporary files are left.
				if diff := cmp.Diff([]string{key}, listFiles(t, dir)); diff != "" {
					t.Errorf("files (-want +got):\n%s", diff)
				}
			})
		}
	}
}

func TestMemShared(t *testing.T) {
	ctx := context.Background()
	a := mustOpen(t, "mem://shared-test")
	if err := a.WriteFile(ctx, "k", writeBytes([]byte("v"))); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, mustOpen(t, "mem://shared-test"), "k"); string(got) != "v" {
		t.Errorf("second Open of mem://shared-test read %q, want %q", got, "v")
	}
	if ok, _ := mustOpen(t, "mem://").Exists(ctx, "k"); ok {
		t.Error("mem:// shares contents; want a fresh bucket")
	}
}

// TestErrorNamesObjectOnce checks that the store's errors name the object
// once, so that neither the store's layers nor the OS's path repeat it.
func TestErrorNamesObjectOnce(t *testing.T) {
	ctx := context.Background()
	check := func(t *testing.T, what string, err error, url string) {
		t.Helper()
		if err == nil {
			t.Errorf("%s: no error", what)
		} else if n := strings.Count(err.Error(), url); n != 1 {
			t.Errorf("%s: error %q names %s %d times, want once", what, err, url, n)
		}
	}
	for _, o := range openers {
		t.Run(o.name, func(t *testing.T) {
			b, _ := o.open(t)
			const key = "v4/2019/12/transfers.parquet"
			url := b.URL(key)
			_, err := b.NewReader(ctx, key)
			check(t, "NewReader(missing)", err, url)
			_, err = b.Size(ctx, key)
			check(t, "Size(missing)", err, url)
			check(t, "WriteFile(failing)", b.WriteFile(ctx, key, func(io.Writer) error { return errBoom }), url)
			cctx, cancel := context.WithCancel(ctx)
			cancel()
			check(t, "WriteFile(cancelled)", b.WriteFile(cctx, key, writeBytes([]byte("x"))), url)
		})
	}
	// OS errors name the file too: a file where a directory must go, or
	// a directory where the file must go.
	b, _ := localOpeners[0].open(t)
	if err := b.WriteFile(ctx, "v4", writeBytes([]byte("x"))); err != nil {
		t.Fatal(err)
	}
	if err := b.WriteFile(ctx, "dir/sub/x", writeBytes([]byte("x"))); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"v4/2019/12/transfers.parquet", "v4/x", "dir/sub"} {
		check(t, "WriteFile("+key+")", b.WriteFile(ctx, key, writeBytes([]byte("x"))), b.URL(key))
	}
	// Neither a directory nor a path through a file is an object.
	for _, key := range []string{"dir/sub", "v4/x"} {
		_, err := b.NewReader(ctx, key)
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("NewReader(%q) error %v, want ErrNotFound", key, err)
		}
		check(t, "NewReader("+key+")", err, b.URL(key))
		_, err = b.Size(ctx, key)
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("Size(%q) error %v, want ErrNotFound", key, err)
		}
		if ok, err := b.Exists(ctx, key); ok || err != nil {
			t.Errorf("Exists(%q) = %v, %v; want false, nil", key, ok, err)
		}
		if err := b.Delete(ctx, key); err != nil {
			t.Errorf("Delete(%q): %v", key, err)
		}
	}
	if err := os.Mkdir(filepath.Join(filepath.Dir(b.URL("dir/sub/x")), "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := b.Delete(ctx, "dir/sub/empty"); err != nil {
		t.Errorf("Delete(directory): %v", err)
	}
	if _, err := os.Stat(b.URL("dir/sub/empty")); err != nil {
		t.Errorf("Delete of a key that is a directory removed it: %v", err)
	}
	// A name the file system refuses: the error names neither the file
	// twice nor the temporary file.
	long := "long/" + strings.Repeat("n", 300)
	err := b.WriteFile(ctx, long, writeBytes([]byte("x")))
	check(t, "WriteFile(long)", err, b.URL(long))
	if err != nil && strings.Contains(err.Error(), ".tmp") {
		t.Errorf("WriteFile(long) error %q names the temporary file", err)
	}
	t.Logf("a long name: %v", err)
	_, err = b.Size(ctx, long) // its directory exists now
	check(t, "Size(long)", err, b.URL(long))
	_, err = b.NewReader(ctx, long)
	check(t, "NewReader(long)", err, b.URL(long))
	t.Logf("a long name: %v", err)
	t.Logf("a file in the way: %v", b.WriteFile(ctx, "v4/x", writeBytes([]byte("x"))))
	t.Logf("a directory in the way: %v", b.WriteFile(ctx, "dir/sub", writeBytes([]byte("x"))))
}

// TestWriteFileWith: every kind of bucket stores the bytes written with
// options, atomically as WriteFile does; local and memory buckets ignore
// the attributes (S3's are checked in TestS3WriteOptions).
func TestWriteFileWith(t *testing.T) {
	for _, o := range openers {
		t.Run(o.name, func(t *testing.T) {
			b, _ := o.open(t)
			ctx := context.Background()
			opts := WriteOptions{ContentType: "application/json", Metadata: map[string]string{"build-tag": "x"}}
			if err := b.WriteFileWith(ctx, "v2/2020/1/m.json", opts, writeBytes([]byte(`{"a": 1}`))); err != nil {
				t.Fatal(err)
			}
			r, err := b.NewReader(ctx, "v2/2020/1/m.json")
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(r)
			r.Close()
			if string(got) != `{"a": 1}` {
				t.Errorf("read %q", got)
			}
			boom := errors.New("boom")
			err = b.WriteFileWith(ctx, "v2/2020/1/m.json", opts, func(w io.Writer) error { w.Write([]byte("partial")); return boom })
			if !errors.Is(err, boom) {
				t.Fatalf("err %v, want boom", err)
			}
			r, err = b.NewReader(ctx, "v2/2020/1/m.json")
			if err != nil {
				t.Fatal(err)
			}
			got, _ = io.ReadAll(r)
			r.Close()
			if string(got) != `{"a": 1}` {
				t.Errorf("after a failed write, read %q; want the earlier object", got)
			}
		})
	}
}
