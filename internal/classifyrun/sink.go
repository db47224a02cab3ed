package classifyrun

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"

	"github.com/nhsdigital/gp2gp/internal/output"
	"github.com/nhsdigital/gp2gp/internal/spine"
)

// daySink collects each window day's transfers, in the order added (first
// seen), until the day is encoded: in memory, or for a large window in a
// temporary file, so that memory holds one day's transfers at a time.
type daySink interface {
	add(day int, t *output.V11Transfer) error
	// take returns day i's transfers and forgets them. Once the last
	// transfer is added, take may be called for different days at once.
	take(i int) ([]output.V11Transfer, error)
	close()
}

type memSink struct {
	tables  [][]output.V11Transfer
	largest int                  // the most transfers of a day so far: a day starts with room for as many
	spare   []output.V11Transfer // an encoded day's, for a day to come (see encoded)
}

func newMemSink(days int) *memSink { return &memSink{tables: make([][]output.V11Transfer, days)} }

func (s *memSink) add(day int, t *output.V11Transfer) error {
	if s.tables[day] == nil {
		want := s.largest + s.largest/8
		if cap(s.spare) >= want {
			s.tables[day], s.spare = s.spare, nil
		} else {
			s.tables[day] = make([]output.V11Transfer, 0, want)
		}
	}
	s.tables[day] = append(s.tables[day], *t)
	s.largest = max(s.largest, len(s.tables[day]))
	return nil
}

func (s *memSink) take(i int) ([]output.V11Transfer, error) {
	t := s.tables[i]
	s.tables[i] = nil
	return t, nil
}

// encoded takes back a day's transfers, taken and encoded, for a day to
// come. Only one goroutine may take and give back.
func (s *memSink) encoded(t []output.V11Transfer) {
	clear(t) // not to keep the transfers alive
	s.spare = t[:0]
}

func (s *memSink) close() {}

// fileSink keeps each day's transfers encoded (see appendTransfer), each
// record preceded by its length; when the days' pending records reach
// pendingLimit bytes, it appends each day's to one temporary file as a
// chunk, so that a day is read back in a few reads.
type fileSink struct {
	f       *os.File
	off     int64
	pending [][]byte  // by day: records not yet written
	size    int       // bytes pending
	chunks  [][]chunk // by day, in order written
	buf     []byte    // add's
	closed  bool
}

type chunk struct {
	off int64
	n   int
}

// pendingLimit is how many bytes of encoded transfers are held before
// they are written out (a variable: tests make it small).
const pendingLimit = 16 << 20

func newFileSink(dir string, days int) (*fileSink, error) {
	f, err := os.CreateTemp(dir, "transfers-*")
	if err != nil {
		return nil, fmt.Errorf("spill transfers: %w", err)
	}
	return &fileSink{f: f, pending: make([][]byte, days), chunks: make([][]chunk, days)}, nil
}

func (s *fileSink) add(day int, t *output.V11Transfer) error {
	s.buf = appendTransfer(s.buf[:0], t)
	before := len(s.pending[day])
	p := binary.AppendUvarint(s.pending[day], uint64(len(s.buf)))
	s.pending[day] = append(p, s.buf...)
	s.size += len(s.pending[day]) - before
	if s.size < pendingLimit {
		return nil
	}
	for d, p := range s.pending {
		if len(p) == 0 {
			continue
		}
		if _, err := s.f.Write(p); err != nil {
			return fmt.Errorf("spill transfers: %w", err)
		}
		s.chunks[d] = append(s.chunks[d], chunk{s.off, len(p)})
		s.off += int64(len(p))
		s.pending[d] = nil // not p[:0]: a day's records come together, and every day keeping its largest buffer would add up
	}
	s.size = 0
	return nil
}

func (s *fileSink) take(i int) ([]output.V11Transfer, error) {
	n := len(s.pending[i])
	for _, c := range s.chunks[i] {
		n += c.n
	}
	data := make([]byte, 0, n)
	for _, c := range s.chunks[i] {
		data = data[:len(data)+c.n]
		if _, err := s.f.ReadAt(data[len(data)-c.n:], c.off); err != nil {
			return nil, fmt.Errorf("read spilled transfers: %w", err)
		}
	}
	data = append(data, s.pending[i]...)
	s.chunks[i], s.pending[i] = nil, nil
	var out []output.V11Transfer
	for len(data) > 0 {
		m, k := binary.Uvarint(data)
		if k <= 0 || m > uint64(len(data)-k) {
			return nil, fmt.Errorf("read spilled transfers: %w", errCorrupt)
		}
		t, err := decodeTransfer(data[k : k+int(m)])
		if err != nil {
			return nil, fmt.Errorf("read spilled transfers: %w", err)
		}
		out = append(out, t)
		data = data[k+int(m):]
	}
	return out, nil
}

func (s *fileSink) close() {
	if !s.closed {
		s.closed = true
		s.f.Close()
		os.Remove(s.f.Name())
	}
}

// Flags of an encoded transfer.
const (
	fHasSLA = 1 << iota
	fHasCompleted
	fHasLastSender
	fReqSupplier
	fSndSupplier
	fReqKnown
	fReqInSICBL
	fSndKnown
	fSndInSICBL
)

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendCodes(b []byte, cs []spine.ErrorCode) []byte {
	b = binary.AppendUvarint(b, uint64(len(cs)))
	for _, c := range cs {
		if c.Valid {
			b = append(b, 1)
			b = binary.AppendVarint(b, c.Code)
		} else {
			b = append(b, 0)
		}
	}
	return b
}

// appendTransfer encodes t: every field, so that decodeTransfer gives it back.
func appendTransfer(b []byte, t *output.V11Transfer) []byte {
	var flags uint64
	set := func(f uint64, ok bool) {
		if ok {
			flags |= f
		}
	}
	set(fHasSLA, t.HasSLA)
	set(fHasCompleted, t.HasDateCompleted)
	set(fHasLastSender, t.HasLastSender)
	set(fReqSupplier, t.RequestingSupplier.Valid)
	set(fSndSupplier, t.SendingSupplier.Valid)
	set(fReqKnown, t.Requesting.Known)
	set(fReqInSICBL, t.Requesting.InSICBL)
	set(fSndKnown, t.Sending.Known)
	set(fSndInSICBL, t.Sending.InSICBL)
	b = binary.AppendUvarint(b, flags)
	b = binary.AppendVarint(b, int64(t.SLA))
	b = binary.AppendVarint(b, int64(t.DateRequested))
	b = binary.AppendVarint(b, int64(t.DateCompleted))
	b = binary.AppendVarint(b, int64(t.LastSenderMessage))
	for _, s := range []string{t.ConversationID, t.RequestingASID, t.SendingASID, t.RequestingSupplier.String, t.SendingSupplier.String,
		string(t.Status), t.FailureReason,
		t.Requesting.ASID, t.Requesting.ODSCode, t.Requesting.Name, t.Requesting.SICBLCode, t.Requesting.SICBLName,
		t.Sending.ASID, t.Sending.ODSCode, t.Sending.Name, t.Sending.SICBLCode, t.Sending.SICBLName} {
		b = appendString(b, s)
	}
	b = appendCodes(b, t.SenderErrorCodes)
	b = appendCodes(b, t.FinalErrorCodes)
	b = binary.AppendUvarint(b, uint64(len(t.IntermediateErrorCodes)))
	for _, c := range t.IntermediateErrorCodes {
		b = binary.AppendVarint(b, c)
	}
	return b
}

var errCorrupt = errors.New("corrupt record")

type decoder struct {
	b   []byte
	err error
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err, d.b = errCorrupt, nil
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err, d.b = errCorrupt, nil
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) string() string {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.err, d.b = errCorrupt, nil
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *decoder) codes() []spine.ErrorCode {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.err, d.b = errCorrupt, nil
		return nil
	}
	cs := make([]spine.ErrorCode, n)
	for i := range cs {
		if len(d.b) == 0 {
			d.err = errCorrupt
			return nil
		}
		valid := d.b[0] == 1
		d.b = d.b[1:]
		if valid {
			cs[i] = spine.Code(d.varint())
		}
	}
	return cs
}

// decodeTransfer is appendTransfer's inverse.
func decodeTransfer(b []byte) (output.V11Transfer, error) {
	d := &decoder{b: b}
	flags := d.uvarint()
	has := func(f uint64) bool { return flags&f != 0 }
	t := &spine.Transfer{
		SLA: spine.Time(d.varint()), HasSLA: has(fHasSLA),
		DateRequested: spine.Time(d.varint()),
		DateCompleted: spine.Time(d.varint()), HasDateCompleted: has(fHasCompleted),
	}
	v := output.V11Transfer{Transfer: t, LastSenderMessage: spine.Time(d.varint()), HasLastSender: has(fHasLastSender)}
	t.ConversationID, t.RequestingASID, t.SendingASID = d.string(), d.string(), d.string()
	t.RequestingSupplier = spine.NullString{String: d.string(), Valid: has(fReqSupplier)}
	t.SendingSupplier = spine.NullString{String: d.string(), Valid: has(fSndSupplier)}
	t.Status, t.FailureReason = spine.Status(d.string()), d.string()
	v.Requesting = &output.V11Practice{ASID: d.string(), ODSCode: d.string(), Name: d.string(), SICBLCode: d.string(), SICBLName: d.string(),
		Known: has(fReqKnown), InSICBL: has(fReqInSICBL)}
	v.Sending = &output.V11Practice{ASID: d.string(), ODSCode: d.string(), Name: d.string(), SICBLCode: d.string(), SICBLName: d.string(),
		Known: has(fSndKnown), InSICBL: has(fSndInSICBL)}
	t.SenderErrorCodes, t.FinalErrorCodes = d.codes(), d.codes()
	if n := d.uvarint(); n > 0 && n <= uint64(len(d.b)) {
		t.IntermediateErrorCodes = make([]int64, n)
		for i := range t.IntermediateErrorCodes {
			t.IntermediateErrorCodes[i] = d.varint()
		}
	} else if n > uint64(len(d.b)) {
		d.err = errCorrupt
	}
	if d.err == nil && len(d.b) != 0 {
		d.err = errCorrupt
	}
	if d.err != nil {
		return output.V11Transfer{}, d.err
	}
	return v, nil
}
