package convstore

import (
	"testing"

	"github.com/nhsdigital/gp2gp/internal/spine"
	"github.com/nhsdigital/gp2gp/internal/spinelog"
	"github.com/nhsdigital/gp2gp/internal/synth"
)

// benchRows is a generated month of n conversations as rows.
func benchRows(b *testing.B, conversations int) []spinelog.Row {
	b.Helper()
	rows, err := synth.Rows(synth.Config{Seed: 3, Conversations: conversations, Year: 2019, Month: 12})
	if err != nil {
		b.Fatal(err)
	}
	return rows
}

// BenchmarkGroup is the grouping of rows into compact partitions: the
// per-row work of the reading phase besides parsing.
func BenchmarkGroup(b *testing.B) {
	rows := benchRows(b, 20_000)
	b.ReportAllocs()
	for b.Loop() {
		s := New(Options{})
		for i := range rows {
			if err := s.Add(&rows[i]); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(len(rows))*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkDecode is the decoding of partitions into conversations, as a
// classifying worker reads them: the per-row work of classification
// besides the rules.
func BenchmarkDecode(b *testing.B) {
	rows := benchRows(b, 20_000)
	s := New(Options{})
	for i := range rows {
		if err := s.Add(&rows[i]); err != nil {
			b.Fatal(err)
		}
	}
	var parts [][]byte
	for _, p := range s.parts {
		parts = append(parts, p.buf)
	}
	d := decoder{strs: s.strs.values}
	var buf []spine.Message
	b.ReportAllocs()
	for b.Loop() {
		for _, data := range parts {
			if err := d.decode(data); err != nil {
				b.Fatal(err)
			}
			for c := range d.conversations() {
				buf = d.conversation(c, buf).Messages
			}
		}
	}
	b.ReportMetric(float64(len(rows))*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
