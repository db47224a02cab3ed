package convstore

import (
	"testing"

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
