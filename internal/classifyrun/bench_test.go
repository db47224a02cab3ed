package classifyrun

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/nhsdigital/gp2gp/internal/synth"
)

// TestWriteDailyMonth writes a generated December 2019 as daily files
// (with 14 overflow days) and its v5 metadata under $GP2GP_DAILY_DIR, for
// measuring gp2gp classify from outside (peak RSS, time); it is skipped
// unless that is set. $GP2GP_DAILY_CONVERSATIONS sets the size (default
// 200,000).
func TestWriteDailyMonth(t *testing.T) {
	dir := os.Getenv("GP2GP_DAILY_DIR")
	if dir == "" {
		t.Skip("GP2GP_DAILY_DIR is unset: nothing to write")
	}
	n, _ := strconv.Atoi(os.Getenv("GP2GP_DAILY_CONVERSATIONS"))
	if n == 0 {
		n = 200_000
	}
	month := generate(t, synth.Config{Seed: 1, Conversations: n})
	w := ExplicitWindow(day("2019-12-01"), day("2020-01-01"), 14)
	splitDaily(t, dir+"/spine", append(append([]time.Time(nil), w.Days...), w.Overflow...), month.metric, month.overflow)
	writeFile(t, dir+"/ods", ODSKey(Month{2019, 12}), v5Of(t, month.org, Month{2019, 12}))
}

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

// TestWriteDailyYear writes twelve generated months, December 2019 to
// November 2020, as the daily files of a year-long window with cutoff 14
// (380 files) and each month's v5 metadata, under $GP2GP_DAILY_YEAR_DIR;
// skipped unless that is set. $GP2GP_DAILY_CONVERSATIONS is per month
// (default 170,000: about 2 million conversations in all).
func TestWriteDailyYear(t *testing.T) {
	dir := os.Getenv("GP2GP_DAILY_YEAR_DIR")
	if dir == "" {
		t.Skip("GP2GP_DAILY_YEAR_DIR is unset: nothing to write")
	}
	n, _ := strconv.Atoi(os.Getenv("GP2GP_DAILY_CONVERSATIONS"))
	if n == 0 {
		n = 170_000
	}
	var prevOverflow []byte
	for k := range 13 {
		m := time.Date(2019, 12+time.Month(k), 1, 0, 0, 0, 0, time.UTC)
		var days []time.Time
		last := m.AddDate(0, 1, 0)
		if k == 12 { // the overflow days only
			last = m.AddDate(0, 0, 14)
		}
		for d := m; d.Before(last); d = d.Add(Day) {
			days = append(days, d)
		}
		logs := [][]byte{}
		if prevOverflow != nil {
			logs = append(logs, prevOverflow)
		}
		if k < 12 {
			month := generate(t, synth.Config{Seed: int64(k + 1), Conversations: n, Year: m.Year(), Month: int(m.Month())})
			logs = append(logs, month.metric)
			prevOverflow = month.overflow
			writeFile(t, dir+"/ods", ODSKey(MonthOf(m)), v5Of(t, month.org, MonthOf(m)))
		}
		splitDaily(t, dir+"/spine", days, logs...)
	}
}
