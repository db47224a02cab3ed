package store

import (
	"bufio"
	"context"
	"io"
	"mime"
	"path"
)

// writeBufSize is the buffer between the caller's writes and the store.
const writeBufSize = 256 << 10

// WriteFile writes the object at key with the bytes that write writes, and
// makes it visible only if write returns nil and the store accepted the
// whole object: otherwise (or if ctx is cancelled first) nothing appears at
// key and any earlier object there is left as it was. Once ctx is cancelled,
// writes to the writer fail.
//
// A local bucket writes a temporary file beside the target (mode 0644,
// directories 0755), syncs it and renames it into place; S3 gets a single PUT,
// or for objects of PartSize or more a multipart upload that is completed
// only on success and aborted otherwise.
func (b *Bucket) WriteFile(ctx context.Context, key string, write func(io.Writer) error) error {
	return b.WriteFileWith(ctx, key, WriteOptions{}, write)
}

// WriteOptions are attributes of a written object. S3 stores them; a
// local directory and a memory bucket keep the bytes only and ignore them.
type WriteOptions struct {
	// ContentType is the object's MIME type; empty means the type that
	// the key's extension suggests.
	ContentType string
	// Metadata is the object's user metadata (on S3, x-amz-meta-* headers;
	// keys are lower-cased by S3).
	Metadata map[string]string
}

// WriteFileWith is WriteFile giving the object the attributes in opts.
func (b *Bucket) WriteFileWith(ctx context.Context, key string, opts WriteOptions, write func(io.Writer) error) error {
	k, err := b.writeKey(ctx, key, &opts)
	if err != nil {
		return wrapErr("write", b.URL(key), err)
	}
	return wrapErr("write", b.URL(key), b.be.write(ctx, k, opts, buffered(ctx, write)))
}

// writeKey checks a write to key before it starts (WriteFileWith, Stage):
// it returns the object key, or an error if key is invalid or ctx done,
// and gives opts the content type key's extension suggests if it has
// none.
func (b *Bucket) writeKey(ctx context.Context, key string, opts *WriteOptions) (string, error) {
	k, err := b.objectKey(key)
	if err != nil {
		return "", err
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if opts.ContentType == "" {
		opts.ContentType = contentType(k)
	}
	return k, nil
}

// buffered gives write a buffered writer that fails once ctx is done, and
// fails itself if ctx is done by its end.
func buffered(ctx context.Context, write func(io.Writer) error) func(io.Writer) error {
	return func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, writeBufSize)
		if err := write(ctxWriter{ctx, bw}); err != nil {
			return err
		}
		if err := bw.Flush(); err != nil {
			return err
		}
		return ctx.Err()
	}
}

// ctxWriter fails writes once ctx is done.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (w ctxWriter) Write(p []byte) (int, error) {
	if err := w.ctx.Err(); err != nil {
		return 0, err
	}
	return w.w.Write(p)
}

// contentType guesses the MIME type of key from its extension.
func contentType(key string) string {
	if t := mime.TypeByExtension(path.Ext(key)); t != "" {
		return t
	}
	return "application/octet-stream"
}
