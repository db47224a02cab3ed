//go:build !linux

package store

import "os"

// startWriteback does nothing where sync_file_range(2) is not available:
// the sync before publishing writes everything.
func startWriteback(*os.File) {}
