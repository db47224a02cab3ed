package v12

import (
	"reflect"
	"testing"
	"time"

	"github.com/nhsdigital/gp2gp/internal/metrics"
)

var dec2019 = []YearMonth{{2019, 12}, {2019, 11}}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

func pct(v float64) metrics.Percentage { return metrics.Percentage{Value: v, Valid: true} }

var null = metrics.Percentage{}

// tr is a transfer of practice code in SICBL 99X, requested at when.
func tr(code, when string, s Status, r Reason) Transfer {
	return Transfer{Status: s, Reason: r, DateRequested: at(when), ODSCode: Some(code), Name: Some("Practice " + code),
		SICBLCode: Some("99X"), SICBLName: Some("ICB 99X")}
}

func withSLA(t Transfer, s uint64) Transfer { t.SLADuration, t.HasSLA = s, true; return t }

func calc(ts ...Transfer) *Calculator {
	c := NewCalculator(dec2019)
	for i := range ts {
		c.Add(&ts[i])
	}
	return c
}

func TestMetricMonths(t *testing.T) {
	for _, tc := range []struct {
		anchor string
		n      int
		want   []YearMonth
	}{
		{"2020-01-30T18:44:49Z", 2, []YearMonth{{2019, 12}, {2019, 11}}},
		{"2020-03-01T00:00:00Z", 6, []YearMonth{{2020, 2}, {2020, 1}, {2019, 12}, {2019, 11}, {2019, 10}, {2019, 9}}},
		// The month as written, not in UTC (which is still January).
		{"2020-02-01T01:00:00+05:00", 1, []YearMonth{{2020, 1}}},
		{"2020-01-31T23:00:00-05:00", 1, []YearMonth{{2019, 12}}},
	} {
		if got := MetricMonths(at(tc.anchor), tc.n); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("MetricMonths(%s, %d) = %v, want %v", tc.anchor, tc.n, got, tc.want)
		}
	}
}

func TestParse(t *testing.T) {
	for _, s := range []Status{IntegratedOnTime, TechnicalFailure, ProcessFailure, UnclassifiedFailure} {
		if got, err := ParseStatus(s.String()); err != nil || got != s {
			t.Errorf("ParseStatus(%q) = %v, %v", s.String(), got, err)
		}
	}
	for r := IntegratedLate; r <= AmbiguousCOPCs; r++ {
		if got, err := ParseReason(r.String()); err != nil || got != r {
			t.Errorf("ParseReason(%q) = %v, %v", r.String(), got, err)
		}
	}
	if r, err := ParseReason(""); err != nil || r != NoReason {
		t.Errorf(`ParseReason("") = %v, %v; want NoReason (null)`, r, err)
	}
	// The 2021 (v4) spellings and anything else are errors.
	for _, s := range []string{"INTEGRATED_ON_TIME", "TECHNICAL_FAILURE", "integrated on time", "", "Integrated on time "} {
		if _, err := ParseStatus(s); err == nil {
			t.Errorf("ParseStatus(%q) succeeded", s)
		}
	}
	for _, s := range []string{"TRANSFERRED_NOT_INTEGRATED", "Integrated Late", "Integrated late "} {
		if _, err := ParseReason(s); err == nil {
			t.Errorf("ParseReason(%q) succeeded", s)
		}
	}
}

func TestNational(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []Transfer
		want National
	}{
		{"empty month: zero counts, null percentages", nil, National{Year: 2019, Month: 12}},
		{"buckets by status and reason, 2 dp, paper fallback is all but on time", []Transfer{
			tr("A", "2019-12-01T10:00:00Z", IntegratedOnTime, NoReason),
			tr("A", "2019-12-02T10:00:00Z", IntegratedOnTime, NoReason),
			tr("A", "2019-12-03T10:00:00Z", ProcessFailure, IntegratedLate),
			tr("B", "2019-12-04T10:00:00Z", ProcessFailure, TransferredNotIntegrated),
			tr("B", "2019-12-05T10:00:00Z", TechnicalFailure, FinalError),
			tr("B", "2019-12-06T10:00:00Z", UnclassifiedFailure, AmbiguousCOPCs),
			// Unknown practices count nationally.
			{Status: TechnicalFailure, Reason: CoreExtractNotSent, DateRequested: at("2019-12-31T23:59:59.999999Z")},
			// Not the latest month: not counted.
			tr("A", "2019-11-30T23:59:59Z", TechnicalFailure, FinalError),
			tr("A", "2020-01-01T00:00:00Z", TechnicalFailure, FinalError),
		}, National{Year: 2019, Month: 12, TransferCount: 7,
			IntegratedOnTime:         Share{2, pct(28.57)},
			PaperFallback:            Share{5, pct(71.43)},
			TechnicalFailure:         Share{2, pct(28.57)},
			IntegratedLate:           Share{1, pct(14.29)},
			TransferredNotIntegrated: Share{1, pct(14.29)},
			UnclassifiedFailure:      Share{1, pct(14.29)},
		}},
		{"a date requested with an offset counts by its UTC month", []Transfer{
			tr("A", "2020-01-01T00:30:00+01:00", IntegratedOnTime, NoReason),
		}, National{Year: 2019, Month: 12, TransferCount: 1,
			IntegratedOnTime: Share{1, pct(100)}, PaperFallback: Share{0, pct(0)}, TechnicalFailure: Share{0, pct(0)},
			IntegratedLate: Share{0, pct(0)}, TransferredNotIntegrated: Share{0, pct(0)}, UnclassifiedFailure: Share{0, pct(0)},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := calc(tc.in...).National()
			if tc.want.TransferCount == 0 {
				tc.want.IntegratedOnTime, tc.want.PaperFallback = Share{0, null}, Share{0, null}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestPracticeMonth(t *testing.T) {
	on := func(sla uint64) Transfer {
		return withSLA(tr("A", "2019-12-10T00:00:00Z", IntegratedOnTime, NoReason), sla)
	}
	noSLA := tr("A", "2019-12-10T00:00:00Z", IntegratedOnTime, NoReason)
	got := calc(
		on(0), on(ThreeDays), // within 3 days, the limit included
		on(ThreeDays+1), on(EightDays), // within 8 days
		on(EightDays+1), noSLA, // received, in neither band
		tr("A", "2019-12-11T00:00:00Z", ProcessFailure, IntegratedLate),
		tr("A", "2019-12-12T00:00:00Z", ProcessFailure, TransferredNotIntegrated),
		tr("A", "2019-12-13T00:00:00Z", ProcessFailure, CoreExtractNotSent), // requested only
		tr("A", "2019-12-14T00:00:00Z", TechnicalFailure, FinalError),
		tr("A", "2019-12-15T00:00:00Z", UnclassifiedFailure, NoReason),
	).Practices()
	if len(got.Practices) != 1 {
		t.Fatalf("practices = %+v", got.Practices)
	}
	want := []Month{
		{Year: 2019, Month: 12, Requested: 11, Received: 8, ReceivedPercent: pct(72.7),
			Within3Days: 2, Within3DaysPercent: pct(25), Within8Days: 2, Within8DaysPercent: pct(25),
			NotWithin8DaysTotal: 2, NotWithin8DaysPercent: pct(25), FailuresTotal: 2, FailuresTotalPercent: pct(18.2)},
		// The empty month: zero counts and null percentages.
		{Year: 2019, Month: 11},
	}
	if !reflect.DeepEqual(got.Practices[0].Metrics, want) {
		t.Errorf("metrics\n got %+v\nwant %+v", got.Practices[0].Metrics, want)
	}
}

func TestPracticeRounding(t *testing.T) {
	// 1 of 6 is 16.666…: 16.7; 1 of 8 is 12.5 exactly; 1 of 3 is 33.3.
	ts := []Transfer{withSLA(tr("A", "2019-12-01T00:00:00Z", IntegratedOnTime, NoReason), 10)}
	for range 5 {
		ts = append(ts, tr("A", "2019-12-01T00:00:00Z", ProcessFailure, IntegratedLate))
	}
	ts = append(ts, tr("A", "2019-12-01T00:00:00Z", TechnicalFailure, FinalError), tr("A", "2019-12-01T00:00:00Z", TechnicalFailure, FinalError))
	m := calc(ts...).Practices().Practices[0].Metrics[0]
	if m.Within3DaysPercent != pct(16.7) || m.NotWithin8DaysPercent != pct(83.3) || m.ReceivedPercent != pct(75) || m.FailuresTotalPercent != pct(25) {
		t.Errorf("%+v", m)
	}
}

func TestPracticeGrouping(t *testing.T) {
	named := func(t Transfer, name, sicbl, sicblName string) Transfer {
		t.Name, t.SICBLCode, t.SICBLName = Some(name), Some(sicbl), Some(sicblName)
		if sicbl == "" {
			t.SICBLCode, t.SICBLName = Optional{}, Optional{}
		}
		return t
	}
	c := calc(
		// First seen: C, then A, then B, then D, E (never sorted).
		named(tr("C", "2019-12-05T00:00:00Z", IntegratedOnTime, NoReason), "C old", "99X", "ICB D"),
		named(tr("A", "2019-12-09T00:00:00Z", IntegratedOnTime, NoReason), "A first latest", "11E", "ICB E"),
		// A tie on the latest request time: the first wins.
		named(tr("A", "2019-12-09T00:00:00Z", IntegratedOnTime, NoReason), "A tie", "12F", "ICB F"),
		named(tr("A", "2019-11-01T00:00:00Z", IntegratedOnTime, NoReason), "A older", "13G", "ICB G"),
		// The latest transfer has no Sub-ICB location: B is dropped,
		// though an earlier one had.
		named(tr("B", "2019-12-01T00:00:00Z", IntegratedOnTime, NoReason), "B", "99X", "ICB D"),
		named(tr("B", "2019-12-02T00:00:00Z", TechnicalFailure, FinalError), "B", "", ""),
		// C's latest, later in the input than the others: its name and SICBL.
		named(tr("C", "2019-12-20T00:00:00Z", TechnicalFailure, FinalError), "C new", "11E", "ICB E renamed"),
		// D: an earlier transfer had no Sub-ICB location, the latest has.
		named(tr("D", "2019-11-02T00:00:00Z", TechnicalFailure, FinalError), "D", "", ""),
		named(tr("D", "2019-11-03T00:00:00Z", TechnicalFailure, FinalError), "D", "99X", "ICB D again"),
		// No ODS code: left out of the practices, counted nationally.
		Transfer{Status: IntegratedOnTime, DateRequested: at("2019-12-03T00:00:00Z")},
		// E: only outside the metric months; listed, with empty months.
		named(tr("E", "2020-01-03T00:00:00Z", TechnicalFailure, FinalError), "E", "99X", "ICB D"),
	)
	got := c.Practices()
	var codes []string
	for _, p := range got.Practices {
		codes = append(codes, p.ODSCode+"|"+p.Name.Value+"|"+p.SICBLCode+"|"+p.SICBLName.Value)
	}
	want := []string{"C|C new|11E|ICB E renamed", "A|A first latest|11E|ICB E", "D|D|99X|ICB D again", "E|E|99X|ICB D"}
	if !reflect.DeepEqual(codes, want) {
		t.Errorf("practices\n got %q\nwant %q", codes, want)
	}
	wantS := []SICBL{
		{ODSCode: "11E", Name: Some("ICB E renamed"), Practices: []string{"C", "A"}},
		{ODSCode: "99X", Name: Some("ICB D again"), Practices: []string{"D", "E"}},
	}
	if !reflect.DeepEqual(got.SICBLs, wantS) {
		t.Errorf("sicbls\n got %+v\nwant %+v", got.SICBLs, wantS)
	}
	if a := got.Practices[1].Metrics; a[0].Requested != 2 || a[1].Requested != 1 {
		t.Errorf("A's months %+v", a)
	}
	if e := got.Practices[3].Metrics; e[0].Requested != 0 || e[1].Requested != 0 || e[0].ReceivedPercent.Valid {
		t.Errorf("E's months %+v", e)
	}
	r := c.Report()
	wantR := Report{Transfers: 11, WithoutODSCode: 1, OutsideMonths: 1, DroppedPractices: []string{"B"}, DroppedTransfers: 2}
	if !reflect.DeepEqual(r, wantR) {
		t.Errorf("report %+v, want %+v", r, wantR)
	}
	if n := c.National(); n.TransferCount != 7 {
		t.Errorf("national transfers %d, want 7", n.TransferCount)
	}
}

func TestNoTransfers(t *testing.T) {
	got := calc().Practices()
	if got.Practices == nil || got.SICBLs == nil || len(got.Practices)+len(got.SICBLs) != 0 {
		t.Errorf("%#v, want empty non-nil lists", got)
	}
}

// A practice whose latest transfer has no name keeps a null name.
func TestNullName(t *testing.T) {
	x := tr("A", "2019-12-01T00:00:00Z", IntegratedOnTime, NoReason)
	x.Name, x.SICBLName = Optional{}, Optional{}
	got := calc(x).Practices()
	if got.Practices[0].Name.Valid || got.SICBLs[0].Name.Valid {
		t.Errorf("%+v", got)
	}
}

func TestValidate(t *testing.T) {
	gen := at("2020-01-05T10:00:00Z")
	six := make([]Month, 6)
	good := PracticeMetrics{Practices: []Practice{{ODSCode: "A", Metrics: six}}}
	for _, tc := range []struct {
		name string
		n    National
		p    PracticeMetrics
		gen  time.Time
		want []bool
	}{
		{"all pass", National{Year: 2019, Month: 12, TransferCount: 150000}, good, gen, []bool{true, true, true}},
		{"too few transfers", National{Year: 2019, Month: 12, TransferCount: 149999}, good, gen, []bool{false, true, true}},
		{"two months", National{Year: 2019, Month: 12, TransferCount: 200000},
			PracticeMetrics{Practices: []Practice{{ODSCode: "A", Metrics: six[:2]}}}, gen, []bool{true, false, true}},
		{"no practices", National{Year: 2019, Month: 12, TransferCount: 200000}, PracticeMetrics{}, gen, []bool{true, false, true}},
		{"a backfill", National{Year: 2019, Month: 11, TransferCount: 200000}, good, gen, []bool{true, true, false}},
		{"generated in January: December of the year before", National{Year: 2019, Month: 12, TransferCount: 200000}, good,
			at("2020-01-31T23:30:00-05:00"), []bool{true, true, false}}, // 2020-02-01 in UTC
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Validate(tc.n, tc.p, tc.gen)
			for i, c := range got {
				if c.OK != tc.want[i] {
					t.Errorf("%s: ok %v, want %v (%s)", c.Name, c.OK, tc.want[i], c.Detail)
				}
			}
		})
	}
}
