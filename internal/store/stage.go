package store

import (
	"context"
	"errors"
	"io"
	"os"

	"github.com/nhsdigital/gp2gp/internal/spool"
)

// Staged is an object written but not yet visible at its key: Publish
// makes it visible, Discard drops it. Staging lets a run write each output
// as soon as it is computed, and still publish all of them or none at the
// end, quickly: a local bucket stages a hidden temporary file beside the
// target (so that Publish is a rename), other buckets a temporary file
// that Publish uploads.
type Staged struct {
	b    *Bucket
	key  string // as given, for messages
	k    string // the object key
	opts WriteOptions
	tmp  string // the temporary file: beside the target for a local bucket
	done bool   // published or discarded
}

// Stage writes what write writes as the object at key, invisible until
// Publish. A bucket that cannot stage beside the target keeps the bytes in
// a temporary file in tmpDir (os.TempDir if empty). If write fails, or ctx
// is done first, nothing is kept and the error names the object.
func (b *Bucket) Stage(ctx context.Context, key string, opts WriteOptions, tmpDir string, write func(io.Writer) error) (*Staged, error) {
	k, err := b.writeKey(ctx, key, &opts)
	if err != nil {
		return nil, wrapErr("write", b.URL(key), err)
	}
	s := &Staged{b: b, key: key, k: k, opts: opts}
	if d, ok := b.be.(dirBackend); ok {
		s.tmp, err = d.stage(k, buffered(ctx, write))
	} else {
		if tmpDir == "" {
			tmpDir = os.TempDir()
		}
		var sp spool.Spool
		sp, err = spool.Write(tmpDir, buffered(ctx, write))
		s.tmp = sp.Path
	}
	if err != nil {
		return nil, wrapErr("write", b.URL(key), err)
	}
	return s, nil
}

// Publish makes the object visible at its key, replacing any object there.
// On failure the object stays staged (Discard drops it). The error names
// the object.
func (s *Staged) Publish(ctx context.Context) error {
	if s.done {
		return wrapErr("write", s.b.URL(s.key), errors.New("already published or discarded"))
	}
	if err := ctx.Err(); err != nil {
		return wrapErr("write", s.b.URL(s.key), err)
	}
	var err error
	if d, ok := s.b.be.(dirBackend); ok {
		err = d.commit(s.tmp, s.k)
	} else {
		err = s.b.be.write(ctx, s.k, s.opts, buffered(ctx, spool.Spool{Path: s.tmp}.CopyTo))
		if err == nil {
			os.Remove(s.tmp)
		}
	}
	if err != nil {
		return wrapErr("write", s.b.URL(s.key), err)
	}
	s.done = true
	return nil
}

// Discard drops the staged object, if not published: the object at its
// key, if any, is untouched. It may be called more than once.
func (s *Staged) Discard() {
	if !s.done {
		os.Remove(s.tmp)
		s.done = true
	}
}
