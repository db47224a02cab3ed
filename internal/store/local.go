package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// dirBackend keeps key "a/b" as the file root/a/b. The directory need not
// exist until the first write.
type dirBackend struct {
	root string
}

func (d dirBackend) path(key string) string {
	return filepath.Join(d.root, filepath.FromSlash(key))
}

// localErr maps a missing file (or a missing directory on its path) to
// ErrNotFound, and drops the path of a *fs.PathError about p, which the
// store's error names already.
func localErr(err error, p string) error {
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return ErrNotFound
	}
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Path == p {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}

func (d dirBackend) newReader(_ context.Context, key string) (io.ReadCloser, error) {
	p := d.path(key)
	f, err := os.Open(p)
	if err != nil {
		return nil, localErr(err, p)
	}
	info, err := f.Stat()
	if err == nil && !info.Mode().IsRegular() {
		err = ErrNotFound // a directory is not an object
	}
	if err != nil {
		f.Close()
		return nil, localErr(err, p)
	}
	return fileReader{f, p}, nil
}

// fileReader drops the file's path from its errors.
type fileReader struct {
	f *os.File
	p string
}

func (r fileReader) Read(b []byte) (int, error) {
	n, err := r.f.Read(b)
	if err != nil && err != io.EOF {
		err = localErr(err, r.p)
	}
	return n, err
}

func (r fileReader) Close() error { return localErr(r.f.Close(), r.p) }

func (d dirBackend) size(_ context.Context, key string) (int64, error) {
	p := d.path(key)
	info, err := os.Stat(p)
	if err != nil {
		return 0, localErr(err, p)
	}
	if !info.Mode().IsRegular() {
		return 0, ErrNotFound
	}
	return info.Size(), nil
}

// write writes a temporary file beside the target, syncs it and renames it
// into place (stage, then commit).
func (d dirBackend) write(_ context.Context, key string, _ WriteOptions, write func(io.Writer) error) error {
	tmp, err := d.stage(key, write)
	if err != nil {
		return err
	}
	if err := d.commit(tmp, key); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// stage writes a hidden temporary file beside the target, and starts
// its writing back to the disk, returning its path; commit syncs it.
func (d dirBackend) stage(key string, write func(io.Writer) error) (tmp string, err error) {
	p := d.path(key)
	dir := filepath.Dir(p)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err // names the directory it could not make
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(p)+".tmp*")
	if err != nil {
		return "", fmt.Errorf("create temporary file: %w", bareErr(err))
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err := write(f); err != nil {
		return "", err
	}
	if err := f.Chmod(0o644); err != nil {
		return "", fmt.Errorf("temporary file: %w", bareErr(err))
	}
	startWriteback(f)
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("temporary file: %w", bareErr(err))
	}
	return f.Name(), nil
}

// commit syncs a staged temporary file and renames it into place.
//
// The sync is here, not in stage: a run stages each table as soon as it
// is encoded, and a sync there waited for the disk, a millisecond or more
// a table, holding the run's core idle (the Go scheduler does not hand a
// thread's processor over that quickly). Stage starts the writing back
// instead, so that the sync here, a few at once at the end, mostly finds
// the data written.
func (d dirBackend) commit(tmp, key string) error {
	p := d.path(key)
	if err := syncFile(tmp); err != nil {
		return fmt.Errorf("temporary file: %w", bareErr(err))
	}
	if err := os.Rename(tmp, p); err != nil {
		return fmt.Errorf("rename temporary file: %w", bareErr(err))
	}
	return syncDir(filepath.Dir(p))
}

// bareErr drops the paths from an *fs.PathError or *os.LinkError.
func bareErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

// syncFile flushes the file at p to the disk (a variable for tests).
var syncFile = func(p string) error { return syncPath(p, os.O_WRONLY) }

// syncDir flushes a directory's entries (a just renamed file) to disk.
func syncDir(dir string) error {
	err := syncPath(dir, os.O_RDONLY)
	if errors.Is(err, os.ErrInvalid) {
		return nil // a file system that cannot sync directories
	}
	return err // names the directory
}

// syncPath opens p with flag and flushes it to the disk.
func syncPath(p string, flag int) error {
	f, err := os.OpenFile(p, flag, 0)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func (d dirBackend) delete(_ context.Context, key string) error {
	p := d.path(key)
	info, err := os.Lstat(p)
	if err != nil {
		return localErr(err, p)
	}
	if info.IsDir() {
		return nil // not an object
	}
	return localErr(os.Remove(p), p)
}
