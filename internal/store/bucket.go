// Package store gives one bucket API over local directories, process memory
// and S3 (or S3-compatible) buckets.
//
// Keys are slash-separated, as in S3; a local directory holds key "a/b/c.csv"
// as the file dir/a/b/c.csv, with nothing else beside it. Writes are atomic:
// an object appears at its key only once it is completely written.
//
// Errors name the object once, as URL gives it, after the operation ("read",
// "stat", "write", "delete"): callers need not add either.
package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// Options configures Open.
type Options struct {
	// EndpointURL, if set, is the S3 endpoint to use instead of AWS's
	// (typically from S3_ENDPOINT_URL), addressed path-style.
	EndpointURL string
	// MaxAttempts bounds the attempts of each S3 request, retries included,
	// on throttling, 5xx responses and unreachable endpoints; 0 means
	// DefaultMaxAttempts.
	MaxAttempts int
	// MaxBackoff bounds the wait between S3 attempts; 0 means
	// DefaultMaxBackoff.
	MaxBackoff time.Duration
}

// Bucket is an open bucket: a local directory, a memory bucket or an S3
// bucket with an optional key prefix. Its methods are safe for concurrent use.
type Bucket struct {
	loc Location
	be  backend
}

// backend is one kind of storage. Its methods take full object keys (the
// prefix added) and return errors that do not name the object; a missing
// object's error wraps ErrNotFound.
type backend interface {
	newReader(ctx context.Context, key string) (io.ReadCloser, error)
	size(ctx context.Context, key string) (int64, error)
	// write stores what write writes at key if, and only if, write returns
	// nil, with the attributes in opts (its ContentType set).
	write(ctx context.Context, key string, opts WriteOptions, write func(io.Writer) error) error
	// delete removes the object at key; a missing one is not an error.
	delete(ctx context.Context, key string) error
}

// Open opens the bucket that spec names (see ParseSpec). A local directory
// need not exist: reads then find nothing, and the first write creates it.
// Open does not contact S3; errors in credentials or the bucket name show on
// the first request.
func Open(ctx context.Context, spec string, opts Options) (*Bucket, error) {
	loc, err := ParseSpec(spec)
	if err != nil {
		return nil, err
	}
	b := &Bucket{loc: loc}
	switch loc.Kind {
	case KindLocal:
		info, serr := os.Stat(loc.Root)
		switch {
		case serr == nil && !info.IsDir():
			err = fmt.Errorf("%s is not a directory", loc.Root)
		case serr != nil && !errors.Is(serr, os.ErrNotExist):
			err = serr
		}
		b.be = dirBackend{root: loc.Root}
	case KindMem:
		b.be = openMem(loc.Root)
	case KindS3:
		b.be, err = openS3(ctx, loc.Root, opts)
	}
	if err != nil {
		return nil, fmt.Errorf("open bucket %s: %w", spec, err)
	}
	return b, nil
}

// String returns the bucket's human form: s3://bucket/prefix, a directory
// path, or mem://name.
func (b *Bucket) String() string {
	switch b.loc.Kind {
	case KindLocal:
		return b.loc.Root
	case KindMem:
		return "mem://" + b.loc.Root
	}
	if b.loc.Prefix == "" {
		return "s3://" + b.loc.Root
	}
	return "s3://" + b.loc.Root + "/" + b.loc.Prefix
}

// URL returns the human form of key for messages: s3://bucket/prefix/key, the
// local file's path, or mem://name/key.
func (b *Bucket) URL(key string) string {
	if b.loc.Kind == KindLocal {
		return filepath.Join(b.loc.Root, filepath.FromSlash(key))
	}
	return b.String() + "/" + key
}

// objectKey checks key and returns the key within the underlying bucket.
func (b *Bucket) objectKey(key string) (string, error) {
	if err := checkKey(key); err != nil {
		return "", err
	}
	if b.loc.Prefix == "" {
		return key, nil
	}
	return b.loc.Prefix + "/" + key, nil
}

// Close releases the bucket's resources; none of the kinds holds any at
// present. A named memory bucket keeps its contents for later Opens.
func (b *Bucket) Close() error { return nil }

// NewReader opens the object at key for streaming. The caller must Close it.
// A missing object gives an error wrapping ErrNotFound and naming b.URL(key).
func (b *Bucket) NewReader(ctx context.Context, key string) (io.ReadCloser, error) {
	url := b.URL(key)
	k, err := b.objectKey(key)
	if err != nil {
		return nil, wrapErr("read", url, err)
	}
	r, err := b.be.newReader(ctx, k)
	if err != nil {
		return nil, wrapErr("read", url, err)
	}
	return &reader{r: r, url: url}, nil
}

// ReadFile reads the whole object at key. Its errors are NewReader's and
// the reads': they name b.URL(key).
func (b *Bucket) ReadFile(ctx context.Context, key string) ([]byte, error) {
	r, err := b.NewReader(ctx, key)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

// reader wraps read errors with the object's URL.
type reader struct {
	r   io.ReadCloser
	url string
}

func (r *reader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil && err != io.EOF {
		err = wrapErr("read", r.url, err)
	}
	return n, err
}

func (r *reader) Close() error {
	return wrapErr("close", r.url, r.r.Close())
}

// Size returns the size in bytes of the object at key.
func (b *Bucket) Size(ctx context.Context, key string) (int64, error) {
	url := b.URL(key)
	k, err := b.objectKey(key)
	if err != nil {
		return 0, wrapErr("stat", url, err)
	}
	n, err := b.be.size(ctx, k)
	if err != nil {
		return 0, wrapErr("stat", url, err)
	}
	return n, nil
}

// Exists reports whether an object exists at key.
func (b *Bucket) Exists(ctx context.Context, key string) (bool, error) {
	url := b.URL(key)
	k, err := b.objectKey(key)
	if err != nil {
		return false, wrapErr("stat", url, err)
	}
	_, err = b.be.size(ctx, k)
	if isNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, wrapErr("stat", url, err)
	}
	return true, nil
}

// Delete removes the object at key. Deleting a missing object (or one in a
// missing bucket) is not an error, as in S3.
func (b *Bucket) Delete(ctx context.Context, key string) error {
	url := b.URL(key)
	k, err := b.objectKey(key)
	if err != nil {
		return wrapErr("delete", url, err)
	}
	if err := b.be.delete(ctx, k); err != nil && !isNotFound(err) {
		return wrapErr("delete", url, err)
	}
	return nil
}
