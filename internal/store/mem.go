package store

import (
	"sync"

	"gocloud.dev/blob"
	"gocloud.dev/blob/memblob"
)

var (
	memMu      sync.Mutex
	memBuckets = map[string]*blob.Bucket{}
)

// openMem returns a fresh memory bucket for an empty name, else the
// process-wide bucket of that name, and whether it is shared.
func openMem(name string) (*blob.Bucket, bool) {
	if name == "" {
		return memblob.OpenBucket(nil), false
	}
	memMu.Lock()
	defer memMu.Unlock()
	bb, ok := memBuckets[name]
	if !ok {
		bb = memblob.OpenBucket(nil)
		memBuckets[name] = bb
	}
	return bb, true
}
