package cli

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/nhsdigital/gp2gp/internal/pipeline"
)

// progressSequence is what a run reports: ticks and each phase's final report.
var progressSequence = []pipeline.Progress{
	{Phase: "reading", Input: "metric log", InputRead: 10 << 20, InputSize: 40 << 20, Rows: 100_000, Elapsed: time.Second},
	{Phase: "reading", Input: "metric log", InputRead: 40 << 20, InputSize: 40 << 20, Rows: 400_000, Elapsed: 2 * time.Second, Final: true},
	{Phase: "reading", Input: "metric log", InputRead: 40 << 20, InputSize: 40 << 20, Rows: 400_000, Elapsed: 2 * time.Second}, // a late tick
	{Phase: "reading", Input: "overflow log", InputRead: 1 << 20, InputSize: 2 << 20, Rows: 410_000, Elapsed: 3 * time.Second},
	{Phase: "reading", Input: "overflow log", InputRead: 2 << 20, InputSize: 2 << 20, Rows: 420_000, Elapsed: 3 * time.Second, Final: true},
	{Phase: "classifying", Conversations: 1000, Classified: 500, Elapsed: 4 * time.Second},
	{Phase: "classifying", Conversations: 1000, Classified: 1000, Elapsed: 5 * time.Second, Final: true},
	{Phase: "publishing", Elapsed: 5 * time.Second, Final: true},
	{Phase: "publishing", Elapsed: 6 * time.Second},
}

func TestProgressBar(t *testing.T) {
	var buf bytes.Buffer
	b := &progressBar{w: &buf}
	for _, p := range progressSequence {
		b.draw(p)
	}
	out := buf.String()
	if !strings.HasSuffix(out, "\n") {
		t.Errorf("output does not end its last line: %q", out)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lines, want one per input and phase:\n%s", len(lines), out)
	}
	for i, want := range []string{"metric log 40/40 MB, 400000 rows", "overflow log 2/2 MB", "1000/1000 conversations", "publishing"} {
		last := lines[i][strings.LastIndex(lines[i], "\r")+1:]
		if !strings.Contains(last, want) {
			t.Errorf("line %d ends %q, want it to show %q", i+1, last, want)
		}
	}
	if !strings.Contains(lines[0], "[==============================]") || !strings.Contains(lines[0], "[=======                       ]") {
		t.Errorf("metric log line lacks the quarter and full bars: %q", lines[0])
	}
}

func TestProgressLog(t *testing.T) {
	var buf bytes.Buffer
	log := progressLogger(slog.New(slog.NewTextHandler(&buf, nil)))
	for _, p := range progressSequence {
		log(p)
	}
	out := buf.String()
	if strings.Contains(out, "\r") {
		t.Errorf("carriage return in log output:\n%s", out)
	}
	if n := strings.Count(out, "\n"); n != len(progressSequence) {
		t.Errorf("%d log lines, want %d", n, len(progressSequence))
	}
	for _, want := range []string{`phase=reading`, `input="metric log"`, `percent=25`, `rows=100000`, `rows_per_s=100000`, `phase=classifying`, `classified=500`} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
	}
}

func TestProgressMode(t *testing.T) {
	for _, tc := range []struct {
		env  env
		want time.Duration // 0: no progress
	}{
		{env{}, logInterval}, // a buffer is not a terminal
		{env{"GP2GP_PROGRESS": "log"}, logInterval},
		{env{"GP2GP_PROGRESS": "off"}, 0},
	} {
		var cfg pipeline.Config
		setProgress(&cfg, &invocation{env: tc.env, stderr: &bytes.Buffer{}, log: slog.New(slog.DiscardHandler)})
		if (cfg.Progress != nil) != (tc.want != 0) || cfg.ProgressInterval != tc.want {
			t.Errorf("%v: progress set %v every %v, want every %v", tc.env, cfg.Progress != nil, cfg.ProgressInterval, tc.want)
		}
	}
}
