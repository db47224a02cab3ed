package pipeline

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestEarlyClassificationChecksTimeOrder runs logs with a row logged long
// after its time, in one partition per conversation (so that each is final
// as soon as the log is a cutoff and convstore.FinalSlack past it), with
// early classification and without. A displaced row within the cutoff of
// its conversation's first message, or exactly the cutoff after it (kept:
// SPEC §4.2), must disprove the speculation, and the run must classify
// everything again and count the row where it belongs; one beyond the
// cutoff is counted as cut off. Either way the outputs and the accounting
// equal those of the run without early classification.
func TestEarlyClassificationChecksTimeOrder(t *testing.T) {
	for _, tc := range []struct {
		name          string
		displaced     string // the time of conversation A's EHR acknowledgement, logged after 7 December
		wantDisproved bool
		wantA         string // conversation A's outcome
	}{
		{"within the cutoff", "2019-12-01T02:00:00.000+0000", true, "INTEGRATED_ON_TIME/"},
		// SPEC §4.2 keeps a message exactly the cutoff after the first.
		{"exactly the cutoff", "2019-12-02T00:00:00.000+0000", true, "INTEGRATED_ON_TIME/"},
		{"beyond the cutoff", "2019-12-02T01:00:00.000+0000", false, "PROCESS_FAILURE/Transferred, not integrated"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := generateMonth(t, 10, 1) // for its organisation metadata
			l := NewLayout(m.anchor)
			rows := []string{
				row("2019-12-01T00:00:00.000+0000", "A", "A", "RCMR_IN010000UK05", "111", "222", ""),
				row("2019-12-01T00:01:00.000+0000", "A", "A-ack", "MCCI_IN010000UK13", "222", "111", "A"),
				row("2019-12-01T01:00:00.000+0000", "A", "E1", "RCMR_IN030000UK06", "222", "111", ""),
			}
			for day := 2; day <= 10; day++ {
				id := fmt.Sprintf("F%d", day)
				rows = append(rows, row(fmt.Sprintf("2019-12-%02dT12:00:00.000+0000", day), id, id, "RCMR_IN010000UK05", "333", "444", ""))
				if day == 7 {
					rows = append(rows, row(tc.displaced, "A", "E1-ack", "MCCI_IN010000UK13", "111", "222", "E1"))
				}
			}
			writeFile(t, filepath.Join(m.dir, "spine", l.MetricLogKey()), gzipLog(t, rows))
			writeFile(t, filepath.Join(m.dir, "spine", l.OverflowLogKey()), gzipLog(t, nil))

			run := func(mode earlyMode) (string, *Summary, earlyLog) {
				out := t.TempDir()
				cfg := m.config(out)
				cfg.CutoffDays = 1
				cfg.Now = func() time.Time { return time.Date(2020, 1, 15, 1, 2, 3, 0, time.UTC) }
				var logs bytes.Buffer
				cfg.Log = slog.New(slog.NewTextHandler(&logs, nil))
				res, err := run(context.Background(), cfg, options{spillThreshold: -1, partitionSize: 1, tempDir: t.TempDir(), early: mode})
				if err != nil {
					t.Fatal(err)
				}
				checkAccounting(t, res.Summary)
				res.Summary.ElapsedSeconds = 0
				return out, res.Summary, parseEarlyLog(t, logs.String())
			}
			lateOut, lateSum, _ := run(earlyOff)
			out, sum, early := run(earlyEager)
			if !early.ran || early.disproved != tc.wantDisproved {
				t.Errorf("early classification ran %v, disproved %v; want disproved %v", early.ran, early.disproved, tc.wantDisproved)
			}
			if !tc.wantDisproved && early.partitions == 0 {
				t.Error("no partition classified early")
			}
			for _, f := range []string{TransfersFile, PracticeMetricsFile, NationalMetricsFile} {
				if !bytes.Equal(readOutput(t, lateOut, f), readOutput(t, out, f)) {
					t.Errorf("%s differs from the run's without early classification", f)
				}
			}
			if diff := cmp.Diff(lateSum, sum); diff != "" {
				t.Errorf("summary differs (-without early classification +with):\n%s", diff)
			}
			// The displaced acknowledgement decides conversation A's fate.
			if got := readOutcomes(t, filepath.Join(out, "v4/2019/12", TransfersFile))["A"]; got != tc.wantA {
				t.Errorf("conversation A: %q, want %q", got, tc.wantA)
			}
		})
	}
}

// row is one line of a log, with a supplier pair; ref "" is NotProvided.
func row(at, conv, guid, interaction, from, to, ref string) string {
	if ref == "" {
		ref = "NotProvided"
	}
	return fmt.Sprintf("%q,%q,%q,%q,%s,%s,%q,NONE,EMIS,SystmOne", at, conv, guid, "urn:nhs:names:services:gp2gp/"+interaction, from, to, ref)
}

func gzipLog(t *testing.T, rows []string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	fmt.Fprintln(zw, `"_time",conversationID,GUID,interactionID,messageSender,messageRecipient,messageRef,jdiEvent,toSystem,fromSystem`)
	for _, r := range rows {
		fmt.Fprintln(zw, r)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
