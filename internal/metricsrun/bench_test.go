package metricsrun

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nhsdigital/gp2gp/internal/v11table/v11tabletest"
	"github.com/nhsdigital/gp2gp/internal/v12"
)

// nationalDays writes six months of national-sized v11 days (about 1.2 M
// transfers over 7,000 practices; the whole schema, as classify writes
// it) under dir, once per directory.
func nationalDays(tb testing.TB, dir string, months []v12.YearMonth, perDay int) {
	tb.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	statuses := [][2]any{{"Integrated on time", nil}, {"Integrated on time", nil}, {"Integrated on time", nil},
		{"Process failure", "Integrated late"}, {"Technical failure", "Final error"}, {"Unclassified failure", "Ambiguous COPC messages"}}
	n := 0
	for _, d := range Days(months) {
		cols := map[string][]any{}
		add := func(k string, v any) { cols[k] = append(cols[k], v) }
		for i := 0; i < perDay; i++ {
			n++
			p := r.IntN(7000)
			s := statuses[r.IntN(len(statuses))]
			add("conversation_id", fmt.Sprintf("%08X-0000-4000-8000-%012X", n, n))
			add("sla_duration", r.IntN(900000))
			for _, side := range []string{"requesting", "sending"} {
				add(side+"_practice_asid", fmt.Sprintf("%012d", p))
				add(side+"_practice_ods_code", fmt.Sprintf("P%05d", p))
				add(side+"_practice_name", fmt.Sprintf("THE PRACTICE OF SURGERY NUMBER %d", p))
				add(side+"_practice_sicbl_ods_code", fmt.Sprintf("%02dX", p%106))
				add(side+"_practice_sicbl_name", fmt.Sprintf("NHS SOMEWHERE ICB - %02dX", p%106))
			}
			add("requesting_supplier", "EMIS")
			add("sending_supplier", "SystmOne")
			for _, c := range []string{"sender_error_codes", "final_error_codes", "intermediate_error_codes"} {
				add(c, []int64{})
			}
			add("status", s[0])
			add("failure_reason", s[1])
			t := d.Add(time.Duration(r.IntN(86400)) * time.Second)
			add("date_requested", t)
			add("date_completed", t.Add(time.Hour))
			add("last_sender_message_timestamp", t.Add(time.Hour))
		}
		var cs []v11tabletest.Column
		for k, v := range cols {
			typ := "string"
			switch k {
			case "sla_duration":
				typ = "uint64"
			case "sender_error_codes", "final_error_codes", "intermediate_error_codes":
				typ = "list<int64>"
			case "date_requested", "date_completed", "last_sender_message_timestamp":
				typ = "timestamp[us]"
			}
			cs = append(cs, v11tabletest.Column{Name: k, Type: typ, Values: v})
		}
		b, err := v11tabletest.Encode(cs)
		if err != nil {
			tb.Fatal(err)
		}
		p := filepath.Join(dir, filepath.FromSlash(DayKey(d)))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

// peakHeap samples the live heap while f runs and returns its maximum.
func peakHeap(f func()) uint64 {
	runtime.GC()
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var m runtime.MemStats
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > peak.Load() {
				peak.Store(m.HeapAlloc)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	f()
	close(done)
	wg.Wait()
	return peak.Load()
}

// BenchmarkSixNationalMonths runs the metrics on six months of
// national-sized days (about 1.2 M transfers, 6,600 a day) and reports
// the peak live heap (peak-heap-MiB) and the transfers a second. The
// inputs are generated once, under $GP2GP_BENCH_DIR if set (kept for
// later runs), else in a temporary directory.
//
//	go test ./internal/metricsrun -run '^$' -bench SixNationalMonths -benchtime 1x
func BenchmarkSixNationalMonths(b *testing.B) {
	anchor := time.Date(2020, 7, 1, 0, 0, 0, 0, time.UTC)
	months := v12.MetricMonths(anchor, 6)
	dir := os.Getenv("GP2GP_BENCH_DIR")
	if dir == "" {
		dir = b.TempDir()
	}
	in := filepath.Join(dir, "v11-national")
	if _, err := os.Stat(filepath.Join(in, "v11")); err != nil {
		nationalDays(b, in, months, 6600)
	}
	b.ResetTimer()
	for range b.N {
		out := b.TempDir()
		var sum *Summary
		var err error
		peak := peakHeap(func() {
			sum, err = Run(context.Background(), Config{InputBucket: in, OutputBucket: out, BuildTag: "b", Anchor: anchor, Months: 6})
		})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		b.ReportMetric(float64(sum.Transfers)/sum.Elapsed, "transfers/s")
		b.ReportMetric(float64(sum.Transfers), "transfers")
	}
}
