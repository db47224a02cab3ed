package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/nhsdigital/gp2gp/internal/pipeline"
	"github.com/nhsdigital/gp2gp/internal/synth"
)

// benchAnchor is the anchor of the benchmark months: metric month December 2019.
var benchAnchor = time.Date(2020, 1, 15, 0, 0, 0, 0, time.UTC)

func benchCmd(ctx context.Context, c *invocation, args []string) (int, error) {
	fs := newFlagSet("bench [flags]", "Generates synthetic months once (cached in --dir), then times 'gp2gp run' on each as a\nseparate process against the floor: only decompressing the same logs with the same\ngzip library. Prints wall time, the run/floor ratio, rows/s, MB/s and peak RSS.", c)
	dir := fs.String("dir", "gp2gp-bench", "directory caching the generated months and the outputs")
	sizes := fs.String("conversations", "100000,1000000", "comma-separated month sizes, in conversations")
	huge := fs.Bool("huge", false, "also time a 5,000,000-conversation month (55.8 M rows, 4 GB gzipped; see docs/performance.md)")
	bin := fs.String("gp2gp", "", "gp2gp binary to time (default: this one)")
	repeat := fs.Int("repeat", 1, "time the floor and the run this many times each, alternately, and report the medians\n(on a shared machine, where one timing can be off by 20%)")
	year := fs.Bool("classify-year", false, "also time 'gp2gp classify' on a year-long window of daily files with cutoff 14\n(twelve generated months of 170,000 conversations: 2 M conversations, 380 files, ~1 GB gzipped)")
	cutoff := fs.Int("cutoff-days", 14, "the runs' CONVERSATION_CUTOFF_DAYS; 0 for none (a run's default), with which\nno partition can be classified during the read")
	if err := fs.parse(args); err != nil {
		return 0, err
	}
	var ns []int
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return 0, usagef("--conversations %q: want positive integers separated by commas", *sizes)
		}
		ns = append(ns, n)
	}
	if *repeat < 1 {
		return 0, usagef("--repeat %d: want at least 1", *repeat)
	}
	if *cutoff < 0 {
		return 0, usagef("--cutoff-days %d: want 0 or more", *cutoff)
	}
	if *huge {
		ns = append(ns, 5_000_000)
	}
	exe := *bin
	if exe == "" {
		var err error
		if exe, err = os.Executable(); err != nil {
			return 0, fmt.Errorf("find gp2gp binary: %w", err)
		}
	}
	root, err := filepath.Abs(*dir)
	if err != nil {
		return 0, err
	}
	var results []benchResult
	for _, n := range ns {
		m := benchMonth{dir: filepath.Join(root, strconv.Itoa(n)), conversations: n, cutoffDays: *cutoff}
		if err := m.ensure(ctx, c); err != nil {
			return 0, err
		}
		r, err := m.time(ctx, c, exe, *repeat)
		if err != nil {
			return 0, err
		}
		results = append(results, r)
	}
	if *year {
		y := benchYear{dir: filepath.Join(root, "classify-year"), perMonth: 170_000}
		if err := y.ensure(ctx, c); err != nil {
			return 0, err
		}
		r, err := y.time(ctx, c, exe, *repeat)
		if err != nil {
			return 0, err
		}
		results = append(results, r)
	}
	writeBenchTable(c.stdout, results)
	return ExitOK, nil
}

// benchMonth is one cached synthetic month.
type benchMonth struct {
	dir           string
	conversations int
	cutoffDays    int // the runs' CONVERSATION_CUTOFF_DAYS
}

func (m benchMonth) spine() string  { return filepath.Join(m.dir, "spine") }
func (m benchMonth) org() string    { return filepath.Join(m.dir, "org") }
func (m benchMonth) output() string { return filepath.Join(m.dir, "output") }
func (m benchMonth) logs() []string {
	l := pipeline.NewLayout(benchAnchor)
	return []string{filepath.Join(m.spine(), l.MetricLogKey()), filepath.Join(m.spine(), l.OverflowLogKey())}
}

// ensure generates the month unless an earlier bench completed it.
func (m benchMonth) ensure(ctx context.Context, c *invocation) error {
	done := filepath.Join(m.dir, "generated")
	if _, err := os.Stat(done); err == nil {
		return nil
	}
	c.log.Info("generating synthetic month (once)", "conversations", m.conversations, "dir", m.dir)
	cfg := pipeline.Config{SpineBucket: m.spine(), OrganisationBucket: m.org()}
	gen := synth.Config{Seed: 1, Conversations: m.conversations, Year: 2019, Month: 12}
	if err := generate(ctx, gen, cfg, pipeline.NewLayout(benchAnchor), nil); err != nil {
		return err
	}
	return os.WriteFile(done, nil, 0o644)
}

// time times the floor and the run alternately, rounds times each, and
// returns the medians: the run's wall time, the floor and their ratio, each
// the median of its own (so the ratio is of a floor and a run timed one
// after the other); the peak RSS is the largest.
func (m benchMonth) time(ctx context.Context, c *invocation, exe string, rounds int) (benchResult, error) {
	var res benchResult
	var floors, walls, cpus, ratios []float64
	for i := range rounds {
		c.log.Info("timing the floor", "conversations", m.conversations, "round", i+1)
		floor, csvBytes, err := m.floor()
		if err != nil {
			return res, err
		}
		c.log.Info("timing gp2gp run", "conversations", m.conversations, "round", i+1)
		r, err := m.run(ctx, exe)
		if err != nil {
			return res, err
		}
		c.log.Info("timed", "conversations", m.conversations, "round", i+1, "floor_s", floor.Seconds(),
			"run_s", r.wall.Seconds(), "ratio", r.wall.Seconds()/floor.Seconds())
		floors = append(floors, floor.Seconds())
		walls = append(walls, r.wall.Seconds())
		cpus = append(cpus, r.cpu.Seconds())
		ratios = append(ratios, r.wall.Seconds()/floor.Seconds())
		r.maxRSS = max(r.maxRSS, res.maxRSS)
		res, res.csvBytes = r, csvBytes
	}
	if lo, hi, noisy := floorSpread(floors); noisy {
		c.log.Warn("the rounds' floors disagree, so the ratios are unreliable: the machine is busy, or the month too small to time",
			"conversations", m.conversations, "floor_min_s", lo, "floor_max_s", hi)
	}
	res.floor = seconds(median(floors))
	res.wall = seconds(median(walls))
	res.cpu = seconds(median(cpus))
	res.ratioMin, res.ratioMax = slices.Min(ratios), slices.Max(ratios)
	res.ratio = median(ratios)
	return res, nil
}

// noisyFloor is how much the slowest floor of a bench may exceed the
// fastest before the bench warns: decompressing the same bytes varies by a
// few per cent on a quiet machine, much more when neighbours are busy.
const noisyFloor = 1.15

// floorSpread returns the fastest and slowest floors, and whether they are
// further apart than noisyFloor allows.
func floorSpread(floors []float64) (lo, hi float64, noisy bool) {
	lo, hi = slices.Min(floors), slices.Max(floors)
	return lo, hi, hi > noisyFloor*lo
}

// median returns the middle of xs (the mean of the two middle ones for an
// even count); it sorts xs.
func median(xs []float64) float64 {
	slices.Sort(xs)
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// floor decompresses the logs as fast as the gzip library can, discarding
// the CSV, and returns the time it took and the CSV bytes.
func (m benchMonth) floor() (time.Duration, int64, error) {
	start := time.Now()
	var total int64
	for _, p := range m.logs() {
		f, err := os.Open(p)
		if err != nil {
			return 0, 0, err
		}
		zr, err := gzip.NewReader(bufio.NewReaderSize(f, 256<<10)) // as the run reads

		if err != nil {
			f.Close()
			return 0, 0, fmt.Errorf("%s: %w", p, err)
		}
		n, err := io.Copy(io.Discard, zr)
		f.Close()
		if err != nil {
			return 0, 0, fmt.Errorf("%s: %w", p, err)
		}
		total += n
	}
	return time.Since(start), total, nil
}

// benchResult is one row of the table.
type benchResult struct {
	conversations      int
	rows               int
	gzBytes, csvBytes  int64
	floor, wall        time.Duration
	cpu                time.Duration // the run's user + system CPU time
	ratio              float64       // wall/floor, or the median of several
	ratioMin, ratioMax float64       // the lowest and highest of the rounds' ratios
	maxRSS             int64         // bytes
	gnuFloor           time.Duration // GNU gzip -dc's time, the median, if measured
}

// run times 'gp2gp run' on the month as a child process.
func (m benchMonth) run(ctx context.Context, exe string) (benchResult, error) {
	r := benchResult{conversations: m.conversations}
	for _, p := range m.logs() {
		st, err := os.Stat(p)
		if err != nil {
			return r, err
		}
		r.gzBytes += st.Size()
	}
	cmd := exec.CommandContext(ctx, exe, "run") // as a user runs it, report included
	cmd.Env = append(os.Environ(),
		"INPUT_SPINE_DATA_BUCKET="+m.spine(),
		"ORGANISATION_METADATA_BUCKET="+m.org(),
		"OUTPUT_TRANSFER_DATA_BUCKET="+m.output(),
		"DATE_ANCHOR="+benchAnchor.Format(time.RFC3339),
		"CONVERSATION_CUTOFF_DAYS="+strconv.Itoa(m.cutoffDays),
		"GP2GP_PROGRESS=off",
	)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	r.wall = time.Since(start)
	if err != nil {
		return r, fmt.Errorf("gp2gp run on %s: %w\n%s", m.dir, err, stderr.String())
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.maxRSS = int64(ru.Maxrss) * 1024 // kilobytes on Linux
		r.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	l := pipeline.NewLayout(benchAnchor)
	b, err := os.ReadFile(filepath.Join(m.output(), l.OutputKey(pipeline.RunSummaryFile)))
	if err != nil {
		return r, err
	}
	var sum pipeline.Summary
	if err := json.Unmarshal(b, &sum); err != nil {
		return r, fmt.Errorf("read run summary: %w", err)
	}
	r.rows = sum.RowsRead
	return r, nil
}

func writeBenchTable(w io.Writer, rs []benchResult) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "conversations\trows\tgzip MB\tCSV MB\tfloor s\trun s\trun CPU s\trun/floor\tmin–max\trows/s\tCSV MB/s\tpeak RSS MiB\t")
	for _, r := range rs {
		secs := r.wall.Seconds()
		fmt.Fprintf(tw, "%d\t%d\t%.0f\t%.0f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f–%.2f\t%.2fM\t%.0f\t%.0f\t\n",
			r.conversations, r.rows, float64(r.gzBytes)/1e6, float64(r.csvBytes)/1e6,
			r.floor.Seconds(), secs, r.cpu.Seconds(), r.ratio, r.ratioMin, r.ratioMax, float64(r.rows)/secs/1e6,
			float64(r.csvBytes)/1e6/secs, float64(r.maxRSS)/(1<<20))
	}
	tw.Flush()
	for _, r := range rs {
		if r.gnuFloor > 0 {
			fmt.Fprintf(w, "%d conversations: GNU gzip -dc of the same files took %.2f s; run/that %.2f\n",
				r.conversations, r.gnuFloor.Seconds(), r.wall.Seconds()/r.gnuFloor.Seconds())
		}
	}
}
