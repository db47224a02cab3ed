package metrics

import (
	"testing"

	"github.com/nhsdigital/gp2gp/internal/spine"
)

func TestBandOf(t *testing.T) {
	tests := []struct {
		name string
		sla  spine.Time
		want Band
	}{
		{"zero", 0, Within3Days},
		{"one second", spine.Second, Within3Days},
		{"exactly 3 days", 259_200 * spine.Second, Within3Days},
		{"3 days + 1 µs", 259_200*spine.Second + 1, Within8Days},
		{"3 days + 500 ms", 259_200*spine.Second + 500_000, Within8Days},
		{"exactly 8 days", 691_200 * spine.Second, Within8Days},
		{"8 days + 1 µs", 691_200*spine.Second + 1, Beyond8Days},
		{"8 days + 500 ms", 691_200*spine.Second + 500_000, Beyond8Days},
		{"a year", 365 * spine.Day, Beyond8Days},
	}
	for _, tt := range tests {
		if got := BandOf(tt.sla); got != tt.want {
			t.Errorf("%s: BandOf(%d) = %d, want %d", tt.name, tt.sla, got, tt.want)
		}
	}
}

func TestBandCounts(t *testing.T) {
	var c BandCounts
	for _, b := range []Band{Within3Days, Beyond8Days, Within8Days, Within3Days} {
		c.Add(b)
	}
	want := BandCounts{Within3Days: 2, Within8Days: 1, Beyond8Days: 1}
	if c != want || c.Total() != 4 {
		t.Errorf("counts = %+v (total %d), want %+v (total 4)", c, c.Total(), want)
	}
}
