package classifyrun

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nhsdigital/gp2gp/internal/golden"
	"github.com/nhsdigital/gp2gp/internal/spine"
	"github.com/nhsdigital/gp2gp/internal/synth"
)

// TestStreamStartsOver: a request logged two weeks late, after its day's
// table was encoded while reading, makes the run read the files again and
// classify after the read; its tables and accounts are those of a run
// that never classified while reading, and the late request is in its
// day's table.
func TestStreamStartsOver(t *testing.T) {
	month := generate(t, synth.Config{Seed: 3, Conversations: 600})
	w := ExplicitWindow(day("2019-12-01"), day("2020-01-01"), 3)
	spineIn, ods := t.TempDir(), t.TempDir()
	splitDaily(t, spineIn, append(append([]time.Time(nil), w.Days...), w.Overflow...), month.metric, month.overflow)
	writeFile(t, ods, ODSKey(Month{2019, 12}), v5Of(t, month.org, Month{2019, 12}))
	const lateID = "0F0E0D0C-0B0A-0908-0706-050403020100"
	key := SpineKey(day("2019-12-20"))
	zr, err := gzip.NewReader(bytes.NewReader(readAllFile(t, filepath.Join(spineIn, key))))
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	body = append(body, `"2019-12-05T12:00:00.000+0000","`+lateID+`","`+lateID+`","`+spine.RequestStartedID+`",111111111111,222222222222,,NONE,EMIS,EMIS`+"\n"...)
	writeFile(t, spineIn, key, gz(t, body))

	classify := func(o options, log *slog.Logger) (string, *Summary) {
		out := t.TempDir()
		sum, err := run(context.Background(), Config{SpineBucket: spineIn, ODSBucket: ods, OutputBucket: out, BuildTag: "t",
			Window: w, CutoffDays: 3, PartitionSize: 50, TempDir: t.TempDir(), Log: log}, o)
		if err != nil {
			t.Fatal(err)
		}
		return out, sum
	}
	var logs bytes.Buffer
	streamed, ssum := classify(options{}, slog.New(slog.NewTextHandler(&logs, nil)))
	after, sum := classify(options{noStream: true}, nil)
	if ssum.ClassifiedWhileReading || !strings.Contains(logs.String(), "reading the files again") {
		t.Errorf("classified while reading %v; the log says:\n%s", ssum.ClassifiedWhileReading, logs.String())
	}
	for _, d := range w.Days {
		k := filepath.FromSlash(OutputKey(3, d))
		if !bytes.Equal(readAllFile(t, filepath.Join(streamed, k)), readAllFile(t, filepath.Join(after, k))) {
			t.Errorf("%s: the table differs from one classified after the read", k)
		}
	}
	if diff := cmp.Diff(accounting(sum), accounting(ssum)); diff != "" {
		t.Errorf("accounts differently (-after the read +started over):\n%s", diff)
	}
	v, err := readV11(filepath.Join(streamed, filepath.FromSlash(OutputKey(3, day("2019-12-05")))))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, id := range v.Columns["conversation_id"] {
		found = found || id == lateID
	}
	if !found {
		t.Error("the late request is not in its day's table")
	}
}

// TestStreamGolden runs the reference's classify cases with a cutoff
// classifying while reading, in partitions of one to three conversations,
// so that nearly every one is taken from the store during the read: every
// table and every count is what classifying after the read gives (which
// the CLI's golden test compares with the reference's tables).
func TestStreamGolden(t *testing.T) {
	for _, gc := range golden.Cases(t, golden.Classify) {
		var cc struct {
			Runs []struct {
				Name string            `json:"name"`
				Env  map[string]string `json:"env"`
			} `json:"runs"`
		}
		gc.Decode(t, &cc)
		for _, r := range cc.Runs {
			cutoff, _ := strconv.Atoi(r.Env["CONVERSATION_CUTOFF_DAYS"])
			if cutoff == 0 || r.Env["START_DATETIME"] == "" {
				continue // nothing is final before the end without a cutoff
			}
			t.Run(gc.Name+"/"+r.Name, func(t *testing.T) {
				start, err1 := time.Parse(time.RFC3339, r.Env["START_DATETIME"])
				end, err2 := time.Parse(time.RFC3339, r.Env["END_DATETIME"])
				if err := errors.Join(err1, err2); err != nil {
					t.Fatal(err)
				}
				cfg := Config{SpineBucket: gc.Path(t, r.Env["INPUT_SPINE_DATA_BUCKET"]), ODSBucket: gc.Path(t, r.Env["INPUT_ODS_METADATA_BUCKET"]),
					BuildTag: "t", Window: ExplicitWindow(start, end, cutoff), CutoffDays: cutoff, UK07CoreEHR: true}
				classify := func(o options, partition int) (string, *Summary) {
					c := cfg
					c.OutputBucket, c.TempDir, c.PartitionSize = t.TempDir(), t.TempDir(), partition
					sum, err := run(context.Background(), c, o)
					if err != nil {
						t.Fatal(err)
					}
					return c.OutputBucket, sum
				}
				after, sum := classify(options{noStream: true}, 0)
				for _, size := range []int{1, 2, 3} {
					out, ssum := classify(options{}, size)
					if !ssum.ClassifiedWhileReading || ssum.ConversationsClassifiedWhileReading == 0 {
						t.Errorf("partitions of %d: nothing classified while reading", size)
					}
					for _, d := range cfg.Window.Days {
						k := filepath.FromSlash(OutputKey(cutoff, d))
						if !bytes.Equal(readAllFile(t, filepath.Join(out, k)), readAllFile(t, filepath.Join(after, k))) {
							t.Errorf("partitions of %d: %s differs from the table classified after the read", size, k)
						}
					}
					if diff := cmp.Diff(accounting(sum), accounting(ssum)); diff != "" {
						t.Errorf("partitions of %d: accounts differently (-after the read +while reading):\n%s", size, diff)
					}
				}
			})
		}
	}
}

// cancelOn is a log handler that cancels a run's context at the nth
// message saying msg.
type cancelOn struct {
	slog.Handler
	msg    string
	n      *int
	cancel context.CancelFunc
}

func (h cancelOn) Enabled(context.Context, slog.Level) bool { return true }

func (h cancelOn) Handle(ctx context.Context, r slog.Record) error {
	if r.Message == h.msg {
		if *h.n--; *h.n == 0 {
			h.cancel()
		}
	}
	return nil
}

// TestRunCancelled: a run cancelled while reading, classifying while it
// reads or not, returns the context's error promptly and writes nothing.
func TestRunCancelled(t *testing.T) {
	month := generate(t, synth.Config{Seed: 5, Conversations: 600})
	w := ExplicitWindow(day("2019-12-01"), day("2020-01-01"), 3)
	spineIn, ods := t.TempDir(), t.TempDir()
	splitDaily(t, spineIn, append(append([]time.Time(nil), w.Days...), w.Overflow...), month.metric, month.overflow)
	writeFile(t, ods, ODSKey(Month{2019, 12}), v5Of(t, month.org, Month{2019, 12}))
	for _, o := range []options{{}, {noStream: true}} {
		ctx, cancel := context.WithCancel(context.Background())
		n := 20 // the twentieth file
		log := slog.New(cancelOn{Handler: slog.DiscardHandler, msg: "reading", n: &n, cancel: cancel})
		out := t.TempDir()
		sum, err := run(ctx, Config{SpineBucket: spineIn, ODSBucket: ods, OutputBucket: out, BuildTag: "t",
			Window: w, CutoffDays: 3, PartitionSize: 20, TempDir: t.TempDir(), Log: log}, o)
		cancel()
		if !errors.Is(err, context.Canceled) || sum != nil {
			t.Errorf("%+v: %v, summary %v; want context.Canceled and none", o, err, sum != nil)
		}
		filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				t.Errorf("%+v: written: %s", o, p)
			}
			return nil
		})
	}
}

// TestStreamWriteFails: a table that cannot be staged while the files are
// still being read (its encoder fails) stops the read, fails the run
// naming the table, and leaves nothing written, open or running.
func TestStreamWriteFails(t *testing.T) {
	month := generate(t, synth.Config{Seed: 7, Conversations: 600})
	w := ExplicitWindow(day("2019-12-01"), day("2020-01-01"), 3)
	files := append(append([]time.Time(nil), w.Days...), w.Overflow...)
	spineIn, ods := t.TempDir(), t.TempDir()
	splitDaily(t, spineIn, files, month.metric, month.overflow)
	writeFile(t, ods, ODSKey(Month{2019, 12}), v5Of(t, month.org, Month{2019, 12}))
	out := t.TempDir()
	// The day's folder is a file: its table cannot be staged.
	blocker := "v11/cutoff-3/2019/12/05"
	writeFile(t, out, blocker, []byte("x"))
	var logs bytes.Buffer
	before, fds := runtime.NumGoroutine(), openFDs(t)
	_, err := run(context.Background(), Config{SpineBucket: spineIn, ODSBucket: ods, OutputBucket: out, BuildTag: "t",
		Window: w, CutoffDays: 3, PartitionSize: 20, TempDir: t.TempDir(), Log: slog.New(slog.NewTextHandler(&logs, nil))}, options{})
	if err == nil || !strings.Contains(err.Error(), "2019/12/05") {
		t.Fatalf("error %v, want the failed write's, naming 2019/12/05", err)
	}
	if n := strings.Count(logs.String(), "msg=reading"); n >= len(files) {
		t.Errorf("%d of %d files read: the table failed after the read, not during it", n, len(files))
	}
	filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && p != filepath.Join(out, filepath.FromSlash(blocker)) {
			t.Errorf("left: %s", p)
		}
		return nil
	})
	noneLeftOpen(t, before, fds)
}
