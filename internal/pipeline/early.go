package pipeline

import (
	"fmt"

	"github.com/nhsdigital/gp2gp/internal/spine"
)

// Early classification: with a cutoff, a run classifies some partitions
// while it is still reading the logs, with the time the parser would
// otherwise spend waiting for the decompressor, instead of after the read,
// when the run waits for it on both cores.
//
// A conversation's messages later than the cutoff after its first are
// dropped (SPEC §4.2). Partitions hold conversations in first-seen order,
// so once the log has moved past the latest first-seen time of partitions
// 0..k by more than the cutoff, every row still to come of their
// conversations will be dropped, if the log is in time order from there
// on. Partition k can then be classified from the rows it has: the rows it
// gets later are all cut off and change nothing else.
//
// Spine logs are only mostly in time order, so that is checked, not
// assumed. A partition is finalized only once the log is earlySlack past
// its bound (its first-seen time + the cutoff), and every row of a
// finalized partition that arrives later must be later than the bound,
// which proves it is dropped: the conversation's first message is no later
// than its first-seen row. Those rows are counted as cut off. Any other
// row ends the speculation: what was classified early is discarded and the
// run classifies every partition after the read, as without it. The rows
// are in the spill files either way.
//
// The work is done on the reading goroutine, a partition at a time, when
// the decompressor has not produced the next block yet (spinelog's
// SetIdle), never by a goroutine of its own: on two cores a third busy
// goroutine would take turns with the decompressor, which sets the pace of
// the read, and slow it by as much as it saves. The reader's read-ahead
// absorbs what the decompressor produces meanwhile.
type early struct {
	ps     *partitions
	opt    spine.Options
	emit   func(*classified) error
	eager  bool         // classify each partition as soon as it is final (tests)
	hi     spine.Time   // the latest row time so far
	first  spine.Time   // the latest first-seen time of the finalized partitions
	bounds []spine.Time // by finalized partition: its later rows must be later
	late   []int        // by finalized partition: rows that came after it was finalized
	jobs   []earlyJob   // finalized partitions not yet classified, in order
	failed bool         // a row disproved the speculation

	d       decoder
	ts      []spine.Transfer // the last partition's transfers, reused
	emitted int              // partitions classified and emitted: 0..emitted-1
	err     error
}

// earlySlack is how far past a partition's bound the log must be before
// the partition is finalized: rows logged up to this much out of time
// order (Splunk exports have them minutes late) cost nothing.
const earlySlack = spine.Day

// earlyJob is a finalized partition to classify from its file's first size
// bytes, once the spill writer has closed written.
type earlyJob struct {
	k       int
	size    int64
	written <-chan struct{}
	strs    []string // the interned values so far
}

// startEarly prepares to classify the partitions of ps early, in order,
// passing each result to emit. ps must spill, and opt have a cutoff. The
// reader calls idle when it waits; if eager, partitions are classified as
// soon as they are final instead.
func startEarly(ps *partitions, opt spine.Options, eager bool, emit func(*classified) error) *early {
	e := &early{ps: ps, opt: opt, emit: emit, eager: eager, hi: minTime, first: minTime}
	ps.early = e
	return e
}

// observe checks a row of partition k at time t, added by the reader, and
// finalizes the partitions the log has moved far enough past.
func (e *early) observe(k int, t spine.Time) error {
	e.hi = max(e.hi, t)
	if k < len(e.bounds) {
		if t > e.bounds[k] {
			e.late[k]++
		} else {
			e.failed = true
		}
		return nil
	}
	ps := e.ps
	// Partition k is full once a later one exists.
	for len(e.bounds) < len(ps.parts)-1 && !e.failed {
		k := len(e.bounds)
		first := max(e.first, ps.parts[k].first)
		if e.hi-earlySlack <= first+e.opt.Cutoff {
			break
		}
		if err := ps.flush(k); err != nil {
			return err
		}
		e.first = first
		e.bounds = append(e.bounds, first+e.opt.Cutoff)
		e.late = append(e.late, 0)
		e.jobs = append(e.jobs, earlyJob{k: k, size: ps.parts[k].spilled, written: ps.spill.barrier(), strs: ps.strs.values})
	}
	for e.eager && len(e.jobs) > 0 && e.err == nil && !e.failed {
		e.step(true)
	}
	return e.err
}

// idle classifies the next finalized partition, if its file is written.
func (e *early) idle() { e.step(false) }

// step classifies and emits the next finalized partition, waiting for its
// file to be written if wait is set, else only if it is.
func (e *early) step(wait bool) {
	if len(e.jobs) == 0 || e.err != nil || e.failed {
		return
	}
	j := e.jobs[0]
	if wait {
		<-j.written
	} else {
		select {
		case <-j.written:
		default:
			return
		}
	}
	e.jobs = e.jobs[1:]
	if err := e.ps.spill.failed(); err != nil {
		e.err = err
		return
	}
	data, err := readFileInto(partitionFile(e.ps.dir, j.k), j.size, e.d.data)
	if err != nil {
		e.err = fmt.Errorf("read spilled partition: %w", err)
		return
	}
	e.d.data, e.d.strs = data, j.strs
	c := classifyRecords(j.k, data, &e.d, e.opt, e.ts)
	if c.err == nil {
		c.err = e.emit(c)
	}
	if c.err != nil {
		e.err = c.err
		return
	}
	clear(c.transfers) // drop the references to the partition's strings
	e.ts = c.transfers[:0]
	e.emitted++
}

// end returns how many partitions were emitted (0..emitted-1) and the rows
// of theirs that came after they were finalized, all cut off. If a row
// disproved the speculation, what was emitted must be discarded. It is
// called once the reader is done.
func (e *early) end() (emitted, late int, disproved bool, err error) {
	if e.err != nil {
		return 0, 0, false, e.err
	}
	if e.failed {
		return 0, 0, true, nil
	}
	for _, n := range e.late[:e.emitted] {
		late += n
	}
	return e.emitted, late, false, nil
}
