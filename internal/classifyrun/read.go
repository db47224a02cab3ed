package classifyrun

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path"
	"time"

	"github.com/nhsdigital/gp2gp/internal/convstore"
	"github.com/nhsdigital/gp2gp/internal/spine"
	"github.com/nhsdigital/gp2gp/internal/spinelog"
	"github.com/nhsdigital/gp2gp/internal/store"
)

// reading is the read and classification of a run's files.
type reading struct {
	ctx     context.Context
	b       *store.Bucket
	files   []time.Time
	cfg     *Config
	lookups []*lookup
	sum     *Summary
	tables  *tables
	dir     string // a temporary directory
	log     *slog.Logger
	ahead   *fileQueue // the files, if opened before the read began
	gzBytes int64      // the files' compressed size
}

// storeOptions are the options of a run's store.
func (r *reading) storeOptions(dir string, partitionSize int, cutoff spine.Time) convstore.Options {
	return convstore.Options{Dir: dir, PartitionSize: partitionSize, Cutoff: cutoff,
		Conversations: convstore.ConversationsIn(r.gzBytes)}
}

// streaming reads the files and classifies each partition as soon as it is
// final, encoding each day's table as soon as it is settled (see
// stream.go). It fails with an errRestart if the files do not allow it.
func (r *reading) streaming(heldMax int64) error {
	cfg := r.cfg
	st := convstore.New(r.storeOptions("", orDefault(cfg.PartitionSize, streamPartitionSize), cfg.Options().Cutoff))
	defer st.Close()
	s := startStream(r.ctx, st, cfg, r.lookups, r.sum, r.tables, heldMax)
	var inputs []InputSummary
	readErr := r.eachFile(func(l *dailyLog) error {
		in, err := readFile(r.ctx, l, st, s.added)
		if err == nil {
			inputs = append(inputs, in)
		}
		return err
	})
	if readErr == nil {
		readErr = st.Finish()
	}
	w, err := s.end()
	if readErr != nil {
		return readErr
	}
	if err != nil {
		return err
	}
	for _, in := range inputs {
		r.sum.addInput(in)
	}
	w.lateRows(st)
	r.sum.ConversationsClassifiedWhileReading, r.sum.DaysEncodedWhileReading = r.sum.Conversations, w.encoded
	r.log.Info("classified while reading", "conversations", r.sum.Conversations, "days", w.encoded, "partitions_left", st.Partitions()-st.Taken())
	if err := classify(r.ctx, st, st.Taken(), cfg, r.lookups, r.sum, w.sink); err != nil {
		return err
	}
	st.Close()
	if err := r.tables.encodeDays(w.sink, w.encoded); err != nil {
		return err
	}
	r.sum.ClassifiedWhileReading = true
	return nil
}

// thenClassify reads every file, spilling the rows to disk if the files
// are larger than the threshold, then classifies them.
func (r *reading) thenClassify() error {
	cfg := r.cfg
	spill := cfg.SpillThreshold < 0 || r.gzBytes > orDefault(cfg.SpillThreshold, DefaultSpillThreshold)
	dir := ""
	if spill {
		dir = r.dir
	}
	r.sum.Spilled = spill
	st := convstore.New(r.storeOptions(dir, cfg.PartitionSize, 0))
	defer st.Close()
	err := r.eachFile(func(l *dailyLog) error {
		in, err := readFile(r.ctx, l, st, nil)
		if err == nil {
			r.sum.addInput(in)
		}
		return err
	})
	if err != nil {
		return err
	}
	if err := st.Finish(); err != nil {
		return err
	}

	// Classify, and sort the transfers into their days.
	var sink daySink = newMemSink(len(cfg.Window.Days))
	if spill {
		fs, err := newFileSink(dir, len(cfg.Window.Days))
		if err != nil {
			return err
		}
		sink = fs
	}
	defer sink.close()
	if err := classify(r.ctx, st, 0, cfg, r.lookups, r.sum, sink); err != nil {
		return err
	}
	st.Close() // its memory or files are no longer needed
	return r.tables.encodeDays(sink, 0)
}

// dailyLog is a daily file opened for reading: its decompression starts
// as it is opened.
type dailyLog struct {
	url  string
	body io.ReadCloser
	lr   *spinelog.Reader
	err  error
}

func openLog(ctx context.Context, b *store.Bucket, key string) *dailyLog {
	l := &dailyLog{url: b.URL(key)}
	if l.body, l.err = b.NewReader(ctx, key); l.err != nil {
		l.err = fmt.Errorf("daily Spine file: %w", l.err)
		return l
	}
	if l.lr, l.err = spinelog.NewReader(l.body, path.Base(key)); l.err != nil {
		l.err = fmt.Errorf("daily Spine file %s: %w", l.url, l.err)
	}
	return l
}

func (l *dailyLog) close() {
	if l.lr != nil {
		l.lr.Close()
	}
	if l.body != nil {
		l.body.Close()
	}
}

// readAhead is how many files are opened ahead of the one being read.
// A daily file decompresses whole into its read-ahead (spinelog), so one
// file ahead leaves the decompressor nothing to do once both are done:
// while the parser is held up (a rehash of the conversation index, a
// burst of classifying), a core would then sit idle.
const readAhead = 3

// fileQueue opens files in order, up to readAhead ahead of the one taken
// last: their decompression proceeds while that one's rows are parsed.
type fileQueue struct {
	ctx    context.Context
	b      *store.Bucket
	files  []time.Time
	next   int                // files[next] is the next to open
	opened []<-chan *dailyLog // opened, not yet taken
}

// openFiles starts opening the first files.
func openFiles(ctx context.Context, b *store.Bucket, files []time.Time) *fileQueue {
	q := &fileQueue{ctx: ctx, b: b, files: files}
	q.fill()
	return q
}

// fill opens files until readAhead+1 are opened and not taken.
func (q *fileQueue) fill() {
	for ; q.next < len(q.files) && len(q.opened) <= readAhead; q.next++ {
		ch := make(chan *dailyLog, 1)
		go func(d time.Time) { ch <- openLog(q.ctx, q.b, SpineKey(d)) }(q.files[q.next])
		q.opened = append(q.opened, ch)
	}
}

// take returns the next file, opened or with its error; the caller closes
// it. It must be called once a file.
func (q *fileQueue) take() *dailyLog {
	l := <-q.opened[0]
	q.opened = q.opened[1:]
	q.fill()
	return l
}

// close closes the files opened and not taken.
func (q *fileQueue) close() {
	for _, ch := range q.opened {
		(<-ch).close()
	}
	q.opened = nil
}

// eachFile calls read with each file in turn, from r.ahead if the run
// started opening them already.
func (r *reading) eachFile(read func(*dailyLog) error) error {
	q := r.ahead
	r.ahead = nil // a second read (errRestart) opens them again
	if q == nil {
		q = openFiles(r.ctx, r.b, r.files)
	}
	defer q.close()
	for range r.files {
		l := q.take()
		r.log.Info("reading", "object", l.url)
		err := l.err
		if err == nil {
			err = read(l)
		}
		l.close()
		if err != nil {
			return err
		}
	}
	return nil
}

// readFile streams one daily file into st, counting its rows; rejected
// rows are skipped and counted. If added is set, it is called after each
// row is added.
func readFile(ctx context.Context, l *dailyLog, st *convstore.Store, added func(context.Context) error) (InputSummary, error) {
	in := InputSummary{Object: l.url}
	lr := l.lr
	var row spinelog.Row
	for n := 0; ; n++ {
		if err := lr.ReadRow(&row); err != nil {
			if err == io.EOF {
				break
			}
			if _, ok := errors.AsType[*spinelog.ParseError](err); ok {
				continue
			}
			return in, fmt.Errorf("daily Spine file %s: %w", l.url, err)
		}
		if err := st.Add(&row); err != nil {
			return in, err
		}
		if added != nil {
			if err := added(ctx); err != nil {
				return in, err
			}
		}
		if n%4096 == 0 && ctx.Err() != nil {
			return in, ctx.Err()
		}
	}
	if err := ctx.Err(); err != nil {
		return in, err
	}
	s := lr.Stats()
	in.RowsRead, in.RowsAccepted, in.RowsRejected = int(s.Records), int(s.Accepted), int(s.Rejected)
	return in, nil
}
