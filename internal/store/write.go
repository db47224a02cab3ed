package store

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"os"
	"path"
	"path/filepath"

	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	"gocloud.dev/blob"
)

// writeBufSize is the buffer between the caller's writes and the store.
const writeBufSize = 256 << 10

// WriteFile writes the object at key with the bytes that write writes, and
// makes it visible only if write returns nil and the store accepted the
// whole object: otherwise (or if ctx is cancelled first) nothing appears at
// key and any earlier object there is left as it was.
//
// A local bucket writes a temporary file beside the target (mode 0644,
// directories 0755), syncs it and renames it into place; S3 gets a single PUT,
// or for large objects a multipart upload that is completed only on success
// and aborted otherwise.
func (b *Bucket) WriteFile(ctx context.Context, key string, write func(io.Writer) error) error {
	url := b.URL(key)
	k, err := b.objectKey(key)
	if err != nil {
		return wrapErr("write", url, err)
	}
	if b.loc.Kind == KindLocal {
		if err := b.openLocal(true); err != nil {
			return wrapErr("write", url, err)
		}
	}
	if err := b.write(ctx, k, write); err != nil {
		return wrapErr("write", url, err)
	}
	if b.loc.Kind == KindLocal {
		if err := syncDir(filepath.Dir(url)); err != nil {
			return wrapErr("write", url, err)
		}
	}
	return nil
}

func (b *Bucket) write(ctx context.Context, k string, write func(io.Writer) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var file *os.File // the local temporary file
	w, err := b.blob().NewWriter(ctx, k, &blob.WriterOptions{
		ContentType: contentType(k),
		BeforeWrite: func(as func(any) bool) error {
			as(&file)
			// s3blob's upload manager does not abort a multipart upload
			// whose context was cancelled, and waits for 16 MiB before
			// using parts: put ours in its place.
			var tm *transfermanager.Client
			if b.newTM != nil && as(&tm) {
				*tm = *b.newTM()
			}
			return nil
		},
	})
	if err != nil {
		return err
	}
	abort := func(err error) error {
		cancel() // a cancelled writer discards what it wrote
		_ = w.Close()
		return err
	}
	bw := bufio.NewWriterSize(w, writeBufSize)
	if err := write(bw); err != nil {
		return abort(err)
	}
	if err := bw.Flush(); err != nil {
		return abort(err)
	}
	if err := ctx.Err(); err != nil {
		return abort(err)
	}
	if file != nil {
		if err := file.Chmod(0o644); err != nil {
			return abort(err)
		}
		if err := file.Sync(); err != nil {
			return abort(err)
		}
	}
	return w.Close()
}

// contentType guesses the MIME type of key from its extension.
func contentType(key string) string {
	if t := mime.TypeByExtension(path.Ext(key)); t != "" {
		return t
	}
	return "application/octet-stream"
}

// syncDir flushes a directory's entries (a just renamed file) to disk.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil && !errors.Is(err, os.ErrInvalid) {
		return fmt.Errorf("sync directory: %w", err)
	}
	return nil
}
