package report

import (
	"html/template"
	"strconv"
	"strings"
)

// The practice and CCG tables have a row per practice (thousands), which
// html/template rendered at a few microseconds a cell; they are written
// here instead, every value escaped as html/template escapes text and
// quoted attribute values, so the page is the same.

// practiceRowsHTML is the rows of the practice table.
func practiceRowsHTML(rows []practiceRow) template.HTML {
	var b strings.Builder
	for i := range rows {
		r := &rows[i]
		b.WriteString("\n<tr data-ods=\"")
		escape(&b, r.ODS)
		b.WriteString("\"><td>")
		escape(&b, r.ODS)
		b.WriteString("</td><td>")
		escape(&b, r.Name)
		b.WriteString("</td><td>")
		escape(&b, r.CCG)
		count := strconv.Itoa(r.Count)
		b.WriteString("</td><td class=\"num\" data-sort=\"")
		b.WriteString(count)
		b.WriteString("\">")
		b.WriteString(count)
		for _, p := range [...]pct{r.P3, r.P8, r.PB} {
			b.WriteString("</td><td class=\"num\" data-sort=\"")
			escape(&b, p.Sort)
			b.WriteString("\">")
			escape(&b, p.Text)
		}
		b.WriteString("</td></tr>")
	}
	return template.HTML(b.String())
}

// ccgRowsHTML is the rows of the CCG table.
func ccgRowsHTML(rows []ccgRow) template.HTML {
	var b strings.Builder
	for i := range rows {
		r := &rows[i]
		b.WriteString("\n<tr><td>")
		escape(&b, r.ODS)
		b.WriteString("</td><td>")
		escape(&b, r.Name)
		b.WriteString("</td><td class=\"num\">")
		b.WriteString(strconv.Itoa(r.Practices))
		if r.Missing != 0 {
			b.WriteString(" (")
			b.WriteString(strconv.Itoa(r.Missing))
			b.WriteString(" not in the metrics)")
		}
		b.WriteString("</td><td class=\"num\">")
		b.WriteString(strconv.Itoa(r.Count))
		for _, p := range [...]pct{r.P3, r.P8, r.PB} {
			b.WriteString("</td><td class=\"num\">")
			escape(&b, p.Text)
		}
		b.WriteString("</td></tr>")
	}
	return template.HTML(b.String())
}

// htmlEscapes are html/template's replacements in text and quoted
// attribute values.
var htmlEscapes = strings.NewReplacer(
	"\x00", "\uFFFD",
	`"`, "&#34;",
	"&", "&amp;",
	"'", "&#39;",
	"+", "&#43;",
	"<", "&lt;",
	">", "&gt;",
)

func escape(b *strings.Builder, s string) {
	if strings.ContainsAny(s, "\x00\"&'+<>") {
		htmlEscapes.WriteString(b, s)
		return
	}
	b.WriteString(s)
}
