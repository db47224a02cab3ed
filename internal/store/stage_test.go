package store

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestStage: a staged object is invisible until published, then replaces
// the object at its key; a discarded one leaves the key as it was; a failed
// stage keeps nothing. No temporary file is left, beside the objects or in
// the staging directory.
func TestStage(t *testing.T) {
	for _, o := range openers {
		t.Run(o.name, func(t *testing.T) {
			ctx := context.Background()
			b, dir := o.open(t)
			tmp := t.TempDir()
			const key, other = "v11/cutoff-14/2020/01/01/2020-01-01-transfers.parquet", "v11/cutoff-14/2020/01/02/2020-01-02-transfers.parquet"
			if err := b.WriteFile(ctx, key, writeBytes([]byte("old"))); err != nil {
				t.Fatal(err)
			}
			s, err := b.Stage(ctx, key, WriteOptions{}, tmp, writeBytes([]byte("new")))
			if err != nil {
				t.Fatalf("Stage: %v", err)
			}
			d, err := b.Stage(ctx, other, WriteOptions{}, tmp, writeBytes([]byte("discarded")))
			if err != nil {
				t.Fatalf("Stage: %v", err)
			}
			if got := readAll(t, b, key); string(got) != "old" {
				t.Errorf("staged but not published: read %q, want the old object", got)
			}
			if ok, err := b.Exists(ctx, other); ok || err != nil {
				t.Errorf("Exists(staged, not published) = %v, %v", ok, err)
			}
			if err := s.Publish(ctx); err != nil {
				t.Fatalf("Publish: %v", err)
			}
			if got := readAll(t, b, key); string(got) != "new" {
				t.Errorf("published: read %q, want %q", got, "new")
			}
			if err := s.Publish(ctx); err == nil || !strings.Contains(err.Error(), b.URL(key)) {
				t.Errorf("second Publish: error %v, want one naming the object", err)
			}
			d.Discard()
			d.Discard() // twice is harmless
			if ok, err := b.Exists(ctx, other); ok || err != nil {
				t.Errorf("Exists(discarded) = %v, %v", ok, err)
			}
			if err := d.Publish(ctx); err == nil {
				t.Error("Publish after Discard succeeded")
			}

			// A failed stage keeps nothing, and names the object.
			_, err = b.Stage(ctx, other, WriteOptions{}, tmp, func(w io.Writer) error {
				w.Write([]byte("partial"))
				return errBoom
			})
			if !errors.Is(err, errBoom) || !strings.Contains(err.Error(), b.URL(other)) {
				t.Errorf("failed Stage: error %v, want errBoom naming the object", err)
			}
			cancelled, cancel := context.WithCancel(ctx)
			cancel()
			if _, err := b.Stage(cancelled, other, WriteOptions{}, tmp, writeBytes([]byte("x"))); !errors.Is(err, context.Canceled) {
				t.Errorf("Stage, cancelled: error %v", err)
			}
			if ok, err := b.Exists(ctx, other); ok || err != nil {
				t.Errorf("Exists(failed stage) = %v, %v", ok, err)
			}

			if dir != "" {
				if diff := cmp.Diff([]string{key}, listFiles(t, dir)); diff != "" {
					t.Errorf("files (-want +got):\n%s", diff)
				}
			}
			if left := listFiles(t, tmp); len(left) > 0 {
				t.Errorf("left in the staging directory: %v", left)
			}
		})
	}
}

// TestStageLocalPublishFails: publishing over a directory fails, naming
// the object; the staged file stays until discarded.
func TestStageLocalPublishFails(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	b := mustOpen(t, dir)
	const key = "a/b.parquet"
	s, err := b.Stage(ctx, key, WriteOptions{}, "", writeBytes([]byte("x")))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "a", "b.parquet", "c"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := s.Publish(ctx); err == nil || !strings.Contains(err.Error(), b.URL(key)) {
		t.Fatalf("Publish over a directory: error %v, want one naming the object", err)
	}
	if files := listFiles(t, dir); len(files) != 1 || !strings.HasPrefix(files[0], "a/.b.parquet.tmp") {
		t.Errorf("files %v, want the staged file only", files)
	}
	s.Discard()
	if files := listFiles(t, dir); len(files) != 0 {
		t.Errorf("files %v after Discard, want none", files)
	}
}

// TestStageLocalSyncsOnPublish checks that a local bucket syncs a staged
// file when publishing it, before it appears at its key, and that a
// failed sync publishes nothing.
func TestStageLocalSyncsOnPublish(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	b := mustOpen(t, dir)
	const key = "a/b.parquet"
	var synced []string
	fail := false
	orig := syncFile
	t.Cleanup(func() { syncFile = orig })
	syncFile = func(p string) error {
		if _, err := os.Stat(filepath.Join(dir, "a", "b.parquet")); err == nil {
			t.Error("synced after the object appeared")
		}
		synced = append(synced, p)
		if fail {
			return errors.New("disk on fire")
		}
		return orig(p)
	}

	s, err := b.Stage(ctx, key, WriteOptions{}, "", writeBytes([]byte("x")))
	if err != nil {
		t.Fatal(err)
	}
	if len(synced) != 0 {
		t.Errorf("synced when staged: %v", synced)
	}
	staged := listFiles(t, dir)
	fail = true
	if err := s.Publish(ctx); err == nil || !strings.Contains(err.Error(), "disk on fire") || !strings.Contains(err.Error(), b.URL(key)) {
		t.Fatalf("Publish with a failing sync: error %v, want the sync's, naming the object", err)
	}
	if files := listFiles(t, dir); !slices.Equal(files, staged) {
		t.Errorf("files %v after a failed sync, want the staged file only, %v", files, staged)
	}
	fail = false
	if err := s.Publish(ctx); err != nil {
		t.Fatal(err)
	}
	if len(synced) != 2 || filepath.Join(dir, filepath.FromSlash(staged[0])) != synced[1] {
		t.Errorf("synced %v, want the staged file %s twice", synced, staged[0])
	}
	if got, err := os.ReadFile(filepath.Join(dir, "a", "b.parquet")); err != nil || string(got) != "x" {
		t.Errorf("published %q, %v", got, err)
	}
}
