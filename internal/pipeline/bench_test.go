package pipeline

import (
	"testing"

	"github.com/nhsdigital/gp2gp/internal/convstore"
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

// BenchmarkClassifyPartition decodes and classifies partitions: the
// per-conversation work after reading, Parquet aside.
func BenchmarkClassifyPartition(b *testing.B) {
	rows := benchRows(b, 20_000)
	opt := spine.Options{WindowStart: 0, WindowEnd: 1 << 62}
	conversations := 0
	b.ReportAllocs()
	for range b.N {
		b.StopTimer() // a store's partitions are read once: fill another
		st := convstore.New(convstore.Options{})
		for i := range rows {
			if err := st.Add(&rows[i]); err != nil {
				b.Fatal(err)
			}
		}
		if err := st.Finish(); err != nil {
			b.Fatal(err)
		}
		r := st.NewReader()
		b.StartTimer()
		for k := range st.Partitions() {
			if c := classifyPartition(r, k, opt, nil); c.err != nil {
				b.Fatal(c.err)
			}
		}
		conversations += st.Conversations()
	}
	b.ReportMetric(float64(conversations)/b.Elapsed().Seconds(), "conversations/s")
}
