package pipeline

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const logHeader = `"_time",conversationID,GUID,interactionID,messageSender,messageRecipient,messageRef,jdiEvent,toSystem,fromSystem`

// handMonth lays out a December 2019 month, anchored in January 2020, whose
// logs hold the given rows (without the header), with empty organisation
// metadata.
func handMonth(t *testing.T, metric, overflow []string) month {
	t.Helper()
	dir := t.TempDir()
	anchor := time.Date(2020, 1, 15, 0, 0, 0, 0, time.UTC)
	l := NewLayout(anchor)
	gz := func(rows []string) []byte {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write([]byte(logHeader + "\n" + strings.Join(append(rows, ""), "\n")))
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	writeFile(t, filepath.Join(dir, "spine", l.MetricLogKey()), gz(metric))
	writeFile(t, filepath.Join(dir, "spine", l.OverflowLogKey()), gz(overflow))
	writeFile(t, filepath.Join(dir, "org", l.OrganisationKey()), []byte(`{"generated_on": "2020-01-01 00:00:00.000000", "practices": [], "ccgs": []}`))
	return month{dir: dir, anchor: anchor}
}

// requestRows are n readable rows, each a request started of its own
// conversation, on the 3rd of month (YYYY-MM).
func requestRows(n int, month, prefix string) []string {
	rows := make([]string, n)
	for i := range rows {
		id := fmt.Sprintf("%s-%d", prefix, i)
		rows[i] = fmt.Sprintf(`"%s-03T10:00:00.000+0000",%s,%s,"urn:nhs:names:services:gp2gp/RCMR_IN010000UK05",100000000001,200000000002,NotProvided,NONE,SystmOne,EMIS`, month, id, id)
	}
	return rows
}

// badTimeRows are n rows rejected for their _time.
func badTimeRows(n int) []string {
	rows := make([]string, n)
	for i := range rows {
		rows[i] = fmt.Sprintf(`"not a time",C-bad-%d,G-bad-%d,"urn:nhs:names:services:gp2gp/RCMR_IN010000UK05",100000000001,200000000002,NotProvided,NONE,SystmOne,EMIS`, i, i)
	}
	return rows
}

// TestRejectedThreshold: a run fails when its rejected rows are MORE than
// MaxRejectedFraction of the rows read, in both logs; exactly the fraction
// is allowed. The rejected rows are all in the metric log and the overflow
// log holds more rows than it, so that a fraction of the rows accepted, or
// of the metric log's rows only, gives a different verdict.
//
// kills: the threshold compared with >= instead of > (at the limit)
// kills: the fraction taken of sum.RowsAccepted instead of sum.RowsRead
// kills: the fraction taken of the metric log's rows only
// kills: the check dropped, or testing only sum.RowsRejected > 0
func TestRejectedThreshold(t *testing.T) {
	tests := []struct {
		name                      string
		metricGood, bad, overGood int
		max                       float64
		wantFail                  bool
	}{
		{"none rejected, none allowed", 4, 0, 4, 0, false},
		{"one rejected, none allowed", 3, 1, 4, 0, true},
		// 2 > 0.25×8 read is false; 2 > 0.25×6 accepted, 2 > 0.25×4 in the metric log are true.
		{"exactly the fraction of rows read", 2, 2, 4, 0.25, false},
		{"one row more than the fraction", 1, 3, 4, 0.25, true},
		{"one row more than the fraction, one more row read", 2, 3, 4, 0.25, true},
		// 2 > 0.22×10 read is false; 2 > 0.22×8 accepted is true.
		{"under the fraction of rows read, over that of rows accepted", 2, 2, 6, 0.22, false},
		{"everything rejected, everything allowed", 0, 4, 0, 1, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			metric := append(requestRows(tc.metricGood, "2019-12", "C-dec"), badTimeRows(tc.bad)...)
			m := handMonth(t, metric, requestRows(tc.overGood, "2020-01", "C-jan"))
			out := t.TempDir()
			cfg := m.config(out)
			cfg.MaxRejectedFraction = tc.max
			res, err := Run(context.Background(), cfg)
			read := tc.metricGood + tc.bad + tc.overGood
			if tc.wantFail {
				var tooMany *TooManyRejectedError
				if !errors.As(err, &tooMany) {
					t.Fatalf("err = %v, want TooManyRejectedError", err)
				}
				if tooMany.Rejected != tc.bad || tooMany.Read != read || tooMany.Max != tc.max || tooMany.First == nil {
					t.Errorf("error %+v, want %d of %d rejected, max %g, and the first rejected row", tooMany, tc.bad, read, tc.max)
				}
				assertEmpty(t, out)
				return
			}
			if err != nil {
				t.Fatalf("%d of %d rows rejected, max %g: %v", tc.bad, read, tc.max, err)
			}
			if s := res.Summary; s.RowsRead != read || s.RowsRejected != tc.bad || s.RowsAccepted != read-tc.bad {
				t.Errorf("rows read/accepted/rejected %d/%d/%d, want %d/%d/%d", s.RowsRead, s.RowsAccepted, s.RowsRejected, read, read-tc.bad, tc.bad)
			}
			checkAccounting(t, res.Summary)
			if !regularFiles(t, filepath.Join(out, "v4/2019/12"))[SuccessFile] {
				t.Errorf("no %s after a successful run", SuccessFile)
			}
		})
	}
}
