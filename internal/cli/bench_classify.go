package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/nhsdigital/gp2gp/internal/classifyrun"
	"github.com/nhsdigital/gp2gp/internal/synth"
)

// benchYear is the cached year of daily files for timing gp2gp classify:
// twelve synthetic months, December 2019 to November 2020, split into the
// daily files of a year-long window with cutoff 14 and its overflow days,
// with each month's v5 metadata.
type benchYear struct {
	dir      string
	perMonth int // conversations generated per month
}

const benchYearCutoff = 14

var (
	benchYearStart = time.Date(2019, 12, 1, 0, 0, 0, 0, time.UTC)
	benchYearEnd   = time.Date(2020, 12, 1, 0, 0, 0, 0, time.UTC)
)

func (y benchYear) window() classifyrun.Window {
	return classifyrun.ExplicitWindow(benchYearStart, benchYearEnd, benchYearCutoff)
}

func (y benchYear) files() []string {
	w := y.window()
	var out []string
	for _, d := range append(append([]time.Time(nil), w.Days...), w.Overflow...) {
		out = append(out, filepath.Join(y.dir, "spine", filepath.FromSlash(classifyrun.SpineKey(d))))
	}
	return out
}

// ensure generates the year unless an earlier bench completed it.
func (y benchYear) ensure(ctx context.Context, c *invocation) error {
	done := filepath.Join(y.dir, "generated")
	if _, err := os.Stat(done); err == nil {
		return nil
	}
	c.log.Info("generating a synthetic year of daily files (once)", "conversations_per_month", y.perMonth, "dir", y.dir)
	var prevOverflow []byte
	for k := range 13 {
		if err := ctx.Err(); err != nil {
			return err
		}
		m := benchYearStart.AddDate(0, k, 0)
		last := m.AddDate(0, 1, 0)
		if k == 12 { // only the overflow days
			last = m.AddDate(0, 0, benchYearCutoff)
		}
		var days []time.Time
		for d := m; d.Before(last); d = d.Add(classifyrun.Day) {
			days = append(days, d)
		}
		var logs [][]byte
		if prevOverflow != nil {
			logs = append(logs, prevOverflow)
		}
		if k < 12 {
			var metric, overflow, org bytes.Buffer
			cfg := synth.Config{Seed: int64(k + 1), Conversations: y.perMonth, Year: m.Year(), Month: int(m.Month())}
			if _, err := synth.Generate(cfg, &metric, &overflow, &org, nil); err != nil {
				return fmt.Errorf("generate %s: %w", m.Format("2006-01"), err)
			}
			logs = append(logs, metric.Bytes())
			prevOverflow = overflow.Bytes()
			v5, err := v5Metadata(org.Bytes(), m)
			if err != nil {
				return err
			}
			if err := writeBenchFile(filepath.Join(y.dir, "ods", filepath.FromSlash(classifyrun.ODSKey(classifyrun.MonthOf(m)))), v5); err != nil {
				return err
			}
		}
		if err := y.splitDaily(days, logs); err != nil {
			return err
		}
	}
	// Hand the generator's memory back: a child's peak RSS as the kernel
	// reports it starts from this process's size when it forks.
	debug.FreeOSMemory()
	return os.WriteFile(done, nil, 0o644)
}

// splitDaily writes the daily files of days from the rows of the gzipped
// logs, each row by the date it is written with (the generator writes UTC).
func (y benchYear) splitDaily(days []time.Time, logs [][]byte) error {
	const header = `"_time",conversationID,GUID,interactionID,messageSender,messageRecipient,messageRef,jdiEvent,toSystem,fromSystem` + "\n"
	byDay := map[string]*bytes.Buffer{}
	for _, d := range days {
		byDay[d.Format(time.DateOnly)] = bytes.NewBufferString(header)
	}
	for _, l := range logs {
		zr, err := gzip.NewReader(bytes.NewReader(l))
		if err != nil {
			return err
		}
		sc := bufio.NewScanner(zr)
		sc.Buffer(nil, 1<<20)
		sc.Scan() // the header
		for sc.Scan() {
			line := sc.Bytes()
			if len(line) < 11 {
				continue
			}
			if b := byDay[string(line[1:11])]; b != nil {
				b.Write(line)
				b.WriteByte('\n')
			}
		}
		if err := sc.Err(); err != nil {
			return err
		}
	}
	for _, d := range days {
		var gz bytes.Buffer
		zw := gzip.NewWriter(&gz)
		if _, err := zw.Write(byDay[d.Format(time.DateOnly)].Bytes()); err != nil {
			return err
		}
		if err := zw.Close(); err != nil {
			return err
		}
		if err := writeBenchFile(filepath.Join(y.dir, "spine", filepath.FromSlash(classifyrun.SpineKey(d))), gz.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// v5Metadata turns the generator's v2 organisation metadata into v5 for month m.
func v5Metadata(v2 []byte, m time.Time) ([]byte, error) {
	var in struct {
		GeneratedOn string            `json:"generated_on"`
		Practices   []json.RawMessage `json:"practices"`
		CCGs        []json.RawMessage `json:"ccgs"`
	}
	if err := json.Unmarshal(v2, &in); err != nil {
		return nil, fmt.Errorf("generated organisation metadata: %w", err)
	}
	return json.Marshal(map[string]any{"generated_on": in.GeneratedOn, "year": m.Year(), "month": int(m.Month()),
		"practices": in.Practices, "sicbls": in.CCGs})
}

func writeBenchFile(p string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, b, 0o644)
}

// time times the floor (decompressing every file read, with the run's gzip
// library) and gp2gp classify, alternately, rounds times each; as
// benchMonth.time.
func (y benchYear) time(ctx context.Context, c *invocation, exe string, rounds int) (benchResult, error) {
	var res benchResult
	var floors, walls, cpus, ratios, gnuFloors []float64
	for i := range rounds {
		c.log.Info("timing the floor", "case", "classify year", "round", i+1)
		start := time.Now()
		var csv int64
		for _, p := range y.files() {
			f, err := os.Open(p)
			if err != nil {
				return res, err
			}
			zr, err := gzip.NewReader(bufio.NewReaderSize(f, 256<<10))
			if err == nil {
				var n int64
				n, err = io.Copy(io.Discard, zr)
				csv += n
			}
			f.Close()
			if err != nil {
				return res, fmt.Errorf("%s: %w", p, err)
			}
		}
		floor := time.Since(start)
		if gnu, ok, err := y.gnuFloor(ctx); err != nil {
			return res, err
		} else if ok {
			gnuFloors = append(gnuFloors, gnu.Seconds())
		}
		c.log.Info("timing gp2gp classify", "round", i+1)
		r, err := y.run(ctx, exe)
		if err != nil {
			return res, err
		}
		r.csvBytes = csv
		floors = append(floors, floor.Seconds())
		walls = append(walls, r.wall.Seconds())
		cpus = append(cpus, r.cpu.Seconds())
		ratios = append(ratios, r.wall.Seconds()/floor.Seconds())
		r.maxRSS = max(r.maxRSS, res.maxRSS)
		res = r
	}
	res.floor, res.wall, res.cpu = seconds(median(floors)), seconds(median(walls)), seconds(median(cpus))
	res.ratioMin, res.ratioMax = minMax(ratios)
	res.ratio = median(ratios)
	if len(gnuFloors) > 0 {
		res.gnuFloor = seconds(median(gnuFloors))
	}
	return res, nil
}

// gnuFloor times GNU gzip decompressing every file read, to nowhere, if
// gzip is on the PATH: the floor as the "only gunzip" reads
// literally, slower than the gzip library's.
func (y benchYear) gnuFloor(ctx context.Context) (time.Duration, bool, error) {
	gzip, err := exec.LookPath("gzip")
	if err != nil {
		return 0, false, nil
	}
	cmd := exec.CommandContext(ctx, gzip, append([]string{"-dc"}, y.files()...)...)
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return 0, false, fmt.Errorf("gzip -dc the year's files: %w", err)
	}
	return time.Since(start), true, nil
}

func minMax(xs []float64) (lo, hi float64) {
	lo, hi = xs[0], xs[0]
	for _, x := range xs {
		lo, hi = min(lo, x), max(hi, x)
	}
	return lo, hi
}

// run times gp2gp classify on the year as a child process.
func (y benchYear) run(ctx context.Context, exe string) (benchResult, error) {
	var r benchResult
	for _, p := range y.files() {
		st, err := os.Stat(p)
		if err != nil {
			return r, err
		}
		r.gzBytes += st.Size()
	}
	out := filepath.Join(y.dir, "output")
	cmd := exec.CommandContext(ctx, exe, "classify", "--json")
	cmd.Env = append(os.Environ(),
		"INPUT_SPINE_DATA_BUCKET="+filepath.Join(y.dir, "spine"),
		"INPUT_ODS_METADATA_BUCKET="+filepath.Join(y.dir, "ods"),
		"OUTPUT_TRANSFER_DATA_BUCKET="+out,
		"BUILD_TAG=bench",
		"START_DATETIME="+benchYearStart.Format(time.RFC3339),
		"END_DATETIME="+benchYearEnd.Format(time.RFC3339),
		"CONVERSATION_CUTOFF_DAYS="+strconv.Itoa(benchYearCutoff),
	)
	var stdout bytes.Buffer
	var stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	r.wall = time.Since(start)
	if err != nil {
		return r, fmt.Errorf("gp2gp classify on %s: %w\n%s", y.dir, err, stderr.String())
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.maxRSS = int64(ru.Maxrss) * 1024
		r.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	var sum classifyrun.Summary
	if err := json.Unmarshal(stdout.Bytes(), &sum); err != nil {
		return r, fmt.Errorf("read classify summary: %w", err)
	}
	r.rows, r.conversations = sum.RowsRead, sum.Conversations
	return r, nil
}
