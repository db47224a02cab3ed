package store

import (
	"bytes"
	"context"
	"io"
	"sync"
)

var (
	memMu      sync.Mutex
	memBuckets = map[string]*memBackend{}
)

// openMem returns a fresh memory bucket for an empty name, else the
// process-wide bucket of that name.
func openMem(name string) *memBackend {
	if name == "" {
		return &memBackend{}
	}
	memMu.Lock()
	defer memMu.Unlock()
	m, ok := memBuckets[name]
	if !ok {
		m = &memBackend{}
		memBuckets[name] = m
	}
	return m
}

// memBackend keeps objects in a map. A stored slice is never modified, so
// readers may hold it while it is replaced.
type memBackend struct {
	mu      sync.Mutex
	objects map[string][]byte
}

func (m *memBackend) get(key string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	data, ok := m.objects[key]
	if !ok {
		return nil, ErrNotFound
	}
	return data, nil
}

func (m *memBackend) newReader(_ context.Context, key string) (io.ReadCloser, error) {
	data, err := m.get(key)
	if err != nil {
		return nil, err
	}
	return io.NopCloser(bytes.NewReader(data)), nil
}

func (m *memBackend) size(_ context.Context, key string) (int64, error) {
	data, err := m.get(key)
	return int64(len(data)), err
}

func (m *memBackend) write(_ context.Context, key string, _ WriteOptions, write func(io.Writer) error) error {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.objects == nil {
		m.objects = map[string][]byte{}
	}
	m.objects[key] = buf.Bytes()
	return nil
}

func (m *memBackend) delete(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.objects, key)
	return nil
}
