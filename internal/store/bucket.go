// Package store gives one bucket API over local directories, process memory
// and S3 (or S3-compatible) buckets, wrapping gocloud.dev/blob.
//
// Keys are slash-separated, as in S3; a local directory holds key "a/b/c.csv"
// as the file dir/a/b/c.csv, with nothing else beside it. Writes are atomic:
// an object appears at its key only once it is completely written.
package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	"gocloud.dev/blob"
	"gocloud.dev/blob/fileblob"
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
	loc    Location
	shared bool // a named memory bucket: Close leaves it open

	// newTM makes an S3 bucket's upload managers, configured for parts and
	// for aborting failed uploads.
	newTM func() *transfermanager.Client

	mu sync.Mutex   // guards bb for a local bucket whose directory is missing
	bb *blob.Bucket // nil until a local bucket's directory exists
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
		err = b.openLocal(false)
	case KindMem:
		b.bb, b.shared = openMem(loc.Root)
	case KindS3:
		b.bb, b.newTM, err = openS3(ctx, loc.Root, opts)
	}
	if err != nil {
		return nil, fmt.Errorf("open bucket %s: %w", spec, err)
	}
	return b, nil
}

// openLocal opens the fileblob bucket if the directory exists, or if create is
// set, after creating it. It leaves b.bb nil if the directory is missing.
func (b *Bucket) openLocal(create bool) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.bb != nil {
		return nil
	}
	info, err := os.Stat(b.loc.Root)
	switch {
	case errors.Is(err, os.ErrNotExist) && !create:
		return nil
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(b.loc.Root, 0o755); err != nil {
			return err
		}
	case err != nil:
		return err
	case !info.IsDir():
		return fmt.Errorf("%s is not a directory", b.loc.Root)
	}
	bb, err := fileblob.OpenBucket(b.loc.Root, &fileblob.Options{
		DirFileMode: 0o755,
		NoTempDir:   true, // temp files beside the target, so rename is atomic
		Metadata:    fileblob.MetadataDontWrite,
	})
	if err != nil {
		return err
	}
	b.bb = bb
	return nil
}

// blob returns the underlying bucket, or nil for a local bucket whose
// directory does not exist (yet).
func (b *Bucket) blob() *blob.Bucket {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.bb
}

// Location returns the parsed spec b was opened with.
func (b *Bucket) Location() Location { return b.loc }

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

// Close releases the bucket's resources. A named memory bucket keeps its
// contents for later Opens.
func (b *Bucket) Close() error {
	bb := b.blob()
	if bb == nil || b.shared {
		return nil
	}
	if err := bb.Close(); err != nil {
		return fmt.Errorf("close bucket %s: %w", b, err)
	}
	return nil
}
