package spinelog

import (
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/nhsdigital/gp2gp/internal/spine"
)

func TestParseTime(t *testing.T) {
	base := at(2019, 12, 1, 8, 41, 48, 337_000)
	tests := []struct {
		in     string
		want   spine.Time
		reason string // "" when the input is valid
	}{
		// Offsets.
		{in: "2019-12-01T08:41:48.337+0000", want: base},
		{in: "2019-12-01T08:41:48.337+00:00", want: base},
		{in: "2019-12-01T08:41:48.337+00", want: base},
		{in: "2019-12-01T08:41:48.337Z", want: base},
		{in: "2019-12-01T08:41:48.337z", want: base},
		{in: "2019-12-01t08:41:48.337Z", want: base},
		{in: "2019-12-01T09:41:48.337+01", want: base},
		{in: "2019-12-01T09:41:48.337+0100", want: base},
		{in: "2019-12-01T09:41:48.337+01:00", want: base},
		{in: "2019-12-01T03:41:48.337-05:00", want: base},
		{in: "2019-12-01T03:11:48.337-0530", want: base},
		{in: "2019-12-01T14:26:48.337+05:45", want: base},
		{in: "2019-12-01T08:41:48.337-00:00", want: base},
		{in: "2019-11-30T23:41:48.337-09", want: base},
		{in: "2019-12-01 08:41:48.337+0000", want: base},
		{in: "2019-12-01 08:41:48.337 +0000", want: base},
		// Splunk REST API zone names.
		{in: "2019-12-01 08:41:48.337 UTC", want: base},
		{in: "2019-12-01 08:41:48.337 GMT", want: base},
		{in: "2019-12-01 09:41:48.337 BST", want: base},
		{in: "2019-12-02 19:02:29.985 BST", want: at(2019, 12, 2, 18, 2, 29, 985_000)},
		{in: "2020-01-01 00:30:00 BST", want: at(2019, 12, 31, 23, 30, 0, 0)},
		{in: "2019-12-01T08:41:48.337UTC", want: base},
		// Fraction digits 0..9: six kept, the rest truncated.
		{in: "2019-12-01T08:41:48Z", want: at(2019, 12, 1, 8, 41, 48, 0)},
		{in: "2019-12-01T08:41:48.9Z", want: at(2019, 12, 1, 8, 41, 48, 900_000)},
		{in: "2019-12-01T08:41:48.98Z", want: at(2019, 12, 1, 8, 41, 48, 980_000)},
		{in: "2019-12-01T08:41:48.987Z", want: at(2019, 12, 1, 8, 41, 48, 987_000)},
		{in: "2019-12-01T08:41:48.9876Z", want: at(2019, 12, 1, 8, 41, 48, 987_600)},
		{in: "2019-12-01T08:41:48.98765Z", want: at(2019, 12, 1, 8, 41, 48, 987_650)},
		{in: "2019-12-01T08:41:48.987654Z", want: at(2019, 12, 1, 8, 41, 48, 987_654)},
		{in: "2019-12-01T08:41:48.9876549Z", want: at(2019, 12, 1, 8, 41, 48, 987_654)},
		{in: "2019-12-01T08:41:48.98765499Z", want: at(2019, 12, 1, 8, 41, 48, 987_654)},
		{in: "2019-12-01T08:41:48.999999999Z", want: at(2019, 12, 1, 8, 41, 48, 999_999)},
		{in: "2019-12-01T08:41:48.000000001Z", want: at(2019, 12, 1, 8, 41, 48, 0)},
		// Dates.
		{in: "2020-02-29T00:00:00Z", want: at(2020, 2, 29, 0, 0, 0, 0)},
		{in: "2000-02-29T00:00:00Z", want: at(2000, 2, 29, 0, 0, 0, 0)},
		{in: "2019-12-31T23:59:59.999999Z", want: at(2019, 12, 31, 23, 59, 59, 999_999)},
		{in: "1970-01-01T00:00:00Z", want: 0},
		{in: "1969-12-31T23:59:59.5Z", want: -500_000},
		{in: "0001-01-01T00:00:00Z", want: at(1, 1, 1, 0, 0, 0, 0)},
		{in: "0000-03-01T00:00:00Z", want: at(0, 3, 1, 0, 0, 0, 0)},
		{in: "9999-12-31T23:59:59Z", want: at(9999, 12, 31, 23, 59, 59, 0)},
		{in: "2019-01-31T00:00:00Z", want: at(2019, 1, 31, 0, 0, 0, 0)},
		{in: "2019-04-30T00:00:00Z", want: at(2019, 4, 30, 0, 0, 0, 0)},

		// Invalid.
		{in: "", reason: reasonTimeEmpty},
		{in: "2019-12-01T08:41:48.337", reason: reasonTimeNoOffset},
		{in: "2019-12-01T08:41:48", reason: reasonTimeNoOffset},
		{in: "2019-12-01 08:41:48 ", reason: reasonTimeNoOffset},
		{in: "2019-12-01T08:41:48.337 EST", reason: reasonTimeZone},
		{in: "2019-12-01T08:41:48.337 CET", reason: reasonTimeZone},
		{in: "2019-12-01T08:41:48.337 bst", reason: reasonTimeZone},
		{in: "2019-12-01T08:41:48.337  UTC", reason: reasonTimeZone},
		{in: "2019-12-01T08:41:48.337+1", reason: reasonTimeOffset},
		{in: "2019-12-01T08:41:48.337+100", reason: reasonTimeOffset},
		{in: "2019-12-01T08:41:48.337+01:0", reason: reasonTimeOffset},
		{in: "2019-12-01T08:41:48.337+01-00", reason: reasonTimeOffset},
		{in: "2019-12-01T08:41:48.337+24", reason: reasonTimeOffset},
		{in: "2019-12-01T08:41:48.337+01:60", reason: reasonTimeOffset},
		{in: "2019-12-01T08:41:48.337+0a00", reason: reasonTimeOffset},
		{in: "2019-12-01T08:41:48.337Z ", reason: reasonTimeZone},
		{in: "2019-12-01T08:41:48.337ZZ", reason: reasonTimeZone},
		{in: "2019-12-01T08:41:48.Z", reason: reasonTimeShape},
		{in: "2019-12-01T08:41:48,337Z", reason: reasonTimeZone},
		{in: "2019-12-01T08:41Z", reason: reasonTimeShape},
		{in: "2019-12-01", reason: reasonTimeShape},
		{in: "2019/12/01T08:41:48Z", reason: reasonTimeShape},
		{in: "2019-12-01_08:41:48Z", reason: reasonTimeShape},
		{in: "2019-1-01T08:41:48.337Z", reason: reasonTimeShape},
		{in: "20a9-12-01T08:41:48Z", reason: reasonTimeShape},
		{in: "+019-12-01T08:41:48Z", reason: reasonTimeShape},
		{in: "2019-12-01T08:41:4.8Z", reason: reasonTimeShape},
		{in: "1575189708337", reason: reasonTimeShape},
		{in: "2019-00-01T08:41:48Z", reason: reasonTimeMonth},
		{in: "2019-13-01T08:41:48Z", reason: reasonTimeMonth},
		{in: "2019-12-00T08:41:48Z", reason: reasonTimeDay},
		{in: "2019-12-32T08:41:48Z", reason: reasonTimeDay},
		{in: "2019-02-29T08:41:48Z", reason: reasonTimeDay},
		{in: "1900-02-29T08:41:48Z", reason: reasonTimeDay},
		{in: "2019-04-31T08:41:48Z", reason: reasonTimeDay},
		{in: "2019-11-31T08:41:48Z", reason: reasonTimeDay},
		{in: "2019-12-01T24:00:00Z", reason: reasonTimeHour},
		{in: "2019-12-01T08:60:48Z", reason: reasonTimeMinute},
		{in: "2019-12-01T08:41:60Z", reason: reasonTimeSecond},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseTime(tt.in)
			if tt.reason == "" {
				if err != nil || got != tt.want {
					t.Errorf("ParseTime(%q) = %d, %v; want %d (%s)", tt.in, got, err, tt.want,
						time.UnixMicro(int64(tt.want)).UTC().Format(time.RFC3339Nano))
				}
				return
			}
			var te *TimeError
			if !errors.As(err, &te) || te.Reason != tt.reason || te.Value != tt.in {
				t.Errorf("ParseTime(%q) = %d, %v; want TimeError %q", tt.in, got, err, tt.reason)
			}
		})
	}
}

// TestParseTimeAgreesWithTime compares ParseTime with package time on
// random instants and offsets.
func TestParseTimeAgreesWithTime(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	layouts := []string{
		"2006-01-02T15:04:05.000000-0700",
		"2006-01-02T15:04:05.000-07:00",
		"2006-01-02 15:04:05.999999999Z07:00",
		"2006-01-02T15:04:05-07",
	}
	for range 20_000 {
		micros := rng.Int64N(int64(400*365*spine.Day)) - int64(200*365*spine.Day)
		offset := (rng.IntN(2*14*60+1) - 14*60) * 60
		tm := time.UnixMicro(micros).In(time.FixedZone("", offset))
		layout := layouts[rng.IntN(len(layouts))]
		if layout == "2006-01-02T15:04:05-07" && offset%3600 != 0 {
			continue
		}
		s := tm.Format(layout)
		want := tm.UnixMicro()
		if layout == "2006-01-02T15:04:05.000-07:00" {
			want -= ((want % 1000) + 1000) % 1000 // milliseconds only
		}
		if layout == "2006-01-02T15:04:05-07" {
			want -= ((want % 1_000_000) + 1_000_000) % 1_000_000 // whole seconds
		}
		got, err := ParseTime(s)
		if err != nil || int64(got) != want {
			t.Fatalf("ParseTime(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
}
