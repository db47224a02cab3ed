package report

import (
	"html/template"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The rows as html/template rendered them before rows.go wrote them.
var templateRows = template.Must(template.New("rows").Parse(`
{{- range .Practices}}
<tr data-ods="{{.ODS}}"><td>{{.ODS}}</td><td>{{.Name}}</td><td>{{.CCG}}</td><td class="num" data-sort="{{.Count}}">{{.Count}}</td><td class="num" data-sort="{{.P3.Sort}}">{{.P3.Text}}</td><td class="num" data-sort="{{.P8.Sort}}">{{.P8.Text}}</td><td class="num" data-sort="{{.PB.Sort}}">{{.PB.Text}}</td></tr>
{{- end}}
|
{{- range .CCGs}}
<tr><td>{{.ODS}}</td><td>{{.Name}}</td><td class="num">{{.Practices}}{{if .Missing}} ({{.Missing}} not in the metrics){{end}}</td><td class="num">{{.Count}}</td><td class="num">{{.P3.Text}}</td><td class="num">{{.P8.Text}}</td><td class="num">{{.PB.Text}}</td></tr>
{{- end}}`))

// TestRowsAsTemplate checks that the hand-written rows are what
// html/template made of them, awkward names included.
func TestRowsAsTemplate(t *testing.T) {
	names := []string{"Westway Medical Centre", `Smith & Jones "The Surgery"`, "O'Brien <Practice>", "A+B Health", "nul\x00byte", "Café Ünïcode", ""}
	var practices []practiceRow
	var ccgs []ccgRow
	for i, n := range names {
		p := pct{Text: "82.8", Sort: "82.8"}
		if i%2 == 1 {
			p = pct{Text: "n/a", Sort: "-1"}
		}
		practices = append(practices, practiceRow{ODS: "A" + n, Name: n, CCG: n + "; " + n, Count: i * 7, P3: p, P8: pct{Text: n, Sort: n}, PB: p})
		ccgs = append(ccgs, ccgRow{ODS: n, Name: n, Practices: i, Count: i * 3, P3: p, P8: p, PB: pct{Text: n}, Missing: i % 3})
	}
	var want strings.Builder
	if err := templateRows.Execute(&want, map[string]any{"Practices": practices, "CCGs": ccgs}); err != nil {
		t.Fatal(err)
	}
	got := string(practiceRowsHTML(practices)) + "\n|" + string(ccgRowsHTML(ccgs))
	if diff := cmp.Diff(want.String(), got); diff != "" {
		t.Errorf("rows differ from html/template's (-want +got):\n%s", diff)
	}
}
