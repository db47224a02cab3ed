package classifyrun

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nhsdigital/gp2gp/internal/convstore"
	"github.com/nhsdigital/gp2gp/internal/output"
	"github.com/nhsdigital/gp2gp/internal/spine"
)

// Classifying while reading (docs/classify.md, "A year in one run"): with
// a cutoff, a run classifies each partition of conversations as soon as
// the store reports it final — no row still to come can change it — and
// encodes each window day's table as soon as the store has settled past
// the day's end — no conversation still to classify can be requested on
// it — while the later files are still being read. The store forgets the
// rows it hands over, so a run holds about the cutoff's worth of rows and
// of transfers, however long the window.
//
// The reading goroutine adds the rows and takes the final partitions
// (convstore.Store.Take); one goroutine of the stream's decodes and
// classifies them, in order, and another encodes the settled days. After
// the read, the partitions never final are classified as without
// streaming, and the days not yet encoded are encoded.
//
// The store checks that the files are in time order enough for that. If a
// row disproves it, or the rows held in memory pass a limit (files far out
// of time order), what was done is dropped and the run reads the files
// again without classifying during the read (errRestart).

// streamPartitionSize is how many conversations a partition holds when
// classifying while reading: a quarter of convstore's default, so that
// decoding a partition (its records, grouped by conversation, and their
// GUIDs) works within a core's L2 cache rather than L3's. The default is
// larger for a spilled store, which keeps a file a partition; streaming
// holds its rows in memory.
const streamPartitionSize = convstore.DefaultPartitionSize / 4

// DefaultHeldLimit is the memory of rows (compact records) above which a
// run stops classifying during the read and starts over without.
const DefaultHeldLimit = 256 << 20

// errRestart says why a run stopped classifying during the read.
type errRestart struct{ reason string }

func (e *errRestart) Error() string { return "cannot classify while reading: " + e.reason }

var errDisproved = &errRestart{"a row came more than a day out of time order"}

// stream is the classification of a window during its read.
type stream struct {
	st      *convstore.Store
	heldMax int64
	batches chan streamBatch
	quit    chan struct{} // closed when the worker stops
	err     error         // the worker's, once quit is closed

	w streamWorker // the worker's until quit is closed
}

type streamBatch struct {
	b       convstore.Batch
	settled spine.Time // the store's Settled once b was taken
}

// streamWorker classifies the taken partitions and encodes settled days.
type streamWorker struct {
	cfg      *Config
	opt      spine.Options
	lookups  []*lookup
	sum      *Summary
	sink     *memSink
	tables   *tables
	encoded  int       // days 0..encoded-1 are encoded, or handed to enc
	convDays [][]int32 // by taken partition: each conversation's window day, or -1
	enc      *encoder
}

// dayEnd is the end of window day i.
func (w *streamWorker) dayEnd(i int) spine.Time {
	return w.opt.WindowStart + spine.Time(i+1)*spine.Time(Day/time.Microsecond)
}

// startStream starts the worker of a read into st. The worker adds to sum
// (which the caller must not touch until end returns) and encodes days into
// t.
func startStream(ctx context.Context, st *convstore.Store, cfg *Config, lookups []*lookup, sum *Summary, t *tables, heldMax int64) *stream {
	opt := cfg.Options()
	s := &stream{
		st: st, heldMax: heldMax,
		batches: make(chan streamBatch, 4),
		quit:    make(chan struct{}),
		w: streamWorker{
			cfg: cfg, opt: opt, lookups: lookups, sum: sum, tables: t,
			sink: newMemSink(len(cfg.Window.Days)),
		},
	}
	go func() {
		s.err = s.w.run(ctx, st.NewReader(), s.batches)
		close(s.quit)
	}()
	return s
}

// added is called after each row is added: it hands the partitions that
// became final to the worker, and says if the run must start over.
func (s *stream) added(ctx context.Context) error {
	st := s.st
	if st.Disproved() {
		return errDisproved
	}
	for st.Taken() < st.Final() {
		b, err := st.Take()
		if err != nil {
			return err
		}
		select {
		case s.batches <- streamBatch{b, st.Settled()}:
		case <-s.quit: // failed
			return s.err
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if st.Held() > s.heldMax {
		return &errRestart{fmt.Sprintf("the rows not yet final passed %d MiB (files far out of time order?)", s.heldMax>>20)}
	}
	return nil
}

// end waits for the worker to classify what it was given, once the read
// is over (or failed), and returns its state. It is called once.
func (s *stream) end() (*streamWorker, error) {
	close(s.batches)
	<-s.quit
	if s.err != nil {
		return nil, s.err
	}
	if s.st.Disproved() {
		return nil, errDisproved
	}
	return &s.w, nil
}

func (w *streamWorker) run(ctx context.Context, r *convstore.Reader, batches <-chan streamBatch) (err error) {
	w.enc = startEncoder(w.tables)
	defer func() {
		if eerr := w.enc.stop(); err == nil {
			err = eerr
		}
	}()
	var c classifier
	for sb := range batches {
		select {
		case ts := <-w.enc.spare: // an encoded day's, for a day to come
			w.sink.encoded(ts)
		default:
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := r.Decode(sb.b)
		if err != nil {
			return err
		}
		p := c.partition(r, n, w.opt, w.lookups)
		if err := w.add(p); err != nil {
			return err
		}
		c.spare = p // its transfers are in the sink
		for w.encoded < len(w.cfg.Window.Days) && w.dayEnd(w.encoded) <= sb.settled {
			if err := w.encode(w.encoded); err != nil {
				return err
			}
		}
	}
	return nil
}

// add adds a classified partition's transfers and counts.
func (w *streamWorker) add(p *partition) error {
	if p.err != nil {
		return p.err
	}
	w.convDays = append(w.convDays, p.convDays)
	w.sum.addPartition(p)
	for j := range p.transfers {
		if p.days[j] < w.encoded { // a bug: the store's Settled was wrong
			return fmt.Errorf("internal error: a transfer of %s, whose table is already encoded", w.cfg.Window.Days[p.days[j]].Format(time.DateOnly))
		}
		if err := w.sink.add(p.days[j], &p.transfers[j]); err != nil {
			return err
		}
	}
	return nil
}

// encode hands day i's table to the encoder.
func (w *streamWorker) encode(i int) error {
	ts, _ := w.sink.take(i)
	select {
	case w.enc.days <- dayTable{i, ts}:
	case <-w.enc.done: // failed
		return w.enc.err
	}
	w.encoded++
	return nil
}

// encoder encodes the settled days' tables on a goroutine of its own, so
// that encoding a day (a third of the worker's time) overlaps classifying
// the partitions after it: when the last files settle many partitions at
// once, the worker would otherwise keep one core busy and leave the
// other idle.
type encoder struct {
	days  chan dayTable
	spare chan []output.V11Transfer // an encoded day's transfers, for reuse
	done  chan struct{}             // closed when the goroutine stops
	err   error                     // its error, once done is closed
}

type dayTable struct {
	i  int
	ts []output.V11Transfer
}

func startEncoder(t *tables) *encoder {
	e := &encoder{days: make(chan dayTable, 2), spare: make(chan []output.V11Transfer, 1), done: make(chan struct{})}
	go func() {
		defer close(e.done)
		for d := range e.days {
			if e.err = t.encode(d.i, d.ts); e.err != nil {
				return
			}
			select {
			case e.spare <- d.ts:
			default:
			}
		}
	}()
	return e
}

// stop waits for the days handed over to be encoded, and returns the
// first error.
func (e *encoder) stop() error {
	close(e.days)
	<-e.done
	return e.err
}

// lateRows counts the rows of the taken partitions that came after they
// were final, all cut off, among the messages: in total, and each day's
// whose transfer's conversation they are of.
func (w *streamWorker) lateRows(st *convstore.Store) {
	cutOff := spine.CutOff.String()
	w.sum.Messages[cutOff] += st.Late(st.Taken())
	for k := range st.Taken() {
		for _, c := range st.LateConversations(k) {
			if d := w.convDays[k][c]; d >= 0 {
				w.sum.Days[d].Messages[cutOff]++
			}
		}
	}
}

// isRestart reports whether err asks the run to start over without
// classifying during the read.
func isRestart(err error) bool {
	_, ok := errors.AsType[*errRestart](err)
	return ok
}
