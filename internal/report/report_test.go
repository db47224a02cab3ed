package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/nhsdigital/gp2gp/internal/golden"
	"github.com/nhsdigital/gp2gp/internal/pipeline"
)

// runCase runs a golden case (of December 2019) and returns its output
// folder.
func runCase(t testing.TB, name string) string {
	t.Helper()
	c := golden.Find(t, name)
	dir := c.Dir(t)
	out := t.TempDir()
	a, err := time.Parse(time.RFC3339, c.DateAnchor)
	if err != nil {
		t.Fatal(err)
	}
	_, err = pipeline.Run(context.Background(), pipeline.Config{
		SpineBucket: filepath.Join(dir, c.SpineBucket), OrganisationBucket: filepath.Join(dir, c.OrgBucket), OutputBucket: out,
		Anchor: a, CutoffDays: *c.CutoffDays, MaxRejectedFraction: pipeline.DefaultMaxRejectedFraction,
		Now: func() time.Time { return time.Date(2021, 7, 29, 10, 0, 0, 0, time.UTC) },
	})
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(out, "v4", "2019", "12")
}

// page is a parsed report: the text of every element with a data-key, the
// practice rows' cells by ODS code, and every URL-bearing attribute.
type page struct {
	keys      map[string]string
	practices map[string][]string
	urls      []string
	scripts   []string
	raw       string
}

func parsePage(t *testing.T, path string) page {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	p := page{keys: map[string]string{}, practices: map[string][]string{}, raw: string(b)}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				switch a.Key {
				case "data-key":
					p.keys[a.Val] = text(n)
				case "data-ods":
					var cells []string
					for c := n.FirstChild; c != nil; c = c.NextSibling {
						if c.Type == html.ElementNode && c.Data == "td" {
							cells = append(cells, text(c))
						}
					}
					p.practices[a.Val] = cells
				case "src", "href", "action", "xlink:href", "srcset", "poster", "data":
					p.urls = append(p.urls, n.Data+" "+a.Key+"="+a.Val)
				case "style":
					if strings.Contains(a.Val, "url(") {
						p.urls = append(p.urls, n.Data+" style="+a.Val)
					}
				}
			}
			if n.Data == "link" || n.Data == "iframe" || n.Data == "img" || n.Data == "object" || n.Data == "embed" {
				p.urls = append(p.urls, "<"+n.Data+">")
			}
			if n.Data == "script" || n.Data == "style" {
				p.scripts = append(p.scripts, text(n))
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return p
}

func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.TrimSpace(b.String())
}

func readJSON(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// at walks a parsed JSON value along a dotted path.
func at(v any, path string) any {
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// sameNumber reports whether shown text is the JSON number (or n/a for null).
func sameNumber(shown string, want any) bool {
	if want == nil {
		return shown == "n/a"
	}
	f, err := strconv.ParseFloat(shown, 64)
	return err == nil && f == want.(float64)
}

// TestReportFigures checks that the figures report.html shows are those of
// the JSON outputs, that it references nothing outside itself, and that
// gp2gp report renders the identical page from the outputs.
func TestReportFigures(t *testing.T) {
	cases := []struct {
		name  string
		shows []string
	}{
		{"reference-e2e", []string{"55.56", "11.11", "33.33", "A12345", "Test GP Practice with Integrations", "Test CCG"}},
		{"dec2019-1k", []string{"74.54", "3.47", "21.64", "P19475", "Westway Group Practice", "NHS Zennor CCG"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out := runCase(t, tc.name)
			p := parsePage(t, filepath.Join(out, "report.html"))
			national := at(readJSON(t, filepath.Join(out, "nationalMetrics.json")), "metrics").([]any)[0]
			summary := readJSON(t, filepath.Join(out, "runSummary.json"))
			practice := readJSON(t, filepath.Join(out, "practiceMetrics.json"))

			checked := 0
			for key, shown := range p.keys {
				src, path, _ := strings.Cut(key, ".")
				var want any
				switch {
				case src == "national" && path == "other.transferCount" || path == "other.transferPercentage":
					continue // not in the JSON: checked below
				case src == "national":
					want = at(national, path)
				case src == "summary" && strings.HasPrefix(path, "failureReasons."):
					want = summary["failureReasons"].(map[string]any)[strings.TrimPrefix(path, "failureReasons.")]
				case src == "summary" && strings.HasPrefix(path, "messages."):
					want = summary["messages"].(map[string]any)[strings.TrimPrefix(path, "messages.")]
				case src == "summary":
					want = at(summary, path)
				default:
					t.Errorf("unexpected data-key %q", key)
					continue
				}
				if want == nil && !strings.HasSuffix(path, "Percentage") {
					t.Errorf("%s: not in the JSON outputs", key)
				}
				if !sameNumber(shown, want) {
					t.Errorf("%s: shows %q, the JSON has %v", key, shown, want)
				}
				checked++
			}
			if checked < 25 {
				t.Errorf("only %d figures checked", checked)
			}
			n := func(k string) float64 { return at(national, k).(float64) }
			other := n("transferCount") - n("integrated.transferCount") - n("failed.transferCount") - n("pending.transferCount")
			if !sameNumber(p.keys["national.other.transferCount"], other) {
				t.Errorf("other outcomes: shows %q, want %v", p.keys["national.other.transferCount"], other)
			}
			for key := range summary["failureReasons"].(map[string]any) {
				if _, ok := p.keys["summary.failureReasons."+key]; !ok {
					t.Errorf("failure reason %q not shown", key)
				}
			}

			practices := practice["practices"].([]any)
			if len(p.practices) != len(practices) {
				t.Errorf("%d practice rows, want %d", len(p.practices), len(practices))
			}
			for _, pr := range practices {
				ods := at(pr, "odsCode").(string)
				cells, ok := p.practices[ods]
				if !ok || len(cells) != 7 {
					t.Errorf("practice %s: row %v", ods, cells)
					continue
				}
				in := at(at(pr, "metrics").([]any)[0], "requester.integrated")
				if cells[1] != at(pr, "name") {
					t.Errorf("practice %s: name %q, want %q", ods, cells[1], at(pr, "name"))
				}
				for i, k := range []string{"transferCount", "within3DaysPercentage", "within8DaysPercentage", "beyond8DaysPercentage"} {
					if !sameNumber(cells[3+i], at(in, k)) {
						t.Errorf("practice %s: %s shows %q, the JSON has %v", ods, k, cells[3+i], at(in, k))
					}
				}
			}

			if len(p.urls) > 0 {
				t.Errorf("external references: %v", p.urls)
			}
			for _, s := range append(p.scripts, p.raw) {
				for _, bad := range []string{"http://", "https://", "@import", "url(", "fetch(", "XMLHttpRequest"} {
					if strings.Contains(s, bad) {
						t.Errorf("the page contains %q", bad)
					}
				}
			}
			if strings.Contains(p.raw, "ZgotmplZ") {
				t.Error("the template escaped an unsafe value (ZgotmplZ)")
			}
			for _, s := range tc.shows {
				if !strings.Contains(p.raw, ">"+s+"<") {
					t.Errorf("the page does not show %q", s)
				}
			}

			// gp2gp report renders the same page from the published outputs.
			first, _ := os.ReadFile(filepath.Join(out, "report.html"))
			os.Remove(filepath.Join(out, "report.html"))
			a, _ := time.Parse(time.RFC3339, golden.Find(t, tc.name).DateAnchor)
			root := strings.TrimSuffix(out, filepath.Join("v4", "2019", "12"))
			if _, err := pipeline.Report(context.Background(), pipeline.Config{OutputBucket: root, Anchor: a}); err != nil {
				t.Fatal(err)
			}
			again, _ := os.ReadFile(filepath.Join(out, "report.html"))
			if !bytes.Equal(first, again) {
				t.Error("gp2gp report rendered a different page from the outputs")
			}
		})
	}
}
