package cli

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		xs   []float64
		want float64
	}{
		{[]float64{3}, 3},
		{[]float64{5, 1, 3}, 3},
		{[]float64{4, 1, 3, 2}, 2.5},
		{[]float64{1.2, 9, 1.3, 1.25, 1.1}, 1.25},
	} {
		if got := median(append([]float64(nil), tc.xs...)); got != tc.want {
			t.Errorf("median(%v) = %v, want %v", tc.xs, got, tc.want)
		}
	}
}

// TestFloorSpread checks when a bench warns that its floors disagree.
func TestFloorSpread(t *testing.T) {
	for _, tc := range []struct {
		floors    []float64
		wantNoisy bool
	}{
		{[]float64{5.6}, false},
		{[]float64{5.6, 5.9, 6.1}, false},
		{[]float64{6.0, 5.6, 6.4}, false}, // 14 %
		{[]float64{6.0, 5.6, 6.5}, true},  // 16 %
		{[]float64{7.9, 5.5, 6.2}, true},
	} {
		lo, hi, noisy := floorSpread(tc.floors)
		if noisy != tc.wantNoisy || lo != slices.Min(tc.floors) || hi != slices.Max(tc.floors) {
			t.Errorf("floorSpread(%v) = %v, %v, %v; want noisy %v", tc.floors, lo, hi, noisy, tc.wantNoisy)
		}
	}
}

// TestBenchTable checks the table's columns: the run's CPU time, the
// median ratio and, beside it, the spread of the rounds' ratios.
func TestBenchTable(t *testing.T) {
	var b strings.Builder
	writeBenchTable(&b, []benchResult{{
		conversations: 1000, rows: 11000, gzBytes: 2e6, csvBytes: 8e6,
		floor: 2 * time.Second, wall: 2600 * time.Millisecond, cpu: 4900 * time.Millisecond,
		ratio: 1.3, ratioMin: 1.22, ratioMax: 1.41, maxRSS: 100 << 20,
	}})
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("want a header and one row, got:\n%s", b.String())
	}
	head, row := strings.Fields(lines[0]), strings.Fields(lines[1])
	wantHead := []string{"conversations", "rows", "gzip", "MB", "CSV", "MB", "floor", "s", "run", "s", "run", "CPU", "s", "run/floor", "min–max", "rows/s", "CSV", "MB/s", "peak", "RSS", "MiB"}
	wantRow := []string{"1000", "11000", "2", "8", "2.00", "2.60", "4.90", "1.30", "1.22–1.41", "0.00M", "3", "100"}
	if strings.Join(head, " ") != strings.Join(wantHead, " ") {
		t.Errorf("header %q, want %q", head, wantHead)
	}
	if strings.Join(row, " ") != strings.Join(wantRow, " ") {
		t.Errorf("row %q, want %q", row, wantRow)
	}
}
