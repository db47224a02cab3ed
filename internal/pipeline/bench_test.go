package pipeline

import (
	"bytes"
	"io"
	"testing"

	"github.com/nhsdigital/gp2gp/internal/spine"
	"github.com/nhsdigital/gp2gp/internal/spinelog"
	"github.com/nhsdigital/gp2gp/internal/synth"
)

// benchRows is a generated month of n conversations as rows.
func benchRows(b *testing.B, conversations int) []spinelog.Row {
	b.Helper()
	var metric bytes.Buffer
	cfg := synth.Config{Seed: 3, Conversations: conversations, Year: 2019, Month: 12}
	if _, err := synth.Generate(cfg, &metric, io.Discard, io.Discard, nil); err != nil {
		b.Fatal(err)
	}
	lr, err := spinelog.NewReader(&metric, "bench.csv.gz")
	if err != nil {
		b.Fatal(err)
	}
	defer lr.Close()
	var rows []spinelog.Row
	for {
		var m spine.Message
		err := lr.Read(&m)
		if err == io.EOF {
			return rows
		}
		if err != nil {
			b.Fatal(err)
		}
		rows = append(rows, spinelog.Row{Time: m.Time, ConversationID: []byte(m.ConversationID), GUID: []byte(m.GUID),
			Interaction: []byte(m.Interaction), Sender: []byte(m.Sender), Recipient: []byte(m.Recipient),
			MessageRef: []byte(m.MessageRef), Error: m.Error, ToSystem: []byte(m.ToSystem.String),
			FromSystem: []byte(m.FromSystem.String), HasToSystem: m.ToSystem.Valid, HasFromSystem: m.FromSystem.Valid})
	}
}

// BenchmarkGroup is the grouping of rows into compact partitions: the
// per-row work of the reading phase besides parsing.
func BenchmarkGroup(b *testing.B) {
	rows := benchRows(b, 20_000)
	b.ReportAllocs()
	for b.Loop() {
		ps := newPartitions(DefaultPartitionSize, "")
		for i := range rows {
			if err := ps.add(&rows[i]); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(len(rows))*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkClassifyPartition decodes and classifies partitions: the
// per-conversation work after reading, Parquet aside.
func BenchmarkClassifyPartition(b *testing.B) {
	rows := benchRows(b, 20_000)
	ps := newPartitions(DefaultPartitionSize, "")
	for i := range rows {
		if err := ps.add(&rows[i]); err != nil {
			b.Fatal(err)
		}
	}
	data := make([][]byte, len(ps.parts))
	for k, p := range ps.parts {
		data[k] = p.buf
	}
	opt := spine.Options{WindowStart: 0, WindowEnd: 1 << 62}
	d := decoder{strs: ps.strs.values}
	b.ReportAllocs()
	for b.Loop() {
		for k := range ps.parts {
			ps.parts[k].buf = data[k]
			if c := classifyPartition(ps, k, &d, opt, nil); c.err != nil {
				b.Fatal(c.err)
			}
		}
	}
	b.ReportMetric(float64(ps.conversations())*float64(b.N)/b.Elapsed().Seconds(), "conversations/s")
}
