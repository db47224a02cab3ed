package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
)

// WriteCheckName is the object CheckWritable writes and deletes on S3,
// beside the key it checks.
const WriteCheckName = ".gp2gp-write-check"

// CheckWritable checks, before a run reads anything, that key could be
// written, without touching any object already there: for S3, that the
// bucket exists and the credentials may put and delete beside key, by
// writing an empty WriteCheckName object in key's directory and deleting
// it; for a local directory, that the directory holding key, or its
// nearest existing parent, is a directory in which a file can be created
// (a file is created and removed there; no directory is made). The error
// names the probe once, as the other methods' errors name their object.
func (b *Bucket) CheckWritable(ctx context.Context, key string) error {
	if _, err := b.objectKey(key); err != nil {
		return wrapErr("check write", b.URL(key), err)
	}
	probe := path.Join(path.Dir(key), WriteCheckName)
	url := b.URL(probe)
	k, err := b.objectKey(probe)
	if err != nil {
		return wrapErr("check write", url, err)
	}
	switch b.loc.Kind {
	case KindLocal:
		return wrapErr("check write", url, checkDirWritable(filepath.Dir(dirBackend{root: b.loc.Root}.path(k))))
	case KindMem:
		return nil
	}
	if err := b.be.write(ctx, k, WriteOptions{}, func(io.Writer) error { return nil }); err != nil {
		return wrapErr("check write", url, err)
	}
	return wrapErr("check write", url, b.be.delete(ctx, k))
}

// checkDirWritable creates and removes a file in dir or, if dir does not
// exist yet, in its nearest existing parent.
func checkDirWritable(dir string) error {
	for {
		info, err := os.Stat(dir)
		if errors.Is(err, fs.ErrNotExist) && filepath.Dir(dir) != dir {
			dir = filepath.Dir(dir)
			continue
		}
		if err != nil {
			return err
		}
		if !info.IsDir() {
			return fmt.Errorf("%s is not a directory", dir)
		}
		f, err := os.CreateTemp(dir, WriteCheckName+"-*")
		if err != nil {
			return fmt.Errorf("cannot create files in %s: %w", dir, bareErr(err))
		}
		f.Close()
		return os.Remove(f.Name())
	}
}
