package cli

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/nhsdigital/gp2gp/internal/pipeline"
)

// Progress display intervals: a terminal is redrawn often; logs get a
// line now and then.
const (
	barInterval = 250 * time.Millisecond
	logInterval = 10 * time.Second
)

// setProgress makes cfg report progress on stderr: a bar redrawn in place
// when stderr is a terminal, otherwise a log line every 10 s (never
// carriage returns in logs). GP2GP_PROGRESS=off disables it; =log forces
// log lines.
func setProgress(cfg *pipeline.Config, c *invocation) {
	mode := c.env["GP2GP_PROGRESS"]
	switch {
	case mode == "off":
		return
	case mode != "log" && isTerminal(c.stderr):
		b := &progressBar{w: c.stderr}
		cfg.Progress, cfg.ProgressInterval = b.draw, barInterval
	default:
		cfg.Progress, cfg.ProgressInterval = progressLogger(c.log), logInterval
	}
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// rate is a per-second rate of n over d.
func rate(n int64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

func progressLogger(log *slog.Logger) func(pipeline.Progress) {
	return func(p pipeline.Progress) {
		args := []any{"phase", p.Phase, "elapsed", p.Elapsed.Round(time.Second).String()}
		switch p.Phase {
		case "reading":
			args = append(args, "input", p.Input, "read_mb", p.InputRead>>20, "size_mb", p.InputSize>>20)
			if p.InputSize > 0 {
				args = append(args, "percent", 100*p.InputRead/p.InputSize)
			}
			args = append(args, "rows", p.Rows, "rows_per_s", int64(rate(p.Rows, p.Elapsed)))
		case "classifying":
			args = append(args, "conversations", p.Conversations, "classified", p.Classified)
		}
		log.Info("progress", args...)
	}
}

// progressBar draws a one-line bar on a terminal.
type progressBar struct {
	mu    sync.Mutex
	w     io.Writer
	phase string
	input string
	drawn bool   // a line is drawn and not ended
	ended string // the phase and input whose line is finished
}

func (b *progressBar) draw(p pipeline.Progress) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !p.Final && b.ended == p.Phase+"\x00"+p.Input {
		return // the phase's line is finished
	}
	if b.drawn && (p.Phase != b.phase || p.Input != b.input) {
		fmt.Fprintln(b.w) // keep the finished phase's last line
	}
	b.phase, b.input, b.drawn = p.Phase, p.Input, true
	var done, total int64
	var detail string
	switch p.Phase {
	case "reading":
		done, total = p.InputRead, p.InputSize
		detail = fmt.Sprintf("%s %d/%d MB, %d rows, %.2fM rows/s", p.Input, p.InputRead>>20, p.InputSize>>20, p.Rows, rate(p.Rows, p.Elapsed)/1e6)
	case "classifying":
		done, total = int64(p.Classified), int64(p.Conversations)
		detail = fmt.Sprintf("%d/%d conversations", p.Classified, p.Conversations)
	default:
		fmt.Fprintf(b.w, "\r\033[K%-11s %s", p.Phase, p.Elapsed.Round(time.Second))
		b.end(p)
		return
	}
	const width = 30
	fill := 0
	if total > 0 {
		fill = int(min(done, total) * width / total)
	}
	fmt.Fprintf(b.w, "\r\033[K%-11s [%s%s] %s  %s", p.Phase, strings.Repeat("=", fill), strings.Repeat(" ", width-fill),
		detail, p.Elapsed.Round(time.Second))
	b.end(p)
}

// end ends the line after a phase's last report, so that log lines that
// follow start on a line of their own.
func (b *progressBar) end(p pipeline.Progress) {
	if p.Final {
		fmt.Fprintln(b.w)
		b.drawn, b.ended = false, p.Phase+"\x00"+p.Input
	}
}
