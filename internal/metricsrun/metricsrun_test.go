package metricsrun

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nhsdigital/gp2gp/internal/store"
	"github.com/nhsdigital/gp2gp/internal/v11table/v11tabletest"
	"github.com/nhsdigital/gp2gp/internal/v12"
)

// row is a classified transfer as a v11 table holds it.
type row struct {
	id                        string
	sla                       *uint64
	ods, name, sicbl, sicblNm *string
	status, reason            string
	requested                 time.Time
}

func sp(s string) *string { return &s }

// generate makes rows for every day of [from, to): practices P0..P(n-1),
// some transfers without an ODS code, practices whose Sub-ICB location
// comes and goes, names that change, ties on the request time.
func generate(seed uint64, from, to time.Time, perDay int) map[string][]row {
	r := rand.New(rand.NewPCG(seed, 1))
	outcomes := [][2]string{
		{"Integrated on time", ""}, {"Integrated on time", ""}, {"Integrated on time", ""},
		{"Process failure", "Integrated late"}, {"Process failure", "Transferred, not integrated"},
		{"Technical failure", "Final error"}, {"Technical failure", "Core extract not sent"},
		{"Unclassified failure", "Ambiguous COPC messages"}, {"Process failure", "Request not acknowledged"},
	}
	days := map[string][]row{}
	n := 0
	for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
		var rows []row
		for i := 0; i < perDay; i++ {
			n++
			o := outcomes[r.IntN(len(outcomes))]
			x := row{id: fmt.Sprintf("conv-%d", n), status: o[0], reason: o[1],
				// Whole minutes: ties on the request time are frequent.
				requested: d.Add(time.Duration(r.IntN(24*60)) * time.Minute)}
			if o[0] == "Integrated on time" || r.IntN(3) == 0 {
				s := uint64(r.IntN(10 * 24 * 3600))
				if r.IntN(10) == 0 {
					s = []uint64{v12.ThreeDays, v12.ThreeDays + 1, v12.EightDays, v12.EightDays + 1}[r.IntN(4)]
				}
				x.sla = &s
			}
			if r.IntN(25) != 0 {
				p := r.IntN(40)
				x.ods = sp(fmt.Sprintf("P%d", p))
				x.name = sp(fmt.Sprintf("Practice %d v%d", p, r.IntN(3)))
				if p%7 == 0 && r.IntN(2) == 0 { // sometimes without a Sub-ICB location
				} else {
					s := fmt.Sprintf("S%d", (p+r.IntN(2))%5)
					x.sicbl, x.sicblNm = sp(s), sp("Sub-ICB "+s+fmt.Sprint(r.IntN(2)))
				}
			}
			rows = append(rows, x)
		}
		days[d.Format(time.DateOnly)] = rows
	}
	return days
}

// writeDays writes the rows as v11 tables, the whole schema, naive times.
func writeDays(t *testing.T, dir string, days map[string][]row) {
	t.Helper()
	for day, rows := range days {
		d, _ := time.Parse(time.DateOnly, day)
		cols := map[string][]any{}
		add := func(k string, v any) { cols[k] = append(cols[k], v) }
		opt := func(s *string) any {
			if s == nil {
				return nil
			}
			return *s
		}
		for _, x := range rows {
			add("conversation_id", x.id)
			if x.sla == nil {
				add("sla_duration", nil)
			} else {
				add("sla_duration", *x.sla)
			}
			add("requesting_practice_asid", "123")
			add("requesting_practice_ods_code", opt(x.ods))
			add("requesting_practice_name", opt(x.name))
			add("requesting_practice_sicbl_ods_code", opt(x.sicbl))
			add("requesting_practice_sicbl_name", opt(x.sicblNm))
			add("requesting_supplier", "EMIS")
			add("sending_supplier", "TPP")
			add("final_error_codes", []int64{})
			add("status", x.status)
			if x.reason == "" {
				add("failure_reason", nil)
			} else {
				add("failure_reason", x.reason)
			}
			add("date_requested", x.requested)
			add("date_completed", nil)
		}
		types := map[string]string{"sla_duration": "uint64", "final_error_codes": "list<int64>", "date_requested": "timestamp[us]", "date_completed": "timestamp[us]"}
		var cs []v11tabletest.Column
		for _, k := range []string{"conversation_id", "sla_duration", "requesting_practice_asid", "requesting_practice_ods_code",
			"requesting_practice_name", "requesting_practice_sicbl_ods_code", "requesting_practice_sicbl_name", "requesting_supplier",
			"sending_supplier", "final_error_codes", "status", "failure_reason", "date_requested", "date_completed"} {
			typ := types[k]
			if typ == "" {
				typ = "string"
			}
			vals := cols[k]
			if vals == nil {
				vals = []any{}
			}
			cs = append(cs, v11tabletest.Column{Name: k, Type: typ, Values: vals})
		}
		b, err := v11tabletest.Encode(cs)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, filepath.FromSlash(DayKey(d)))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// oracle computes the expected JSON the plain way: the rows in date order,
// filtered and counted per practice and month, as the reference's
// list-based code does. Percentages are rounded as Python's round does,
// from the float's exact binary value, with exact rational arithmetic.
func oracle(days map[string][]row, months []v12.YearMonth) (national, practice map[string]any) {
	var all []row
	for d := time.Date(months[len(months)-1].Year, time.Month(months[len(months)-1].Month), 1, 0, 0, 0, 0, time.UTC); ; d = d.AddDate(0, 0, 1) {
		rows, ok := days[d.Format(time.DateOnly)]
		if !ok {
			break
		}
		all = append(all, rows...)
	}
	pct := func(n, d int, digits float64) any {
		if d == 0 {
			return nil
		}
		return pyRound(float64(n)/float64(d)*100, int64(digits))
	}
	inMonth := func(x row, m v12.YearMonth) bool {
		return x.requested.Year() == m.Year && int(x.requested.Month()) == m.Month
	}
	count := func(rows []row, f func(row) bool) int {
		n := 0
		for _, x := range rows {
			if f(x) {
				n++
			}
		}
		return n
	}
	var latest []row
	for _, x := range all {
		if inMonth(x, months[0]) {
			latest = append(latest, x)
		}
	}
	T := len(latest)
	is := func(s, r string) func(row) bool {
		return func(x row) bool { return x.status == s && (r == "*" || x.reason == r) }
	}
	share := func(n int) map[string]any {
		return map[string]any{"transferCount": float64(n), "transferPercentage": pct(n, T, 2)}
	}
	onTime := count(latest, is("Integrated on time", "*"))
	pf := share(T - onTime)
	pf["technicalFailure"] = share(count(latest, is("Technical failure", "*")))
	pf["processFailure"] = map[string]any{
		"integratedLate":           share(count(latest, is("Process failure", "Integrated late"))),
		"transferredNotIntegrated": share(count(latest, is("Process failure", "Transferred, not integrated"))),
	}
	pf["unclassifiedFailure"] = share(count(latest, is("Unclassified failure", "*")))
	national = map[string]any{"metrics": []any{map[string]any{
		"year": float64(months[0].Year), "month": float64(months[0].Month), "transferCount": float64(T),
		"integratedOnTime": share(onTime), "paperFallback": pf,
	}}}

	var order []string
	byCode := map[string][]row{}
	for _, x := range all {
		if x.ods == nil {
			continue
		}
		if _, ok := byCode[*x.ods]; !ok {
			order = append(order, *x.ods)
		}
		byCode[*x.ods] = append(byCode[*x.ods], x)
	}
	practices := []any{}
	sicbls := []any{}
	sicblIndex := map[string]int{}
	for _, code := range order {
		rows := byCode[code]
		last := rows[0]
		for _, x := range rows[1:] {
			if x.requested.After(last.requested) {
				last = x
			}
		}
		if last.sicbl == nil {
			continue
		}
		var ms []any
		for _, m := range months {
			var rs []row
			for _, x := range rows {
				if inMonth(x, m) {
					rs = append(rs, x)
				}
			}
			req := len(rs)
			late := count(rs, is("Process failure", "Integrated late"))
			tni := count(rs, is("Process failure", "Transferred, not integrated"))
			on := count(rs, is("Integrated on time", "*"))
			w3 := count(rs, func(x row) bool { return x.status == "Integrated on time" && x.sla != nil && *x.sla <= 3*86400 })
			w8 := count(rs, func(x row) bool {
				return x.status == "Integrated on time" && x.sla != nil && *x.sla > 3*86400 && *x.sla <= 8*86400
			})
			fail := count(rs, func(x row) bool { return x.status == "Technical failure" || x.status == "Unclassified failure" })
			rec := on + late + tni
			ms = append(ms, map[string]any{"year": float64(m.Year), "month": float64(m.Month), "requestedTransfers": map[string]any{
				"requestedCount": float64(req), "receivedCount": float64(rec), "receivedPercentOfRequested": pct(rec, req, 1),
				"integratedWithin3DaysCount": float64(w3), "integratedWithin3DaysPercentOfReceived": pct(w3, rec, 1),
				"integratedWithin8DaysCount": float64(w8), "integratedWithin8DaysPercentOfReceived": pct(w8, rec, 1),
				"notIntegratedWithin8DaysTotal": float64(late + tni), "notIntegratedWithin8DaysPercentOfReceived": pct(late+tni, rec, 1),
				"failuresTotalCount": float64(fail), "failuresTotalPercentOfRequested": pct(fail, req, 1),
			}})
		}
		practices = append(practices, map[string]any{"odsCode": code, "name": *last.name, "sicblOdsCode": *last.sicbl,
			"sicblName": *last.sicblNm, "metrics": ms})
		i, ok := sicblIndex[*last.sicbl]
		if !ok {
			i = len(sicbls)
			sicblIndex[*last.sicbl] = i
			sicbls = append(sicbls, map[string]any{"odsCode": *last.sicbl, "name": *last.sicblNm, "practices": []any{}})
		}
		s := sicbls[i].(map[string]any)
		s["practices"] = append(s["practices"].([]any), code)
	}
	practice = map[string]any{"practices": practices, "sicbls": sicbls}
	return national, practice
}

func readWithout(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "generatedOn")
	return m
}

var anchor = time.Date(2020, 3, 15, 12, 0, 0, 0, time.UTC) // months Feb, Jan 2020, Dec 2019

// TestGenerated runs the calculator on generated days, classified rows
// written as v11 tables, against counts computed independently.
func TestGenerated(t *testing.T) {
	in, out := t.TempDir(), t.TempDir()
	months := v12.MetricMonths(anchor, 3)
	days := generate(7, time.Date(2019, 12, 1, 0, 0, 0, 0, time.UTC), time.Date(2020, 3, 1, 0, 0, 0, 0, time.UTC), 40)
	writeDays(t, in, days)
	params := &memParams{}
	sum, err := Run(context.Background(), Config{InputBucket: in, OutputBucket: out, BuildTag: "t1", Anchor: anchor, AnchorZoned: true,
		Months: 3, NationalParam: "nat", PracticeParam: "prac", Parameters: params,
		Now: func() time.Time { return time.Date(2020, 3, 15, 12, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	natWant, pracWant := oracle(days, months)
	if d := cmp.Diff(natWant, readWithout(t, filepath.Join(out, "v12/2020/2/2020-2-nationalMetrics.json"))); d != "" {
		t.Errorf("national (-want +got):\n%s", d)
	}
	if d := cmp.Diff(pracWant, readWithout(t, filepath.Join(out, "v12/2020/2/2020-2-practiceMetrics.json"))); d != "" {
		t.Errorf("practice (-want +got):\n%s", d)
	}
	if sum.DaysRead != 91 || sum.Transfers != 91*40 || len(sum.Dropped) == 0 || sum.WithoutODS == 0 {
		t.Errorf("summary %+v: want 91 days, %d transfers, some dropped and some without ODS codes", sum, 91*40)
	}
	if _, err := os.Stat(filepath.Join(out, "v12/2020/2/report.html")); err != nil || sum.Report == "" {
		t.Errorf("report.html: %v (summary %q)", err, sum.Report)
	}
	wantMeta := map[string]string{"metrics-calculator-version": "t1", "date-anchor": "2020-03-15T12:00:00+00:00", "number-of-months": "3"}
	for k, m := range sum.Outputs {
		if d := cmp.Diff(wantMeta, m); d != "" {
			t.Errorf("%s metadata (-want +got):\n%s", k, d)
		}
	}
	if d := cmp.Diff(map[string]string{"nat": "2020/2/2020-2-nationalMetrics.json", "prac": "2020/2/2020-2-practiceMetrics.json"}, params.set); d != "" {
		t.Errorf("SSM (-want +got):\n%s", d)
	}
}

type memParams struct {
	set  map[string]string
	fail error
}

func (m *memParams) Put(_ context.Context, name, value string) error {
	if m.fail != nil {
		return m.fail
	}
	if m.set == nil {
		m.set = map[string]string{}
	}
	m.set[name] = value
	return nil
}

func TestDays(t *testing.T) {
	d := Days(v12.MetricMonths(time.Date(2020, 3, 1, 0, 0, 0, 0, time.UTC), 2))
	if len(d) != 31+29 || d[0].Format(time.DateOnly) != "2020-01-01" || d[len(d)-1].Format(time.DateOnly) != "2020-02-29" {
		t.Errorf("%d days, %v .. %v", len(d), d[0], d[len(d)-1])
	}
	if got := DayKey(d[40]); got != "v11/cutoff-14/2020/02/10/2020-02-10-transfers.parquet" {
		t.Errorf("DayKey = %s", got)
	}
	n, p := OutputKeys(v12.YearMonth{Year: 2019, Month: 9})
	if n != "2019/9/2019-9-nationalMetrics.json" || p != "2019/9/2019-9-practiceMetrics.json" {
		t.Errorf("OutputKeys = %s, %s", n, p)
	}
}

func TestFailures(t *testing.T) {
	in := t.TempDir()
	days := generate(3, time.Date(2020, 2, 1, 0, 0, 0, 0, time.UTC), time.Date(2020, 3, 1, 0, 0, 0, 0, time.UTC), 3)
	writeDays(t, in, days)
	cfg := func(out string) Config {
		return Config{InputBucket: in, OutputBucket: out, BuildTag: "t", Anchor: anchor, Months: 1}
	}
	t.Run("a bad row names the file and row; nothing is written", func(t *testing.T) {
		bad := map[string][]row{"2020-02-11": append([]row(nil), days["2020-02-11"]...)}
		bad["2020-02-11"][1].status = "INTEGRATED"
		dir := t.TempDir()
		writeDays(t, dir, days)
		writeDays(t, dir, bad)
		out := t.TempDir()
		c := cfg(out)
		c.InputBucket = dir
		_, err := Run(context.Background(), c)
		want := filepath.Join(dir, "v11/cutoff-14/2020/02/11/2020-02-11-transfers.parquet") + `: row 2 (conversation ` + bad["2020-02-11"][1].id + `): status: unknown status "INTEGRATED"`
		if err == nil || err.Error() != want {
			t.Fatalf("error %v\nwant %s", err, want)
		}
		assertEmpty(t, out)
	})
	t.Run("a missing day is named", func(t *testing.T) {
		out := t.TempDir()
		c := cfg(out)
		c.Anchor = time.Date(2020, 4, 1, 0, 0, 0, 0, time.UTC)
		_, err := Run(context.Background(), c)
		if !errors.Is(err, store.ErrNotFound) || !strings.Contains(err.Error(), "v11/cutoff-14/2020/03/01/2020-03-01-transfers.parquet") {
			t.Fatalf("error %v", err)
		}
		assertEmpty(t, out)
	})
	t.Run("validation fails: nothing is published", func(t *testing.T) {
		out := t.TempDir()
		c := cfg(out)
		c.Validate = true
		c.Now = func() time.Time { return anchor }
		sum, err := Run(context.Background(), c)
		if !errors.Is(err, ErrInvalid) || sum == nil || len(sum.Checks) != 3 || sum.Checks[0].OK || sum.Checks[1].OK || !sum.Checks[2].OK || sum.Published {
			t.Fatalf("%v, %+v", err, sum)
		}
		assertEmpty(t, out)
	})
	t.Run("SSM fails after publishing", func(t *testing.T) {
		out := t.TempDir()
		c := cfg(out)
		c.NationalParam, c.PracticeParam, c.Parameters = "n", "p", &memParams{fail: errors.New("access denied")}
		_, err := Run(context.Background(), c)
		if err == nil || err.Error() != "the metrics were published, but: access denied" {
			t.Fatalf("error %v", err)
		}
	})
	t.Run("the practice metrics fail: the national ones are removed", func(t *testing.T) {
		out := t.TempDir()
		// A directory where the practice metrics go makes their write fail.
		if err := os.MkdirAll(filepath.Join(out, "v12/2020/2/2020-2-practiceMetrics.json"), 0o755); err != nil {
			t.Fatal(err)
		}
		_, err := Run(context.Background(), cfg(out))
		if err == nil {
			t.Fatal("no error")
		}
		if _, err := os.Stat(filepath.Join(out, "v12/2020/2/2020-2-nationalMetrics.json")); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the national metrics are still there: %v", err)
		}
	})
}

// assertEmpty fails if dir holds any file.
func assertEmpty(t *testing.T, dir string) {
	t.Helper()
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			t.Errorf("wrote %s", p)
		}
		return nil
	})
}

// pyRound is Python's round(x, digits): the exact value of x, rounded to
// digits decimals, ties to even, then the nearest float.
func pyRound(x float64, digits int64) float64 {
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(digits), nil)
	r := new(big.Rat).SetFloat64(x)
	r.Mul(r, new(big.Rat).SetInt(scale))
	k := new(big.Int).Quo(r.Num(), r.Denom()) // x >= 0: the floor
	frac := new(big.Rat).Sub(r, new(big.Rat).SetInt(k))
	switch frac.Cmp(big.NewRat(1, 2)) {
	case 1:
		k.Add(k, big.NewInt(1))
	case 0:
		if k.Bit(0) == 1 {
			k.Add(k, big.NewInt(1))
		}
	}
	f, _ := new(big.Rat).SetFrac(k, scale).Float64()
	return f
}
