package synth

// id is a 128-bit identifier, written as an uppercase GUID.
type id [16]byte

// row is one Spine message waiting to be written. Times are milliseconds
// since the Unix epoch, UTC.
type row struct {
	t         int64 // the logged time (_time)
	conv      id
	guid      id
	ref       id
	sender    int32 // index into the ASID table
	recipient int32
	jdi       int32 // error code; noError for NONE
	inter     uint8 // index into interactions
	hasRef    bool
	noSys     bool // toSystem and fromSystem empty
}

const noError = -1

// item orders a row in the queue: by key (the position in the log, usually
// its time), then by insertion, so equal times keep the order they were
// generated in.
type item struct {
	key int64
	seq uint32
	idx uint32
}

func (a item) less(b item) bool {
	if a.key != b.key {
		return a.key < b.key
	}
	return a.seq < b.seq
}

// queue is a min-heap of rows that are generated but not yet written. Rows
// live in a slab recycled through a free list, so memory is proportional to
// the rows pending, not to the rows generated.
type queue struct {
	heap []item
	slab []row
	free []uint32
	seq  uint32
	peak int // the most rows queued at once
}

func (q *queue) len() int { return len(q.heap) }

func (q *queue) push(r row, key int64) {
	var idx uint32
	if n := len(q.free); n > 0 {
		idx = q.free[n-1]
		q.free = q.free[:n-1]
		q.slab[idx] = r
	} else {
		idx = uint32(len(q.slab))
		q.slab = append(q.slab, r)
	}
	q.seq++
	q.heap = append(q.heap, item{key: key, seq: q.seq, idx: idx})
	h := q.heap
	q.peak = max(q.peak, len(h))
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !h[i].less(h[p]) {
			break
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

// minKey returns the smallest key; the queue must not be empty.
func (q *queue) minKey() int64 { return q.heap[0].key }

// pop removes the first row and returns a pointer to it, valid until the next
// push.
func (q *queue) pop() *row {
	h := q.heap
	top := h[0]
	n := len(h) - 1
	h[0] = h[n]
	h = h[:n]
	q.heap = h
	i := 0
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		m := l
		if r := l + 1; r < n && h[r].less(h[l]) {
			m = r
		}
		if !h[m].less(h[i]) {
			break
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
	q.free = append(q.free, top.idx)
	return &q.slab[top.idx]
}
