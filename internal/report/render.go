package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
)

//go:embed report.html.tmpl
var pageText string

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"add": func(a, b float64) float64 { return a + b },
}).Parse(pageText))

// Render writes report.html for d.
func Render(w io.Writer, d *Data) error {
	if err := page.Execute(w, newView(d)); err != nil {
		return fmt.Errorf("render report: %w", err)
	}
	return nil
}
