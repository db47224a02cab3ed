package store

import (
	"context"
	"errors"
	"io"

	"gocloud.dev/blob"
)

// errNoDir stands for the not-found error of any key in a local bucket whose
// directory does not exist.
var errNoDir = ErrNotFound

// NewReader opens the object at key for streaming. The caller must Close it.
// A missing object gives an error wrapping ErrNotFound and naming b.URL(key).
func (b *Bucket) NewReader(ctx context.Context, key string) (io.ReadCloser, error) {
	url := b.URL(key)
	k, err := b.objectKey(key)
	if err != nil {
		return nil, wrapErr("read", url, err)
	}
	bb := b.blob()
	if bb == nil {
		return nil, wrapErr("read", url, errNoDir)
	}
	r, err := bb.NewReader(ctx, k, nil)
	if err != nil {
		return nil, wrapErr("read", url, err)
	}
	return &reader{r: r, url: url}, nil
}

// reader wraps read errors with the object's URL.
type reader struct {
	r   *blob.Reader
	url string
}

func (r *reader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
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
	bb := b.blob()
	if bb == nil {
		return 0, wrapErr("stat", url, errNoDir)
	}
	a, err := bb.Attributes(ctx, k)
	if err != nil {
		return 0, wrapErr("stat", url, err)
	}
	return a.Size, nil
}

// Exists reports whether an object exists at key.
func (b *Bucket) Exists(ctx context.Context, key string) (bool, error) {
	url := b.URL(key)
	k, err := b.objectKey(key)
	if err != nil {
		return false, wrapErr("stat", url, err)
	}
	bb := b.blob()
	if bb == nil {
		return false, nil
	}
	ok, err := bb.Exists(ctx, k)
	if err != nil {
		return false, wrapErr("stat", url, err)
	}
	return ok, nil
}

// Delete removes the object at key. Deleting a missing object is not an
// error, as in S3.
func (b *Bucket) Delete(ctx context.Context, key string) error {
	url := b.URL(key)
	k, err := b.objectKey(key)
	if err != nil {
		return wrapErr("delete", url, err)
	}
	bb := b.blob()
	if bb == nil {
		return nil
	}
	if err := bb.Delete(ctx, k); err != nil && !isNotFound(err) {
		return wrapErr("delete", url, err)
	}
	return nil
}
