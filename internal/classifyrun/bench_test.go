package classifyrun

import (
	"context"
	"testing"
	"time"

	"github.com/nhsdigital/gp2gp/internal/synth"
)

// BenchmarkClassifyMonth classifies a generated month of 20,000
// conversations from daily files, cutoff 14.
func BenchmarkClassifyMonth(b *testing.B) {
	month := generate(b, synth.Config{Seed: 1})
	w := ExplicitWindow(day("2019-12-01"), day("2020-01-01"), 14)
	in, ods := b.TempDir(), b.TempDir()
	splitDaily(b, in, append(append([]time.Time(nil), w.Days...), w.Overflow...), month.metric, month.overflow)
	writeFile(b, ods, ODSKey(Month{2019, 12}), v5Of(b, month.org, Month{2019, 12}))
	for b.Loop() {
		if _, err := Run(context.Background(), Config{SpineBucket: in, ODSBucket: ods, OutputBucket: b.TempDir(), BuildTag: "b", Window: w, CutoffDays: 14}); err != nil {
			b.Fatal(err)
		}
	}
}
