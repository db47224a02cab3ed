package report_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/nhsdigital/gp2gp/internal/report"
	"github.com/nhsdigital/gp2gp/internal/v12"
)

// v12Page renders the v12 report of generated transfers (30 practices over
// three months; practice P3 has a name that needs escaping) to a file.
func v12Page(t *testing.T) (string, report.V12) {
	t.Helper()
	months := []v12.YearMonth{{Year: 2020, Month: 2}, {Year: 2020, Month: 1}, {Year: 2019, Month: 12}}
	c := v12.NewCalculator(months)
	statuses := []v12.Status{v12.IntegratedOnTime, v12.IntegratedOnTime, v12.TechnicalFailure, v12.ProcessFailure, v12.UnclassifiedFailure}
	for i := 0; i < 900; i++ {
		p := i % 30
		name := fmt.Sprintf("Practice %d", p)
		if p == 3 {
			name = `<script>alert("x")</script> & Co`
		}
		x := v12.Transfer{Status: statuses[i%len(statuses)], SLADuration: uint64(i * 997 % 900000), HasSLA: true,
			DateRequested: time.Date(2019, 12, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * 2 * time.Hour),
			ODSCode:       v12.Some(fmt.Sprintf("P%d", p)), Name: v12.Some(name),
			SICBLCode: v12.Some(fmt.Sprintf("S%d", p%4)), SICBLName: v12.Some(fmt.Sprintf("Sub-ICB %d", p%4))}
		if x.Status == v12.ProcessFailure {
			x.Reason = v12.IntegratedLate
		}
		c.Add(&x)
	}
	d := report.V12{National: c.National(), Practices: c.Practices(), GeneratedOn: time.Date(2020, 3, 2, 9, 0, 0, 0, time.UTC)}
	path := filepath.Join(t.TempDir(), "report.html")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := report.RenderV12(f, d); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path, d
}

func TestV12Report(t *testing.T) {
	path, d := v12Page(t)
	p := parsePage(t, path)
	if len(p.urls) > 0 {
		t.Errorf("the page refers outside itself: %q", p.urls)
	}
	if len(p.practices) != 30 {
		t.Errorf("%d practice rows, want 30", len(p.practices))
	}
	n := d.National
	for key, want := range map[string]string{
		"transferCount":                               fmt.Sprint(n.TransferCount),
		"integratedOnTime":                            fmt.Sprint(n.IntegratedOnTime.Percent.Value),
		"technicalFailure.transferCount":              fmt.Sprint(n.TechnicalFailure.Count),
		"processFailure.integratedLate.transferCount": fmt.Sprint(n.IntegratedLate.Count),
	} {
		if p.keys[key] != want {
			t.Errorf("%s shows %q, want %q", key, p.keys[key], want)
		}
	}
	// P3's first month: its requests and within-3-days share, as computed.
	m := d.Practices.Practices[3].Metrics[0]
	cells := p.practices["P3"]
	if len(cells) != 3+2*3 || cells[1] != `<script>alert("x")</script> & Co` || cells[3] != fmt.Sprint(m.Requested) {
		t.Errorf("P3's row %q", cells)
	}
	if strings.Contains(p.raw, "<script>alert") {
		t.Error("a practice name reached the page unescaped")
	}
	for _, want := range []string{`id="trend"`, "2019-12", "2020-02 requested", "S0 Sub-ICB 0 (", "<li>P3 &lt;script&gt;"} {
		if !strings.Contains(p.raw, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
}

// TestV12ReportInBrowser opens the v12 report in headless Chromium: no
// console errors and no requests; the search filters the practices and
// the month columns sort.
func TestV12ReportInBrowser(t *testing.T) {
	exe := chromium(t)
	path, d := v12Page(t)
	ctx, finish := openBrowser(t, exe)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	visible := `document.querySelectorAll("#practices tbody tr:not([hidden])").length`
	must(chromedp.Do(ctx, chromedp.Navigate("file://"+path), chromedp.WaitVisible(chromedp.CSS("#practices"))))
	all, err := chromedp.Run(ctx, chromedp.Evaluate[int](visible))
	must(err)
	must(chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#practice-search"), "practice 2")))
	filtered, err := chromedp.Run(ctx, chromedp.Evaluate[int](visible))
	must(err)
	status, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#practice-count")))
	must(err)
	_, err = chromedp.Run(ctx, chromedp.Evaluate[int](`(function () {
		var s = document.getElementById("practice-search");
		s.value = "";
		s.dispatchEvent(new Event("input"));
		return 0;
	}())`))
	must(err)
	// The newest month's requests, twice: largest first.
	sortBy := chromedp.CSS(`#practices button[data-col="3"]`)
	must(chromedp.Do(ctx, chromedp.Click(sortBy), chromedp.Click(sortBy)))
	first, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#practices tbody tr:first-child td:nth-child(4)`)))
	must(err)
	bars, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#trend rect").length`))
	must(err)
	problems := finish()

	if all != 30 {
		t.Errorf("%d rows visible, want 30", all)
	}
	// "practice 2" matches Practice 2 and Practice 20 … 29.
	if filtered != 11 || status != "11 of 30 practices" {
		t.Errorf("searching shows %d rows (%q), want 11", filtered, status)
	}
	most := 0
	for _, p := range d.Practices.Practices {
		most = max(most, p.Metrics[0].Requested)
	}
	if first != fmt.Sprint(most) {
		t.Errorf("sorted by the newest month's requests, descending: first row has %s, want %d", first, most)
	}
	if bars != 3*5 {
		t.Errorf("the trend chart has %d segments, want 15", bars)
	}
	for _, p := range problems {
		t.Error(p)
	}
}
