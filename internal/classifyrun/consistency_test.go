package classifyrun

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nhsdigital/gp2gp/internal/output"
	"github.com/nhsdigital/gp2gp/internal/output/outputtest"
	"github.com/nhsdigital/gp2gp/internal/pipeline"
	"github.com/nhsdigital/gp2gp/internal/spine"
	"github.com/nhsdigital/gp2gp/internal/synth"
)

// outcome is what both commands decide about a transfer.
type outcome struct {
	Status, Reason string
	SLA            any
	DateRequested  string
	DateCompleted  any
}

// TestSameAsRun: classify over every day of a generated month with cutoff
// N gives the same transfers, outcomes and SLAs as run for that month with
// cutoff N (statuses and reasons in their v11 spelling), in the same
// order; and every way of running it writes the same bytes and accounts
// the same: classifying while reading (in partitions large and small, and
// starting over when the rows in memory pass the limit), or after the
// read, in memory or spilled.
func TestSameAsRun(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a month")
	}
	month := generate(t, synth.Config{Seed: 7, Conversations: 3000})
	for _, n := range []int{14, 3} {
		t.Run(fmt.Sprintf("cutoff %d", n), func(t *testing.T) {
			// run: the monthly logs.
			runIn, org, runOut := t.TempDir(), t.TempDir(), t.TempDir()
			writeFile(t, runIn, "v2/messages/2019/12/2019-12_spine_messages.csv.gz", month.metric)
			writeFile(t, runIn, "v2/messages-overflow/2020/1/2020-1_spine_messages_overflow.csv.gz", month.overflow)
			writeFile(t, org, "v2/2020/1/organisationMetadata.json", month.org)
			_, err := pipeline.Run(context.Background(), pipeline.Config{SpineBucket: runIn, OrganisationBucket: org, OutputBucket: runOut,
				Anchor: time.Date(2020, 1, 20, 0, 0, 0, 0, time.UTC), CutoffDays: n, MaxRejectedFraction: 1, NoReport: true})
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]outcome{}
			var wantOrder []string
			rows := outputtest.Columns(outputtest.ReadRows(t, filepath.Join(runOut, "v4/2019/12/transfers.parquet")))
			for i, id := range rows["conversation_id"] {
				st, err := output.V11Status(spine.Status(rows["status"][i].(string)))
				if err != nil {
					t.Fatal(err)
				}
				reason := ""
				if r := rows["failure_reason"][i]; r != nil {
					if reason, err = output.V11Reason(r.(string)); err != nil {
						t.Fatal(err)
					}
				}
				want[id.(string)] = outcome{st, reason, fmt.Sprint(rows["sla_duration"][i]), rows["date_requested"][i].(string), rows["date_completed"][i]}
				wantOrder = append(wantOrder, id.(string))
			}

			// classify: every day of December, split into daily files.
			w := ExplicitWindow(day("2019-12-01"), day("2020-01-01"), n)
			spineIn, ods := t.TempDir(), t.TempDir()
			splitDaily(t, spineIn, append(append([]time.Time(nil), w.Days...), w.Overflow...), month.metric, month.overflow)
			writeFile(t, ods, ODSKey(Month{2019, 12}), v5Of(t, month.org, Month{2019, 12}))
			classify := func(o options, spill int64, partition int) (string, *Summary) {
				out := t.TempDir()
				sum, err := run(context.Background(), Config{SpineBucket: spineIn, ODSBucket: ods, OutputBucket: out, BuildTag: "t",
					Window: w, CutoffDays: n, SpillThreshold: spill, PartitionSize: partition, TempDir: t.TempDir()}, o)
				if err != nil {
					t.Fatal(err)
				}
				return out, sum
			}
			out, sum := classify(options{noStream: true}, 0, 0)
			if sum.Spilled || sum.ClassifiedWhileReading {
				t.Fatalf("a small month spilled (%v) or was classified while reading (%v)", sum.Spilled, sum.ClassifiedWhileReading)
			}
			var gotOrder []string
			for i, d := range w.Days {
				v, err := outputtest.ReadV11(filepath.Join(out, filepath.FromSlash(OutputKey(n, d))))
				if err != nil {
					t.Fatal(err)
				}
				c := v.Columns
				statuses := map[string]int{}
				for _, st := range c["status"] {
					statuses[st.(string)]++
				}
				if !maps.Equal(statuses, sum.Days[i].Statuses) || sum.Days[i].Transfers != len(c["status"]) {
					t.Errorf("%s: the summary counts %d transfers %v, the table has %d %v", d.Format(time.DateOnly),
						sum.Days[i].Transfers, sum.Days[i].Statuses, len(c["status"]), statuses)
				}
				for i, id := range c["conversation_id"] {
					reason := ""
					if r := c["failure_reason"][i]; r != nil {
						reason = r.(string)
					}
					got := outcome{c["status"][i].(string), reason, fmt.Sprint(c["sla_duration"][i]), c["date_requested"][i].(string), c["date_completed"][i]}
					if got.DateRequested[:10] != d.Format(time.DateOnly) {
						t.Errorf("%s: requested %s, in the table of %s", id, got.DateRequested, d.Format(time.DateOnly))
					}
					if want[id.(string)] != got {
						t.Errorf("%s: classify %+v, run %+v", id, got, want[id.(string)])
					}
					gotOrder = append(gotOrder, id.(string))
				}
			}
			if len(gotOrder) != len(wantOrder) || len(wantOrder) < 1000 {
				t.Fatalf("classify wrote %d transfers, run %d", len(gotOrder), len(wantOrder))
			}
			// Run's order is first-seen; classify's is first-seen within
			// each day: the same order once sorted stably by day.
			byDay := map[string][]string{}
			for _, id := range wantOrder {
				k := want[id].DateRequested[:10]
				byDay[k] = append(byDay[k], id)
			}
			var wantByDay []string
			for _, d := range w.Days {
				wantByDay = append(wantByDay, byDay[d.Format(time.DateOnly)]...)
			}
			for i := range wantByDay {
				if wantByDay[i] != gotOrder[i] {
					t.Fatalf("transfer %d: classify %s, run %s", i, gotOrder[i], wantByDay[i])
				}
			}
			if sum.RowsAccepted != sumMessages(sum.Messages) {
				t.Errorf("%d rows accepted, %d messages accounted for", sum.RowsAccepted, sumMessages(sum.Messages))
			}
			if sum.Conversations != sum.Transfers+sum.ConversationsNoRequest+sum.ConversationsOutsideWindow {
				t.Errorf("conversations %d ≠ %d transfers + %d + %d", sum.Conversations, sum.Transfers, sum.ConversationsNoRequest, sum.ConversationsOutsideWindow)
			}

			for _, tc := range []struct {
				name      string
				o         options
				spill     int64
				partition int
				streamed  bool
			}{
				{"classified while reading", options{}, 0, 0, true},
				{"classified while reading, in small partitions", options{}, 0, 100, true},
				{"rows in memory past the limit, so after the read", options{heldMax: 64 << 10}, -1, 100, false},
				{"after the read, spilled, in small partitions", options{noStream: true}, -1, 100, false},
			} {
				o, osum := classify(tc.o, tc.spill, tc.partition)
				if osum.ClassifiedWhileReading != tc.streamed {
					t.Errorf("%s: classified while reading %v, want %v", tc.name, osum.ClassifiedWhileReading, tc.streamed)
				}
				if tc.streamed && tc.partition > 0 && (osum.ConversationsClassifiedWhileReading < osum.Conversations/2 || osum.DaysEncodedWhileReading < len(w.Days)/2) {
					t.Errorf("%s: only %d of %d conversations classified, %d of %d days encoded while reading", tc.name,
						osum.ConversationsClassifiedWhileReading, osum.Conversations, osum.DaysEncodedWhileReading, len(w.Days))
				}
				for _, d := range w.Days {
					k := filepath.FromSlash(OutputKey(n, d))
					a, b := readAllFile(t, filepath.Join(out, k)), readAllFile(t, filepath.Join(o, k))
					if !bytes.Equal(a, b) {
						t.Errorf("%s: %s differs from the table classified after the read, in memory", tc.name, k)
					}
				}
				if diff := cmp.Diff(accounting(sum), accounting(osum)); diff != "" {
					t.Errorf("%s: accounts differently from after the read, in memory (-want +got):\n%s", tc.name, diff)
				}
			}
		})
	}
}

// accounting is what a summary accounts for, without how the run went.
func accounting(s *Summary) Summary {
	a := *s
	a.Spilled, a.ClassifiedWhileReading, a.ElapsedSeconds = false, false, 0
	a.ConversationsClassifiedWhileReading, a.DaysEncodedWhileReading = 0, 0
	a.Days = slices.Clone(a.Days)
	for i := range a.Days {
		a.Days[i].Output = ""
	}
	return a
}

func sumMessages(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
