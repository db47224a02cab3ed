package synth

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/klauspost/compress/gzip"
)

type generated struct {
	metric, overflow, org, manifest bytes.Buffer
	stats                           Stats
}

func generate(t testing.TB, cfg Config) *generated {
	t.Helper()
	var g generated
	st, err := Generate(cfg, &g.metric, &g.overflow, &g.org, &g.manifest)
	if err != nil {
		t.Fatalf("Generate(%+v): %v", cfg, err)
	}
	g.stats = st
	return &g
}

var (
	guidRE = regexp.MustCompile(`^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$`)
	asidRE = regexp.MustCompile(`^[0-9]{12}$`)
)

const timeLayout = "2006-01-02T15:04:05.000-0700"

// parseLog reads a generated log, checking the format of every field.
func parseLog(t *testing.T, name string, gz []byte, metric bool) []testMsg {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if !bytes.HasPrefix(raw, []byte(header)) {
		t.Fatalf("%s: header %q, want %q", name, raw[:min(len(raw), len(header))], header)
	}
	recs, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var msgs []testMsg
	bad := 0
	fail := func(line int, format string, args ...any) {
		if bad++; bad <= 5 {
			t.Errorf("%s line %d: %s", name, line+1, fmt.Sprintf(format, args...))
		}
	}
	for i, r := range recs[1:] {
		line := i + 1
		if len(r) != 10 {
			fail(line, "%d fields, want 10", len(r))
			continue
		}
		ts, err := time.Parse(timeLayout, r[0])
		if err != nil {
			fail(line, "time: %v", err)
		}
		m := testMsg{t: ts.UnixMilli(), conv: r[1], guid: r[2], inter: r[3], sender: r[4], recipient: r[5], metric: metric}
		for _, g := range []string{r[1], r[2]} {
			if !guidRE.MatchString(g) {
				fail(line, "GUID %q", g)
			}
		}
		for _, a := range []string{r[4], r[5]} {
			if !asidRE.MatchString(a) {
				fail(line, "ASID %q", a)
			}
		}
		switch {
		case r[6] == "NotProvided":
		case guidRE.MatchString(r[6]):
			m.ref = r[6]
		default:
			fail(line, "messageRef %q", r[6])
		}
		if r[7] != "NONE" {
			c, err := strconv.ParseInt(r[7], 10, 64)
			if err != nil {
				fail(line, "jdiEvent %q", r[7])
			}
			m.jdi = &c
		}
		msgs = append(msgs, m)
	}
	return msgs
}

func TestDeterministic(t *testing.T) {
	cfg := Config{Seed: 42, Conversations: 3000, Year: 2020, Month: 2}
	a, b := generate(t, cfg), generate(t, cfg)
	other := cfg
	other.Seed = 43
	c := generate(t, other)
	for _, f := range []struct {
		name       string
		a, b, diff []byte
	}{
		{"metric", a.metric.Bytes(), b.metric.Bytes(), c.metric.Bytes()},
		{"overflow", a.overflow.Bytes(), b.overflow.Bytes(), c.overflow.Bytes()},
		{"org", a.org.Bytes(), b.org.Bytes(), c.org.Bytes()},
		{"manifest", a.manifest.Bytes(), b.manifest.Bytes(), c.manifest.Bytes()},
	} {
		if !bytes.Equal(f.a, f.b) {
			t.Errorf("%s: two runs with the same seed differ", f.name)
		}
		if bytes.Equal(f.a, f.diff) {
			t.Errorf("%s: seeds 42 and 43 give the same bytes", f.name)
		}
	}
	if diff := cmp.Diff(a.stats, b.stats); diff != "" {
		t.Errorf("stats differ (-first +second):\n%s", diff)
	}
}

func TestLogsWellFormed(t *testing.T) {
	for _, tc := range []struct {
		year, month   int
		start, next   string
		conversations int
	}{
		{2019, 12, "2019-12-01", "2020-01-01", 2000},
		{2020, 2, "2020-02-01", "2020-03-01", 1500}, // leap February
		{2021, 6, "2021-06-01", "2021-07-01", 50},   // too small for month edges
	} {
		t.Run(tc.start, func(t *testing.T) {
			g := generate(t, Config{Seed: 7, Conversations: tc.conversations, Year: tc.year, Month: tc.month})
			start, _ := time.Parse(time.DateOnly, tc.start)
			next, _ := time.Parse(time.DateOnly, tc.next)
			end := next.AddDate(0, 1, 0)
			for _, f := range []struct {
				name   string
				data   []byte
				lo, hi time.Time
				rows   int64
			}{
				{"metric", g.metric.Bytes(), start, next, g.stats.MetricRows},
				{"overflow", g.overflow.Bytes(), next, end, g.stats.OverflowRows},
			} {
				msgs := parseLog(t, f.name, f.data, true)
				if int64(len(msgs)) != f.rows {
					t.Errorf("%s: %d rows, stats say %d", f.name, len(msgs), f.rows)
				}
				outOfOrder := 0
				for i, m := range msgs {
					if m.t < f.lo.UnixMilli() || m.t >= f.hi.UnixMilli() {
						t.Errorf("%s row %d: time %s outside [%s, %s)", f.name, i+1,
							time.UnixMilli(m.t).UTC(), f.lo, f.hi)
						break
					}
					if i > 0 && m.t < msgs[i-1].t {
						outOfOrder++
					}
				}
				if outOfOrder > len(msgs)/100 || (f.name == "metric" && len(msgs) > 1000 && outOfOrder == 0) {
					t.Errorf("%s: %d of %d rows out of time order, want a few", f.name, outOfOrder, len(msgs))
				}
			}
		})
	}
}

// outcomes every 1,000-conversation month must have.
var wantOutcomes = []testOutcome{
	{onTime, ""}, {process, late}, {technical, finalError}, {unclassified, ambiguous},
	{unclassified, withError}, {technical, copcNotSent}, {technical, copcNotAcked},
	{process, notIntegrated}, {technical, fatalSender}, {technical, requestNotAcked},
	{technical, coreNotSent},
}

func TestOutcomesMatchManifest(t *testing.T) {
	for _, tc := range []struct {
		seed          int64
		conversations int
	}{{1, 2000}, {2, 1000}, {3, 5000}} {
		t.Run(fmt.Sprint(tc.conversations), func(t *testing.T) {
			cfg := Config{Seed: tc.seed, Conversations: tc.conversations, Year: 2019, Month: 12}
			g := generate(t, cfg)
			msgs := append(parseLog(t, "metric", g.metric.Bytes(), true), parseLog(t, "overflow", g.overflow.Bytes(), false)...)
			ms := monthStart(2019, 12)
			got := classify(msgs, cutoff, ms, monthStart(2020, 1))

			recs, err := csv.NewReader(&g.manifest).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{"conversation_id", "family", "expected_status", "expected_failure_reason"}, recs[0]); diff != "" {
				t.Errorf("manifest header (-want +got):\n%s", diff)
			}
			recs = recs[1:]
			if len(recs) != tc.conversations {
				t.Errorf("manifest has %d conversations, want %d", len(recs), tc.conversations)
			}
			counts := map[testOutcome]int{}
			families := map[string]bool{}
			transfers, mismatches := 0, 0
			for _, r := range recs {
				families[r[1]] = true
				o, ok := got[r[0]]
				want := testOutcome{r[2], r[3]}
				switch {
				case r[2] == "" && ok:
					mismatches++
					t.Errorf("%s (%s) classified %v, want no transfer", r[0], r[1], o)
				case r[2] != "" && o != want:
					mismatches++
					t.Errorf("%s (%s) classified %v, want %v", r[0], r[1], o, want)
				}
				if r[2] != "" {
					transfers++
					counts[want]++
				}
				if mismatches > 10 {
					t.Fatal("too many mismatches")
				}
			}
			if len(got) != transfers {
				t.Errorf("%d transfers classified, manifest expects %d", len(got), transfers)
			}
			if g.stats.Transfers != transfers {
				t.Errorf("Stats.Transfers = %d, manifest expects %d", g.stats.Transfers, transfers)
			}
			for _, o := range wantOutcomes {
				if counts[o] == 0 {
					t.Errorf("no transfer with outcome %v", o)
				}
			}
			for _, f := range metricFamilies {
				if !families[f.name] {
					t.Errorf("family %s missing", f.name)
				}
			}
			for _, f := range []string{firstMillisecond.name, lastMillisecond.name, nextMonth.name, previousMonth.name, previousMonthCOPC.name, overflowMonth[0].name} {
				if !families[f] {
					t.Errorf("family %s missing", f)
				}
			}
			share := float64(counts[testOutcome{onTime, ""}]) / float64(transfers)
			if share < 0.70 || share > 0.85 {
				t.Errorf("%.1f%% integrated on time, want 70-85%%", 100*share)
			}
			perConv := float64(len(msgs)) / float64(tc.conversations)
			if perConv < 6 || perConv > 14 {
				t.Errorf("%.1f rows per conversation, want 6-14", perConv)
			}
			t.Logf("%d transfers, %.1f%% on time, %.1f rows per conversation, peak queue %d", transfers, 100*share, perConv, g.stats.PeakQueuedRows)
		})
	}
}

func TestOrganisationMetadata(t *testing.T) {
	g := generate(t, Config{Seed: 9, Conversations: 4000, Practices: 300})
	if !utf8.Valid(g.org.Bytes()) {
		t.Fatal("organisation metadata is not UTF-8")
	}
	var md orgMetadata
	dec := json.NewDecoder(&g.org)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&md); err != nil {
		t.Fatalf("organisation metadata: %v", err)
	}
	if _, err := time.Parse("2006-01-02 15:04:05.000000", md.GeneratedOn); err != nil {
		t.Errorf("generated_on: %v", err)
	}
	if len(md.Practices) != 300 {
		t.Errorf("%d practices, want 300", len(md.Practices))
	}
	practiceOf := map[string]string{}
	nonASCII := 0
	for _, p := range md.Practices {
		if len(p.ASIDs) < 1 || len(p.ASIDs) > 2 {
			t.Errorf("practice %s has %d ASIDs, want 1 or 2", p.ODSCode, len(p.ASIDs))
		}
		for _, a := range p.ASIDs {
			if !asidRE.MatchString(a) {
				t.Errorf("practice %s: ASID %q", p.ODSCode, a)
			}
			if q, dup := practiceOf[a]; dup {
				t.Errorf("ASID %s in %s and %s", a, q, p.ODSCode)
			}
			practiceOf[a] = p.ODSCode
		}
		if !isASCII(p.Name) {
			nonASCII++
		}
	}
	if nonASCII == 0 {
		t.Error("no practice name with non-ASCII characters")
	}
	listed := 0
	codes := map[string]bool{}
	for _, p := range md.Practices {
		codes[p.ODSCode] = true
	}
	for _, c := range md.CCGs {
		for _, p := range c.Practices {
			if !codes[p] {
				t.Errorf("CCG %s lists unknown practice %s", c.ODSCode, p)
			}
			listed++
		}
	}
	if listed != len(md.Practices) {
		t.Errorf("CCGs list %d practices, want %d", listed, len(md.Practices))
	}

	// About 3% of requests come from ASIDs the metadata does not know.
	msgs := parseLog(t, "metric", g.metric.Bytes(), true)
	requests, unknown := 0, 0
	for _, m := range msgs {
		if m.inter == interactions[interRequest] {
			requests++
			if _, ok := practiceOf[m.sender]; !ok {
				unknown++
			}
		}
	}
	if share := float64(unknown) / float64(requests); share < 0.01 || share > 0.06 {
		t.Errorf("%.1f%% of requests from unknown ASIDs, want about 3%%", 100*share)
	}
}

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func TestConfigErrors(t *testing.T) {
	for _, cfg := range []Config{
		{Year: 2019, Month: 13},
		{Year: 2019, Month: 0},
		{Conversations: -1},
		{Practices: -5},
	} {
		_, err := Generate(cfg, io.Discard, io.Discard, io.Discard, nil)
		if err == nil {
			t.Errorf("Generate(%+v): no error", cfg)
		}
	}
}

type failingWriter struct{ after int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.after -= len(p); w.after < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

func TestWriteErrors(t *testing.T) {
	cfg := Config{Seed: 1, Conversations: 20000}
	if _, err := Generate(cfg, &failingWriter{after: 1000}, io.Discard, io.Discard, nil); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("metric writer failing: err = %v, want disk full", err)
	}
	if _, err := Generate(cfg, io.Discard, io.Discard, &failingWriter{}, nil); err == nil {
		t.Error("organisation metadata writer failing: no error")
	}
}

func BenchmarkGenerate(b *testing.B) {
	cfg := Config{Seed: 1, Conversations: 100_000}
	var st Stats
	start := time.Now()
	for b.Loop() {
		var err error
		st, err = Generate(cfg, io.Discard, io.Discard, io.Discard, nil)
		if err != nil {
			b.Fatal(err)
		}
	}
	secs := time.Since(start).Seconds() / float64(b.N)
	rows := float64(st.MetricRows + st.OverflowRows)
	b.ReportMetric(rows/secs, "rows/s")
	b.ReportMetric(float64(st.RawBytes)/secs/1e6, "csvMB/s")
	b.ReportMetric(float64(st.MetricBytes+st.OverflowBytes)/secs/1e6, "gzMB/s")
	b.ReportMetric(float64(st.PeakQueuedRows), "peakQueued")
}

func TestQueueOrder(t *testing.T) {
	var q queue
	keys := []int64{50, 10, 30, 10, 20, 50, 0, 30}
	for i, k := range keys {
		q.push(row{jdi: int32(i)}, k)
	}
	// by key, equal keys in insertion order
	want := []int32{6, 1, 3, 4, 2, 7, 0, 5}
	var got []int32
	for q.len() > 0 {
		got = append(got, q.pop().jdi)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pop order (-want +got):\n%s", diff)
	}
}

func TestAppendTime(t *testing.T) {
	var s sink
	s.day = -1 << 62
	for _, ms := range []int64{
		0, 1, 999, monthStart(2019, 12), monthStart(2020, 1) - 1, monthStart(2020, 3) - 1,
		time.Date(2020, 2, 29, 23, 59, 59, 999e6, time.UTC).UnixMilli(),
		time.Date(2021, 6, 30, 8, 41, 48, 337e6, time.UTC).UnixMilli(),
	} {
		want := `"` + time.UnixMilli(ms).UTC().Format(timeLayout) + `"`
		if got := string(s.appendTime(nil, ms)); got != want {
			t.Errorf("appendTime(%d) = %s, want %s", ms, got, want)
		}
	}
}
