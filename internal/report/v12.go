package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/nhsdigital/gp2gp/internal/metrics"
	"github.com/nhsdigital/gp2gp/internal/v12"
)

//go:embed report12.html.tmpl
var page12Text string

var page12 = template.Must(template.New("report12").Funcs(template.FuncMap{
	"add": func(a, b float64) float64 { return a + b },
	// add3 is the practice table's column of month i's first (j 0) or
	// second (j 1) column, after the code, name and location.
	"add3": func(i, j int) int { return 3 + 2*i + j },
}).Parse(page12Text))

// V12 is what the v12 report shows: the metrics gp2gp metrics computed.
type V12 struct {
	National    v12.National
	Practices   v12.PracticeMetrics
	GeneratedOn time.Time
}

// RenderV12 writes the v12 report.html: the newest month's national
// figures, the months' trends from the practices' counts, the Sub-ICB
// locations with their practices, and the practice table with every month,
// searchable and sortable. One self-contained page: no request leaves it.
func RenderV12(w io.Writer, d V12) error {
	if err := page12.Execute(w, newView12(d)); err != nil {
		return fmt.Errorf("render report: %w", err)
	}
	return nil
}

type view12 struct {
	Month, GeneratedOn string
	Headline           []figure
	Outcomes           chart
	Trend              trendChart
	Months             []string // newest first
	Practices          int
	SICBLs             []sicblView
	PracticeRows       template.HTML
}

type sicblView struct {
	ODS, Name string
	Practices []practiceName
}

type practiceName struct{ ODS, Name string }

// trendChart is the months' stacked columns, oldest on the left, and
// their data as a table.
type trendChart struct {
	Title, Desc string
	Columns     []trendColumn
	Legend      []bar
	Height      float64
}

type trendColumn struct {
	Label    string
	X        float64
	Segments []segment
	Total    int
	Rows     []string // the table's cells: requested, the segments' counts
}

type segment struct {
	Label, Colour string
	Count         int
	Y, H          float64
}

func optional(o v12.Optional) string {
	if !o.Valid {
		return "(no name)"
	}
	return o.Value
}

func pctText(p metrics.Percentage) string {
	if !p.Valid {
		return "n/a"
	}
	return strconv.FormatFloat(p.Value, 'f', -1, 64)
}

func newView12(d V12) view12 {
	n := d.National
	v := view12{
		Month:       monthName(n.Year, n.Month),
		GeneratedOn: d.GeneratedOn.UTC().Format("2 January 2006 15:04 UTC"),
		Practices:   len(d.Practices.Practices),
	}
	fig := func(label, key string, s v12.Share, note string) figure {
		return figure{Label: label, Key: key, Value: pctText(s.Percent), Count: fmt.Sprintf("%d transfers", s.Count), Note: note}
	}
	v.Headline = []figure{
		{Label: "Transfers requested", Key: "transferCount", Value: strconv.Itoa(n.TransferCount), Note: "in the month, practices unknown to ODS included"},
		fig("Integrated on time", "integratedOnTime", n.IntegratedOnTime, "within 8 days"),
		fig("Paper fallback", "paperFallback", n.PaperFallback, "all but those integrated on time"),
		fig("Technical failures", "technicalFailure", n.TechnicalFailure, "of all transfers"),
	}
	other := n.PaperFallback.Count - n.TechnicalFailure.Count - n.IntegratedLate.Count - n.TransferredNotIntegrated.Count - n.UnclassifiedFailure.Count
	bars := []bar{
		{Label: "Integrated on time", Key: "integratedOnTime", Count: strconv.Itoa(n.IntegratedOnTime.Count), Pct: pctText(n.IntegratedOnTime.Percent), Colour: green},
		{Label: "Integrated late", Key: "processFailure.integratedLate", Count: strconv.Itoa(n.IntegratedLate.Count), Pct: pctText(n.IntegratedLate.Percent), Colour: orange},
		{Label: "Transferred, not integrated", Key: "processFailure.transferredNotIntegrated", Count: strconv.Itoa(n.TransferredNotIntegrated.Count), Pct: pctText(n.TransferredNotIntegrated.Percent), Colour: sky},
		{Label: "Technical failure", Key: "technicalFailure", Count: strconv.Itoa(n.TechnicalFailure.Count), Pct: pctText(n.TechnicalFailure.Percent), Colour: vermilion},
		{Label: "Unclassified failure", Key: "unclassifiedFailure", Count: strconv.Itoa(n.UnclassifiedFailure.Count), Pct: pctText(n.UnclassifiedFailure.Percent), Colour: purple},
		{Label: "Other process failures", Key: "otherProcessFailure", Count: strconv.Itoa(other), Pct: share(other, n.TransferCount), Colour: grey},
	}
	v.Outcomes = stacked("Outcomes of the month's transfers", n.TransferCount, bars)
	v.Trend = trend(d.Practices)
	if len(d.Practices.Practices) > 0 {
		for _, m := range d.Practices.Practices[0].Metrics {
			v.Months = append(v.Months, fmt.Sprintf("%d-%02d", m.Year, m.Month))
		}
	}
	names := map[string]string{}
	for _, p := range d.Practices.Practices {
		names[p.ODSCode] = optional(p.Name)
	}
	for _, s := range d.Practices.SICBLs {
		sv := sicblView{ODS: s.ODSCode, Name: optional(s.Name)}
		for _, c := range s.Practices {
			sv.Practices = append(sv.Practices, practiceName{c, names[c]})
		}
		v.SICBLs = append(v.SICBLs, sv)
	}
	v.PracticeRows = practiceRows12(d.Practices.Practices)
	return v
}

// Trend chart geometry.
const (
	trendHeight = 220
	trendWidth  = 70
	trendGap    = 30
	trendLeft   = 10
)

// trend sums the practices' months: what each month's requests became.
func trend(pm v12.PracticeMetrics) trendChart {
	tc := trendChart{Title: "Requests by month and what they became (the listed practices)", Height: trendHeight + 40}
	if len(pm.Practices) == 0 {
		tc.Desc = "No practice has transfers."
		return tc
	}
	k := len(pm.Practices[0].Metrics)
	type sums struct{ req, w3, w8, not8, fail int }
	s := make([]sums, k)
	for _, p := range pm.Practices {
		for i, m := range p.Metrics {
			s[i].req += m.Requested
			s[i].w3 += m.Within3Days
			s[i].w8 += m.Within8Days
			s[i].not8 += m.NotWithin8DaysTotal
			s[i].fail += m.FailuresTotal
		}
	}
	most := 1
	for _, x := range s {
		most = max(most, x.req)
	}
	labels := []struct{ label, colour string }{
		{"Integrated within 3 days", green}, {"Integrated within 8 days", sky}, {"Not integrated within 8 days", orange},
		{"Failures (technical, unclassified)", vermilion}, {"Other outcomes", grey},
	}
	for _, l := range labels {
		tc.Legend = append(tc.Legend, bar{Label: l.label, Colour: l.colour})
	}
	var desc []string
	for j := 0; j < k; j++ {
		i := k - 1 - j // oldest on the left
		m := pm.Practices[0].Metrics[i]
		x := s[i]
		counts := []int{x.w3, x.w8, x.not8, x.fail, x.req - x.w3 - x.w8 - x.not8 - x.fail}
		col := trendColumn{Label: fmt.Sprintf("%d-%02d", m.Year, m.Month), X: float64(trendLeft + j*(trendWidth+trendGap)), Total: x.req}
		y := float64(trendHeight)
		for c, n := range counts {
			h := float64(n) / float64(most) * (trendHeight - 20)
			y -= h
			col.Segments = append(col.Segments, segment{Label: labels[c].label, Colour: labels[c].colour, Count: n, Y: y, H: h})
			col.Rows = append(col.Rows, strconv.Itoa(n))
		}
		tc.Columns = append(tc.Columns, col)
		desc = append(desc, fmt.Sprintf("%s: %d requested, %d within 3 days, %d within 8 days, %d not within 8 days, %d failures",
			col.Label, x.req, x.w3, x.w8, x.not8, x.fail))
	}
	tc.Desc = strings.Join(desc, "; ")
	return tc
}

// practiceRows12 is the practice table's rows: code, name, Sub-ICB
// location, then for each month newest first the requests and the share
// received that was integrated within 3 days.
func practiceRows12(ps []v12.Practice) template.HTML {
	var b strings.Builder
	for i := range ps {
		p := &ps[i]
		b.WriteString("\n<tr data-ods=\"")
		escape(&b, p.ODSCode)
		b.WriteString("\"><td>")
		escape(&b, p.ODSCode)
		b.WriteString("</td><td>")
		escape(&b, optional(p.Name))
		b.WriteString("</td><td>")
		escape(&b, p.SICBLCode)
		for _, m := range p.Metrics {
			n := strconv.Itoa(m.Requested)
			b.WriteString("</td><td class=\"num\" data-sort=\"")
			b.WriteString(n)
			b.WriteString("\">")
			b.WriteString(n)
			sort := "-1"
			if m.Within3DaysPercent.Valid {
				sort = strconv.FormatFloat(m.Within3DaysPercent.Value, 'f', -1, 64)
			}
			b.WriteString("</td><td class=\"num\" data-sort=\"")
			b.WriteString(sort)
			b.WriteString("\">")
			b.WriteString(pctText(m.Within3DaysPercent))
		}
		b.WriteString("</td></tr>")
	}
	return template.HTML(b.String())
}
