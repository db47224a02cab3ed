package report

import (
	"fmt"
	"html/template"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nhsdigital/gp2gp/internal/spine"
)

// Colours: the Okabe–Ito palette, distinguishable with colour-blindness;
// every chart also has a table and a text description.
const (
	blue      = "#0072B2"
	vermilion = "#D55E00"
	orange    = "#E69F00"
	grey      = "#6B6B6B"
	green     = "#009E73"
	sky       = "#56B4E9"
	purple    = "#CC79A7"
)

type view struct {
	Month       string
	GeneratedOn string
	Headline    []figure
	Outcomes    chart
	Bands       chart
	Reasons     []reasonRow
	HasSummary  bool
	Practices   int // how many
	// The practice and CCG tables' rows, rendered (see rows.go).
	PracticeRows, CCGRows template.HTML
	Quality               []qualityRow
	Unknown               string // examples of unknown ASIDs
}

type figure struct {
	Label, Key, Value, Count, Note string
}

// chart is a bar chart with its text alternative.
type chart struct {
	Title, Desc string
	Bars        []bar
	Stacked     bool
}

type bar struct {
	Label, Key, Count, Pct, Colour string
	X, W, Y                        float64
}

type reasonRow struct {
	Reason, Status, Group string
	Count                 int
	Pct                   string
}

type practiceRow struct {
	ODS, Name, CCG string
	Count          int
	P3, P8, PB     pct
}

type ccgRow struct {
	ODS, Name        string
	Practices, Count int
	P3, P8, PB       pct
	Missing          int
}

// pct is a percentage as shown ("n/a" when null) and its sort key.
type pct struct {
	Text string
	Sort string
}

type qualityRow struct {
	Label, Key, Value, Note string
}

func newView(d *Data) view {
	n := d.National
	v := view{
		Month:       monthName(n.Year, n.Month),
		GeneratedOn: n.GeneratedOn,
		HasSummary:  d.Summary != nil,
	}
	v.Headline = []figure{
		{"Transfers", "national.transferCount", strconv.Itoa(n.TransferCount), "", "requests started in the month"},
		{"Integrated", "national.integrated.transferPercentage", pct2(n.Integrated.Percentage), count(n.Integrated.TransferCount), "filed by the requesting practice"},
		{"Failed", "national.failed.transferPercentage", pct2(n.Failed.Percentage), count(n.Failed.TransferCount), "concluded with an error"},
		{"Pending", "national.pending.transferPercentage", pct2(n.Pending.Percentage), count(n.Pending.TransferCount), "not integrated, no final error"},
		{"Paper fallback", "national.paperFallback.transferPercentage", pct2(n.PaperFallback.Percentage), count(n.PaperFallback.TransferCount), "not integrated within 8 days"},
	}
	other := n.TransferCount - n.Integrated.TransferCount - n.Failed.TransferCount - n.Pending.TransferCount
	v.Outcomes = stacked("Outcomes of the month's transfers", n.TransferCount, []bar{
		{Label: "Integrated", Key: "national.integrated", Count: strconv.Itoa(n.Integrated.TransferCount), Pct: pct2(n.Integrated.Percentage), Colour: blue},
		{Label: "Failed", Key: "national.failed", Count: strconv.Itoa(n.Failed.TransferCount), Pct: pct2(n.Failed.Percentage), Colour: vermilion},
		{Label: "Pending", Key: "national.pending", Count: strconv.Itoa(n.Pending.TransferCount), Pct: pct2(n.Pending.Percentage), Colour: orange},
		{Label: "Other (ambiguous COPC)", Key: "national.other", Count: strconv.Itoa(other), Pct: share(other, n.TransferCount), Colour: grey},
	})
	in := n.Integrated
	v.Bands = columns("Integrated transfers by time to integrate", in.TransferCount, []bar{
		{Label: "Within 3 days", Key: "national.integrated.within3Days", Count: strconv.Itoa(in.Within3Days), Pct: share(in.Within3Days, in.TransferCount), Colour: green},
		{Label: "Within 8 days", Key: "national.integrated.within8Days", Count: strconv.Itoa(in.Within8Days), Pct: share(in.Within8Days, in.TransferCount), Colour: sky},
		{Label: "Beyond 8 days", Key: "national.integrated.beyond8Days", Count: strconv.Itoa(in.Beyond8Days), Pct: share(in.Beyond8Days, in.TransferCount), Colour: purple},
	})
	rows, ccgs := practices(d.Practice)
	v.Practices = len(rows)
	v.PracticeRows, v.CCGRows = practiceRowsHTML(rows), ccgRowsHTML(ccgs)
	if s := d.Summary; s != nil {
		v.Reasons = reasons(s)
		v.Quality = quality(s)
		v.Unknown = strings.Join(s.UnknownRequestingASIDs.Examples, ", ")
	}
	return v
}

func monthName(y, m int) string {
	if m < 1 || m > 12 {
		return fmt.Sprintf("%d-%d", y, m)
	}
	return fmt.Sprintf("%s %d", time.Month(m), y)
}

func count(n int) string { return fmt.Sprintf("%d transfers", n) }

// pct2 shows a national percentage from the JSON (2 decimal places).
func pct2(p *float64) string {
	if p == nil {
		return "n/a"
	}
	return strconv.FormatFloat(*p, 'f', 2, 64)
}

// share is n of total in percent, to 2 places, for figures the JSON lacks.
func share(n, total int) string {
	if total == 0 {
		return "n/a"
	}
	return strconv.FormatFloat(float64(n)*100/float64(total), 'f', 2, 64)
}

// Chart geometry, in SVG user units.
const chartWidth = 600

func stacked(title string, total int, bars []bar) chart {
	x := 0.0
	var desc []string
	for i := range bars {
		n, _ := strconv.Atoi(bars[i].Count)
		w := 0.0
		if total > 0 {
			w = float64(n) / float64(total) * chartWidth
		}
		bars[i].X, bars[i].W = x, w
		x += w
		desc = append(desc, fmt.Sprintf("%s %s (%s%%)", bars[i].Label, bars[i].Count, bars[i].Pct))
	}
	return chart{Title: title, Desc: strings.Join(desc, "; "), Bars: bars, Stacked: true}
}

func columns(title string, total int, bars []bar) chart {
	most := 0
	for _, b := range bars {
		n, _ := strconv.Atoi(b.Count)
		most = max(most, n)
	}
	var desc []string
	for i := range bars {
		n, _ := strconv.Atoi(bars[i].Count)
		if most > 0 {
			bars[i].W = float64(n) / float64(most) * (chartWidth - 200)
		}
		bars[i].Y = float64(i) * 34
		desc = append(desc, fmt.Sprintf("%s %s (%s%%)", bars[i].Label, bars[i].Count, bars[i].Pct))
	}
	return chart{Title: title, Desc: strings.Join(desc, "; ") + fmt.Sprintf(" of %d integrated", total), Bars: bars}
}

// reasons lists the failure reasons, largest first, with the status the
// outcome table gives them and their group in the national metrics.
func reasons(s *Summary) []reasonRow {
	var rows []reasonRow
	for r, n := range s.FailureReasons {
		row := reasonRow{Reason: r, Count: n, Pct: share(n, s.Transfers), Status: "?", Group: group(r)}
		for _, rule := range spine.Rules {
			if rule.Reason == r {
				row.Status = string(rule.Status)
				break
			}
		}
		rows = append(rows, row)
	}
	slices.SortFunc(rows, func(a, b reasonRow) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Reason, b.Reason)
	})
	return rows
}

// group is where a failure reason counts in the national metrics (docs/outputs.md).
func group(reason string) string {
	switch reason {
	case spine.ReasonIntegratedLate:
		return "integrated"
	case spine.ReasonFinalError:
		return "failed"
	case spine.ReasonAmbiguousCOPC:
		return "none"
	}
	return "pending"
}

func quality(s *Summary) []qualityRow {
	q := func(label, key string, n int, note string) qualityRow {
		return qualityRow{label, key, strconv.Itoa(n), note}
	}
	return []qualityRow{
		q("Rows read", "summary.rowsRead", s.RowsRead, "data rows of the metric and overflow logs"),
		q("Rows accepted", "summary.rowsAccepted", s.RowsAccepted, ""),
		q("Rows rejected", "summary.rowsRejected", s.RowsRejected, "unreadable rows, listed in rejectedRows.csv.gz"),
		q("Conversations", "summary.conversations", s.Conversations, ""),
		q("Transfers in the month", "summary.transfers", s.Transfers, ""),
		q("Conversations outside the month", "summary.conversationsOutsideWindow", s.ConversationsOutsideWindow, "request started in another month"),
		q("Conversations without a request started", "summary.conversationsWithoutRequestStarted", s.ConversationsNoRequest, "not transfers"),
		q("Dropped acknowledgements", "summary.messages.unpaired_acknowledgement", s.Messages[spine.UnpairedAck.String()], "acks with no earlier message to pair with"),
		q("Superseded messages", "summary.messages.superseded_by_duplicate_guid", s.Messages[spine.Superseded.String()], "replaced by a later message with the same GUID, or acks of one"),
		q("Messages with no role", "summary.messages.unknown_purpose", s.Messages[spine.UnknownPurpose.String()], "another request, an unknown interaction, a third party's COPC"),
		q("Messages after the cutoff", "summary.messages.after_cutoff", s.Messages[spine.CutOff.String()], cutoffNote(s.CutoffDays)),
		q("Negative SLAs clamped to 0", "summary.negativeSlasClamped", s.NegativeSLAsClamped, "ack logged before its core EHR"),
		q("Unknown requesting ASIDs", "summary.unknownRequestingAsids.distinct", s.UnknownRequestingASIDs.Distinct, "in no practice of the organisation metadata"),
		q("Integrated transfers with an unknown ASID", "summary.unknownRequestingAsids.transfers", s.UnknownRequestingASIDs.Transfers, "in no practice's figures"),
	}
}

func cutoffNote(days int) string {
	if days == 0 {
		return "no cutoff"
	}
	return fmt.Sprintf("more than %d days after the conversation's first message", days)
}

// practices builds the practice table and the CCG roll-up. A CCG's band
// shares are recomputed from its practices' counts, each band count being
// the practice's percentage of its count, rounded (exact below 1,000
// transfers per practice).
func practices(pm PracticeMetrics) ([]practiceRow, []ccgRow) {
	ccgOf := map[string][]string{}
	for _, c := range pm.CCGs {
		for _, ods := range c.Practices {
			ccgOf[ods] = append(ccgOf[ods], c.Name)
		}
	}
	byODS := map[string]PracticeIntegrated{}
	rows := make([]practiceRow, 0, len(pm.Practices))
	for i := range pm.Practices {
		p := &pm.Practices[i]
		in := p.Integrated()
		byODS[p.ODSCode] = in
		rows = append(rows, practiceRow{
			ODS: p.ODSCode, Name: p.Name, CCG: strings.Join(ccgOf[p.ODSCode], "; "),
			Count: in.TransferCount, P3: pct1(in.Within3Days), P8: pct1(in.Within8Days), PB: pct1(in.Beyond8Days),
		})
	}
	ccgs := make([]ccgRow, 0, len(pm.CCGs))
	for _, c := range pm.CCGs {
		r := ccgRow{ODS: c.ODSCode, Name: c.Name, Practices: len(c.Practices)}
		var b3, b8, bb int
		for _, ods := range c.Practices {
			in, ok := byODS[ods]
			if !ok {
				r.Missing++
				continue
			}
			r.Count += in.TransferCount
			b3 += bandCount(in.Within3Days, in.TransferCount)
			b8 += bandCount(in.Within8Days, in.TransferCount)
			bb += bandCount(in.Beyond8Days, in.TransferCount)
		}
		r.P3, r.P8, r.PB = ratio(b3, r.Count), ratio(b8, r.Count), ratio(bb, r.Count)
		ccgs = append(ccgs, r)
	}
	return rows, ccgs
}

func bandCount(p *float64, total int) int {
	if p == nil {
		return 0
	}
	return int(*p*float64(total)/100 + 0.5)
}

// pct1 shows a practice percentage from the JSON (1 decimal place).
func pct1(p *float64) pct {
	if p == nil {
		return pct{"n/a", "-1"}
	}
	s := strconv.FormatFloat(*p, 'f', 1, 64)
	return pct{s, s}
}

func ratio(n, total int) pct {
	if total == 0 {
		return pct{"n/a", "-1"}
	}
	s := strconv.FormatFloat(float64(n)*100/float64(total), 'f', 1, 64)
	return pct{s, s}
}
