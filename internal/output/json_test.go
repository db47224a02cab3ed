package output

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nhsdigital/gp2gp/internal/golden"
	"github.com/nhsdigital/gp2gp/internal/metrics"
	"github.com/nhsdigital/gp2gp/internal/spine"
)

func TestFormatGeneratedOn(t *testing.T) {
	tests := []struct {
		in   time.Time
		want string
	}{
		{time.Date(2021, 7, 29, 10, 0, 0, 123456000, time.UTC), "2021-07-29T10:00:00.123456+00:00"},
		{time.Date(2021, 7, 29, 10, 0, 0, 123456789, time.UTC), "2021-07-29T10:00:00.123456+00:00"}, // truncated
		{time.Date(2021, 7, 29, 10, 0, 0, 1000, time.UTC), "2021-07-29T10:00:00.000001+00:00"},
		{time.Date(2021, 7, 29, 10, 0, 0, 0, time.UTC), "2021-07-29T10:00:00+00:00"},   // no fraction
		{time.Date(2021, 7, 29, 10, 0, 0, 999, time.UTC), "2021-07-29T10:00:00+00:00"}, // < 1 µs
		{time.Date(2021, 7, 29, 11, 0, 0, 500000000, time.FixedZone("BST", 3600)), "2021-07-29T10:00:00.500000+00:00"},
		{time.Date(2020, 1, 1, 0, 30, 0, 0, time.FixedZone("", 3600)), "2019-12-31T23:30:00+00:00"},
	}
	for _, tt := range tests {
		if got := FormatGeneratedOn(tt.in); got != tt.want {
			t.Errorf("FormatGeneratedOn(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPyFloat(t *testing.T) {
	// Expected values are CPython's repr(x).
	tests := []struct {
		x    float64
		want string
	}{
		{0, "0.0"},
		{50, "50.0"},
		{100, "100.0"},
		{33.3, "33.3"},
		{55.56, "55.56"},
		{0.01, "0.01"},
		{0.0001, "0.0001"},
		{0.00001, "1e-05"},
		{0.000015, "1.5e-05"},
		{9999999999999998, "9999999999999998.0"},
		{1e16, "1e+16"},
		{1.5e300, "1.5e+300"},
		{123456789012345.6, "123456789012345.6"},
		{-2.5, "-2.5"},
		{math.Copysign(0, -1), "-0.0"},
	}
	for _, tt := range tests {
		got, err := pyFloat(tt.x)
		if err != nil || got != tt.want {
			t.Errorf("pyFloat(%v) = %q, %v; want %q", tt.x, got, err, tt.want)
		}
	}
}

func TestPyString(t *testing.T) {
	// Expected values are CPython's json.dumps(s) (ensure_ascii=True).
	tests := []struct {
		in, want string
	}{
		{"", `""`},
		{"St John's Surgery", `"St John's Surgery"`},
		{`a"b\c/d`, `"a\"b\\c/d"`},
		{"<&>", `"<&>"`},
		{"\b\f\n\r\t", `"\b\f\n\r\t"`},
		{"\x00\x1f\x7f", `"\u0000\u001f\u007f"`},
		{"Café Llŷn Ó Súilleabháin", `"Caf\u00e9 Ll\u0177n \u00d3 S\u00failleabh\u00e1in"`},
		{"\u2028", `"\u2028"`},
		{"😀", `"\ud83d\ude00"`},
		{"a\xffb", `"a\ufffdb"`},
	}
	for _, tt := range tests {
		var e pyJSON
		e.str(tt.in)
		if got := string(e.buf); got != tt.want {
			t.Errorf("str(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestWritePracticeMetrics(t *testing.T) {
	m := metrics.PracticeMetrics{
		Year: 2019, Month: 12,
		Practices: []metrics.PracticeSummary{
			{ODSCode: "A12345", Name: "Caf\u00e9", Integrated: metrics.IntegratedPractice{
				TransferCount: 3, Bands: metrics.BandCounts{Within3Days: 1, Within8Days: 1, Beyond8Days: 1},
				Within3DaysPercentage: metrics.Percentage{Value: 33.3, Valid: true},
				Within8DaysPercentage: metrics.Percentage{Value: 33.3, Valid: true},
				Beyond8DaysPercentage: metrics.Percentage{Value: 33.3, Valid: true},
			}},
			{ODSCode: "A12346", Name: "None"},
		},
		CCGs: []metrics.CCG{{ODSCode: "10D", Name: "CCG", Practices: []string{"A12345", "A12346"}}, {ODSCode: "11E", Name: "Empty"}},
	}
	var buf bytes.Buffer
	if err := WritePracticeMetrics(&buf, m, time.Date(2021, 7, 29, 10, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	want := `{"generatedOn": "2021-07-29T10:00:00+00:00", "practices": [` +
		`{"odsCode": "A12345", "name": "Caf\u00e9", "metrics": [{"year": 2019, "month": 12, "requester": {"integrated": {"transferCount": 3, "within3DaysPercentage": 33.3, "within8DaysPercentage": 33.3, "beyond8DaysPercentage": 33.3}}}]}, ` +
		`{"odsCode": "A12346", "name": "None", "metrics": [{"year": 2019, "month": 12, "requester": {"integrated": {"transferCount": 0, "within3DaysPercentage": null, "within8DaysPercentage": null, "beyond8DaysPercentage": null}}}]}], ` +
		`"ccgs": [{"odsCode": "10D", "name": "CCG", "practices": ["A12345", "A12346"]}, {"odsCode": "11E", "name": "Empty", "practices": []}]}`
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

func TestWritePracticeMetricsEmpty(t *testing.T) {
	var buf bytes.Buffer
	if err := WritePracticeMetrics(&buf, metrics.PracticeMetrics{}, time.Date(2021, 7, 29, 10, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	if want := `{"generatedOn": "2021-07-29T10:00:00+00:00", "practices": [], "ccgs": []}`; buf.String() != want {
		t.Errorf("got %s, want %s", buf.String(), want)
	}
}

func TestWriteNationalMetrics(t *testing.T) {
	p := func(v float64) metrics.Percentage { return metrics.Percentage{Value: v, Valid: true} }
	tests := []struct {
		name string
		m    metrics.NationalMetrics
		want string
	}{
		{
			name: "reference e2e",
			m: metrics.NationalMetrics{Year: 2019, Month: 12, TransferCount: 9,
				Integrated: metrics.IntegratedNational{TransferCount: 5, Percentage: p(55.56),
					Bands: metrics.BandCounts{Within3Days: 2, Within8Days: 2, Beyond8Days: 1}},
				Failed: metrics.Share{TransferCount: 1, Percentage: p(11.11)}, Pending: metrics.Share{TransferCount: 3, Percentage: p(33.33)},
				PaperFallback: metrics.Share{TransferCount: 5, Percentage: p(55.56)}},
			want: `{"generatedOn": "2021-07-29T10:00:00.123456+00:00", "metrics": [{"transferCount": 9, ` +
				`"integrated": {"transferCount": 5, "transferPercentage": 55.56, "within3Days": 2, "within8Days": 2, "beyond8Days": 1}, ` +
				`"failed": {"transferCount": 1, "transferPercentage": 11.11}, "pending": {"transferCount": 3, "transferPercentage": 33.33}, ` +
				`"paperFallback": {"transferCount": 5, "transferPercentage": 55.56}, "year": 2019, "month": 12}]}`,
		},
		{
			name: "empty month",
			m:    metrics.NationalMetrics{Year: 2020, Month: 2},
			want: `{"generatedOn": "2021-07-29T10:00:00.123456+00:00", "metrics": [{"transferCount": 0, ` +
				`"integrated": {"transferCount": 0, "transferPercentage": null, "within3Days": 0, "within8Days": 0, "beyond8Days": 0}, ` +
				`"failed": {"transferCount": 0, "transferPercentage": null}, "pending": {"transferCount": 0, "transferPercentage": null}, ` +
				`"paperFallback": {"transferCount": 0, "transferPercentage": null}, "year": 2020, "month": 2}]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteNationalMetrics(&buf, tt.m, time.Date(2021, 7, 29, 10, 0, 0, 123456000, time.UTC)); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, buf.String()); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
			if !json.Valid(buf.Bytes()) {
				t.Errorf("invalid JSON: %s", buf.String())
			}
		})
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteErrors(t *testing.T) {
	now := time.Now()
	if err := WritePracticeMetrics(failingWriter{}, metrics.PracticeMetrics{}, now); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("practice metrics to a failing writer: err = %v, want disk full", err)
	}
	if err := WriteNationalMetrics(failingWriter{}, metrics.NationalMetrics{}, now); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("national metrics to a failing writer: err = %v, want disk full", err)
	}
	nan := metrics.NationalMetrics{Failed: metrics.Share{Percentage: metrics.Percentage{Value: math.NaN(), Valid: true}}}
	var buf bytes.Buffer
	if err := WriteNationalMetrics(&buf, nan, now); err == nil || buf.Len() != 0 {
		t.Errorf("NaN percentage: err = %v, wrote %d bytes; want an error and nothing written", err, buf.Len())
	}
}

// goldenTransfers is the part of a golden transfers.json the metrics read.
type goldenTransfers struct {
	ConversationID []string  `json:"conversation_id"`
	SLADuration    []*int64  `json:"sla_duration"`
	RequestingASID []string  `json:"requesting_practice_asid"`
	Status         []string  `json:"status"`
	FailureReason  []*string `json:"failure_reason"`
}

// loadGoldenTransfers rebuilds transfers from a golden transfers.json. Its
// sla_duration is rounded to whole seconds, which moves an SLA just above a
// band limit (3 days + 500 ms) into the lower band; for the synthetic
// cases' sla_boundary scenarios, the exact SLA is restored from the family
// name in manifest.csv.gz (and checked to round to sla_duration).
func loadGoldenTransfers(t *testing.T, c golden.Case, path string) []spine.Transfer {
	t.Helper()
	var g goldenTransfers
	readJSON(t, path, &g)
	n := len(g.Status)
	if len(g.ConversationID) != n || len(g.SLADuration) != n || len(g.RequestingASID) != n || len(g.FailureReason) != n {
		t.Fatalf("%s: columns of different lengths", path)
	}
	families := loadManifest(t, c)
	ts := make([]spine.Transfer, n)
	for i := range ts {
		ts[i] = spine.Transfer{RequestingASID: g.RequestingASID[i], Status: spine.Status(g.Status[i])}
		if g.SLADuration[i] != nil {
			ts[i].SLA, ts[i].HasSLA = spine.Time(*g.SLADuration[i])*spine.Second, true
			if exact, ok := boundarySLA(t, families[g.ConversationID[i]]); ok {
				if secs, _ := (&spine.Transfer{SLA: exact, HasSLA: true}).SLASeconds(); secs != uint64(*g.SLADuration[i]) {
					t.Fatalf("%s: %s: exact SLA %d µs rounds to %d s, transfers.json has %d",
						path, g.ConversationID[i], exact, secs, *g.SLADuration[i])
				}
				ts[i].SLA = exact
			}
		}
		if g.FailureReason[i] != nil {
			ts[i].FailureReason = *g.FailureReason[i]
		}
	}
	return ts
}

// loadManifest maps conversation ids to their scenario family, if the case
// has a manifest.
func loadManifest(t *testing.T, c golden.Case) map[string]string {
	t.Helper()
	rows := c.Manifest(t)
	if rows == nil {
		return nil
	}
	families := make(map[string]string, len(rows))
	for _, r := range rows {
		families[r.ConversationID] = r.Family
	}
	return families
}

var boundaryRE = regexp.MustCompile(`^sla_boundary:(?:(\d+)d)?\+?(?:(\d+)ms)?(?:([\d.]+)s)?$`)

// boundarySLA reads the exact SLA of an sla_boundary family name such as
// "3d+500ms", "2.5s" or "0".
func boundarySLA(t *testing.T, family string) (spine.Time, bool) {
	t.Helper()
	if !strings.HasPrefix(family, "sla_boundary:") {
		return 0, false
	}
	if family == "sla_boundary:0" {
		return 0, true
	}
	m := boundaryRE.FindStringSubmatch(family)
	if m == nil {
		t.Fatalf("unknown SLA boundary family %q", family)
	}
	var sla spine.Time
	if m[1] != "" {
		d, _ := strconv.Atoi(m[1])
		sla += spine.Time(d) * spine.Day
	}
	if m[2] != "" {
		ms, _ := strconv.Atoi(m[2])
		sla += spine.Time(ms) * 1000
	}
	if m[3] != "" {
		s, err := strconv.ParseFloat(m[3], 64)
		if err != nil {
			t.Fatalf("family %q: %v", family, err)
		}
		sla += spine.Time(math.Round(s * 1e6))
	}
	return sla, true
}

var generatedOnRE = regexp.MustCompile(`^\{"generatedOn": "([^"]*)"`)

// goldenGeneratedOn returns the golden file's generatedOn as a time, so the
// whole file, generatedOn included, can be compared byte for byte.
func goldenGeneratedOn(t *testing.T, golden []byte) time.Time {
	t.Helper()
	m := generatedOnRE.FindSubmatch(golden)
	if m == nil {
		t.Fatal("golden file does not start with generatedOn")
	}
	at, err := time.Parse("2006-01-02T15:04:05.999999-07:00", string(m[1]))
	if err != nil {
		t.Fatal(err)
	}
	return at
}

// TestGolden rebuilds both metrics files of every golden case from the
// reference's transfers and organisation metadata and compares the bytes.
func TestGolden(t *testing.T) {
	for _, c := range golden.Cases(t, golden.Monthly) {
		t.Run(c.Name, func(t *testing.T) {
			dir := c.Dir(t)
			year, month := parseMonth(t, c.MetricMonth)
			oy, om := parseMonth(t, c.OverflowMonth)
			orgFile, err := os.Open(filepath.Join(dir, c.OrgBucket, "v2", strconv.Itoa(oy), strconv.Itoa(om), "organisationMetadata.json"))
			if err != nil {
				t.Fatal(err)
			}
			defer orgFile.Close()
			orgs, err := metrics.ParseOrganisations(orgFile)
			if err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, "expected", "v4", strconv.Itoa(year), strconv.Itoa(month))
			transfers := loadGoldenTransfers(t, c, filepath.Join(out, "transfers.json"))

			wantPractice := readFile(t, filepath.Join(out, "practiceMetrics.json"))
			var got bytes.Buffer
			pm := metrics.ComputePracticeMetrics(transfers, orgs, year, month)
			if err := WritePracticeMetrics(&got, pm, goldenGeneratedOn(t, wantPractice)); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(wantPractice), got.String()); diff != "" {
				t.Errorf("practiceMetrics.json mismatch (-want +got):\n%s", diff)
			}

			wantNational := readFile(t, filepath.Join(out, "nationalMetrics.json"))
			got.Reset()
			nm := metrics.ComputeNationalMetrics(transfers, year, month)
			if err := WriteNationalMetrics(&got, nm, goldenGeneratedOn(t, wantNational)); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(wantNational), got.String()); diff != "" {
				t.Errorf("nationalMetrics.json mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// parseMonth reads a case.json month such as "2019-12" or "2020-1".
func parseMonth(t *testing.T, s string) (year, month int) {
	t.Helper()
	y, m, ok := strings.Cut(s, "-")
	year, errY := strconv.Atoi(y)
	month, errM := strconv.Atoi(m)
	if !ok || errY != nil || errM != nil {
		t.Fatalf("bad month %q in case.json", s)
	}
	return year, month
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	if err := json.Unmarshal(readFile(t, path), v); err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
}
