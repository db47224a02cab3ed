package report_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

var screenshot = flag.Bool("screenshot", false, "write docs/report.png from the browser test")

// chromium finds the browser; the test skips without one, except in CI.
// GP2GP_SKIP_BROWSER=1 (make e2e-test NO_BROWSER=1) skips it on purpose;
// .ci/run never sets it.
func chromium(t *testing.T) string {
	t.Helper()
	if os.Getenv("GP2GP_SKIP_BROWSER") == "1" {
		t.Skip("GP2GP_SKIP_BROWSER=1: the browser test was skipped on purpose")
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium not found, and CI=true")
	}
	t.Skip("chromium not found")
	return ""
}

// TestReportInBrowser opens report.html in headless Chromium: it must
// render with no console errors and no network requests, and the practice
// search must filter the table's rows.
func TestReportInBrowser(t *testing.T) {
	exe := chromium(t)
	out := runCase(t, "dec2019-1k")
	path, _ := filepath.Abs(filepath.Join(out, "report.html"))
	page := parsePage(t, path)

	ctx, finish := openBrowser(t, exe)

	visible := `document.querySelectorAll("#practices tbody tr:not([hidden])").length`
	query := firstODS(t, out)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(chromedp.Do(ctx, chromedp.Navigate("file://"+path), chromedp.WaitVisible(chromedp.CSS("#practices"))))
	all, err := chromedp.Run(ctx, chromedp.Evaluate[int](visible))
	must(err)
	var png []byte
	if *screenshot {
		png, err = chromedp.Run(ctx, chromedp.CaptureScreenshot())
		must(err)
	}
	must(chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#practice-search"), query)))
	filtered, err := chromedp.Run(ctx, chromedp.Evaluate[int](visible))
	must(err)
	status, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#practice-count")))
	must(err)
	cleared, err := chromedp.Run(ctx, chromedp.Evaluate[int](`(function () {
		var s = document.getElementById("practice-search");
		s.value = "";
		s.dispatchEvent(new Event("input"));
		return `+visible+`;
	}())`))
	must(err)
	// Sort by integrated count, twice: largest first.
	sortBy := chromedp.CSS(`#practices button[data-col="3"]`)
	must(chromedp.Do(ctx, chromedp.Click(sortBy), chromedp.Click(sortBy)))
	firstCount, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#practices tbody tr:first-child td:nth-child(4)`)))
	must(err)
	problems := finish()

	if all != len(page.practices) || all == 0 {
		t.Errorf("%d rows visible at first, want all %d", all, len(page.practices))
	}
	want := 0
	for _, cells := range page.practices {
		if strings.Contains(strings.ToLower(strings.Join(cells, "")), strings.ToLower(query)) {
			want++
		}
	}
	if filtered != want || filtered >= all {
		t.Errorf("searching %q shows %d rows, want %d (of %d)", query, filtered, want, all)
	}
	if wantStatus := fmt.Sprintf("%d of %d practices", want, all); status != wantStatus {
		t.Errorf("search status %q, want %q", status, wantStatus)
	}
	if cleared != all {
		t.Errorf("clearing the search shows %d rows, want %d", cleared, all)
	}
	most := 0
	for _, cells := range page.practices {
		var n int
		fmt.Sscan(cells[3], &n)
		most = max(most, n)
	}
	if firstCount != fmt.Sprint(most) {
		t.Errorf("sorted by integrated, descending: first row has %s, want %d", firstCount, most)
	}
	for _, p := range problems {
		t.Error(p)
	}
	if *screenshot {
		dst := filepath.Join("..", "..", "docs", "report.png")
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", dst)
	}
}

// openBrowser starts headless Chromium with a tab, and watches it for
// console errors and warnings and for any request that is not for a
// local file. finish stops watching and returns what it saw.
func openBrowser(t *testing.T, exe string) (ctx context.Context, finish func() []string) {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1200, 900),
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	ctx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancelTab := chromedp.NewContext(ctx)
	t.Cleanup(cancelTab)

	watch, stopWatching := context.WithCancel(ctx)
	var mu sync.Mutex
	var problems []string
	var wg sync.WaitGroup
	messages := chromedp.Console(watch)
	requests := chromedp.Events(watch, network.RequestWillBeSent)
	wg.Add(2)
	go func() {
		defer wg.Done()
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleWarning || m.IsException() {
				mu.Lock()
				problems = append(problems, "console "+m.String())
				mu.Unlock()
			}
		}
	}()
	go func() {
		defer wg.Done()
		for ev, err := range requests {
			if err != nil {
				return
			}
			if u := ev.Request.URL; !strings.HasPrefix(u, "file://") {
				mu.Lock()
				problems = append(problems, "request "+u)
				mu.Unlock()
			}
		}
	}()
	return ctx, func() []string {
		stopWatching()
		wg.Wait()
		return problems
	}
}

// firstODS is the ODS code of the first practice of practiceMetrics.json.
func firstODS(t *testing.T, out string) string {
	t.Helper()
	pm := readJSON(t, filepath.Join(out, "practiceMetrics.json"))
	return at(pm["practices"].([]any)[0], "odsCode").(string)
}
