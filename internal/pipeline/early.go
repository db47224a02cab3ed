package pipeline

import (
	"github.com/nhsdigital/gp2gp/internal/convstore"
	"github.com/nhsdigital/gp2gp/internal/spine"
	"github.com/nhsdigital/gp2gp/internal/spinelog"
)

// Early classification: with a cutoff, a run classifies the partitions the
// store reports final (see convstore.Store.Final: no row still to come can
// change them) while it is still reading the logs, with the time the
// parser would otherwise spend waiting for the decompressor, instead of
// after the read, when the run waits for it on both cores.
//
// The store checks, rather than assumes, that the logs are in time order
// enough. If a row disproves the finality of what was classified early,
// that is discarded and the run classifies every partition after the
// read, as without it.
//
// The work is done on the reading goroutine, a partition at a time, when
// the decompressor has not produced the next block yet (spinelog's
// SetIdle), never by a goroutine of its own: on two cores a third busy
// goroutine would take turns with the decompressor, which sets the pace of
// the read, and slow it by as much as it saves. The reader's read-ahead
// absorbs what the decompressor produces meanwhile.
type early struct {
	st      *convstore.Store
	r       *convstore.Reader
	opt     spine.Options
	emit    func(*classified) error
	eager   bool             // classify each partition as soon as it is final (tests)
	ts      []spine.Transfer // the last partition's transfers, reused
	emitted int              // partitions classified and emitted: 0..emitted-1
	err     error
}

// earlyMode is when a run with a cutoff, spilling, classifies partitions
// during the read.
type earlyMode int

const (
	earlyIdle  earlyMode = iota // while the reader waits for the decompressor: the default
	earlyOff                    // never
	earlyEager                  // each as soon as it is final: deterministic, for tests
)

// startEarly prepares to classify the final partitions of st, in order,
// passing each result to emit. st must have the cutoff of opt.
func startEarly(st *convstore.Store, opt spine.Options, eager bool, emit func(*classified) error) *early {
	return &early{st: st, r: st.NewReader(), opt: opt, emit: emit, eager: eager}
}

// watch makes lr classify a partition whenever it waits for the
// decompressor (unless e is eager, or nil).
func (e *early) watch(lr *spinelog.Reader) {
	if e != nil && !e.eager {
		lr.SetIdle(e.idle)
	}
}

// added is called after each row is added to the store: if e is eager, it
// classifies every partition final so far.
func (e *early) added() {
	if e != nil && e.eager {
		for e.step(true) {
		}
	}
}

// idle classifies the next final partition, if its rows are on disk.
func (e *early) idle() { e.step(false) }

// step classifies and emits the next final partition, if there is one and
// it is ready or wait is set, and reports whether it did.
func (e *early) step(wait bool) bool {
	k := e.emitted
	if e.err != nil || e.st.Disproved() || k >= e.st.Final() || !wait && !e.st.Ready(k) {
		return false
	}
	c := classifyPartition(e.r, k, e.opt, e.ts)
	if c.err == nil {
		c.err = e.emit(c)
	}
	if c.err != nil {
		e.err = c.err
		return false
	}
	clear(c.transfers) // drop the references to the partition's strings
	e.ts = c.transfers[:0]
	e.emitted++
	return true
}

// end returns how many partitions were emitted (0..emitted-1) and the rows
// of theirs that came after they were final, all cut off. If a row
// disproved their finality, what was emitted must be discarded. It is
// called once the reader is done.
func (e *early) end() (emitted, late int, disproved bool, err error) {
	if e.err != nil {
		return 0, 0, false, e.err
	}
	if e.st.Disproved() {
		return 0, 0, true, nil
	}
	return e.emitted, e.st.Late(e.emitted), false, nil
}
