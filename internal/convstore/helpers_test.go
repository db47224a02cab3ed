package convstore

import (
	"testing"

	"github.com/nhsdigital/gp2gp/internal/spine"
	"github.com/nhsdigital/gp2gp/internal/spinelog"
)

// storeRows adds rows to a new store and finishes it. A spilled store must
// hold less than spillChunk of any partition in memory meanwhile, and
// nothing once finished.
func storeRows(t testing.TB, opt Options, rows []spinelog.Row) *Store {
	t.Helper()
	s := New(opt)
	t.Cleanup(s.Close)
	for i := range rows {
		if err := s.Add(&rows[i]); err != nil {
			t.Fatal(err)
		}
	}
	if opt.Dir != "" {
		for k, p := range s.parts {
			if len(p.buf) >= spillChunk {
				t.Fatalf("partition %d holds %d bytes in memory, spilling", k, len(p.buf))
			}
		}
	}
	if err := s.Finish(); err != nil {
		t.Fatal(err)
	}
	if opt.Dir != "" {
		for k, p := range s.parts {
			if p.buf != nil {
				t.Fatalf("partition %d holds %d bytes in memory once spilled", k, len(p.buf))
			}
		}
	}
	return s
}

// readAll reads every partition of a finished store, in order, with its
// GUIDs and refs as text. The store must forget each partition read.
func readAll(t testing.TB, s *Store) []spine.Conversation {
	t.Helper()
	r := s.NewReader()
	var got []spine.Conversation
	for k := range s.Partitions() {
		n, err := r.Read(k)
		if err != nil {
			t.Fatal(err)
		}
		if s.parts[k].buf != nil {
			t.Fatalf("partition %d still held once read", k)
		}
		for c := range n {
			conv := r.Conversation(c, nil)
			for i := range conv.Messages {
				m := &conv.Messages[i]
				m.GUID, m.MessageRef = Text(m.GUID), Text(m.MessageRef)
			}
			got = append(got, conv)
		}
	}
	return got
}
