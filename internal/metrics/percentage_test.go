package metrics

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRound(t *testing.T) {
	// Expected values are what CPython 3 prints for round(x, digits).
	tests := []struct {
		x      float64
		digits int
		want   float64
	}{
		{0.05, 1, 0.1},   // stored just above 0.05
		{0.15, 1, 0.1},   // stored just below 0.15
		{0.25, 1, 0.2},   // exact tie: to even
		{0.35, 1, 0.3},   // stored just below
		{2.675, 2, 2.67}, // stored just below
		{12.25, 1, 12.2}, // exact tie: to even
		{12.35, 1, 12.3},
		{33.33333, 1, 33.3},
		{66.66666, 1, 66.7},
		{100, 1, 100},
		{0.125, 2, 0.12}, // exact tie: to even
		{0.375, 2, 0.38}, // exact tie: to even
		{1.0 / 3 * 100, 2, 33.33},
		{2.0 / 3 * 100, 2, 66.67},
		{0, 1, 0},
		{99.95, 1, 100},
		{1.005, 2, 1},
		{-0.05, 1, -0.1},
	}
	for _, tt := range tests {
		if got := Round(tt.x, tt.digits); got != tt.want {
			t.Errorf("Round(%v, %d) = %v, want %v", tt.x, tt.digits, got, tt.want)
		}
	}
}

func TestPercent(t *testing.T) {
	tests := []struct {
		name                  string
		portion, total, digit int
		want                  Percentage
	}{
		{"zero total is null", 0, 0, 1, Percentage{}},
		{"zero total is null, 2 dp", 0, 0, 2, Percentage{}},
		{"none", 0, 7, 1, Percentage{0, true}},
		{"all", 7, 7, 1, Percentage{100, true}},
		{"third", 1, 3, 1, Percentage{33.3, true}},
		{"two thirds", 2, 3, 1, Percentage{66.7, true}},
		{"national", 5, 9, 2, Percentage{55.56, true}},
		{"national third", 3, 9, 2, Percentage{33.33, true}},
		// portion/total*100 and portion*100/total round differently here;
		// the reference divides first.
		{"divide first 23/80", 23, 80, 1, Percentage{28.7, true}},
		{"divide first 49/80", 49, 80, 1, Percentage{61.3, true}},
		{"divide first 23/160", 23, 160, 2, Percentage{14.37, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Percent(tt.portion, tt.total, tt.digit)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Percent(%d, %d, %d) mismatch (-want +got):\n%s", tt.portion, tt.total, tt.digit, diff)
			}
		})
	}
}

func TestRoundNonFinite(t *testing.T) {
	if got := Round(math.Inf(1), 1); !math.IsInf(got, 1) {
		t.Errorf("Round(+Inf, 1) = %v, want +Inf", got)
	}
	if got := Round(math.NaN(), 1); !math.IsNaN(got) {
		t.Errorf("Round(NaN, 1) = %v, want NaN", got)
	}
}
