package output

import (
	"io"

	"github.com/parquet-go/parquet-go"

	"github.com/nhsdigital/gp2gp/internal/spine"
)

// This file keeps the writer's former implementation, which built a
// transferRow of pointers per transfer and let GenericWriter.Write shred the
// rows into columns by reflection. TransferWriter must write the same bytes
// for the same calls (TestTransferWriterMatchesReference).

// refTransferWriter is the former TransferWriter.
type refTransferWriter struct {
	pw *parquet.GenericWriter[transferRow]
	b  refRowBuilder
}

// newRefTransferWriter returns the former TransferWriter, with the options
// of newTransferWriter.
func newRefTransferWriter(w io.Writer, maxRows, pageSize int) *refTransferWriter {
	pw := parquet.NewGenericWriter[transferRow](w, writerOptions(maxRows, pageSize)...)
	return &refTransferWriter{pw: pw}
}

func (tw *refTransferWriter) Write(transfers []spine.Transfer) error {
	for len(transfers) > 0 {
		n := min(len(transfers), batchSize)
		if _, err := tw.pw.Write(tw.b.build(transfers[:n])); err != nil {
			return err
		}
		transfers = transfers[n:]
	}
	return nil
}

func (tw *refTransferWriter) Close() error { return tw.pw.Close() }

// refRowBuilder converts transfers to rows, as the former rowBuilder did.
type refRowBuilder struct {
	rows []transferRow
	slas []uint64
	ptrs []*int64 // backing array of the three lists of every row
}

func (b *refRowBuilder) build(ts []spine.Transfer) []transferRow {
	b.rows = refResize(b.rows, len(ts))
	b.slas = refResize(b.slas, len(ts))
	n := 0
	for i := range ts {
		t := &ts[i]
		n += len(t.SenderErrorCodes) + len(t.FinalErrorCodes) + len(t.IntermediateErrorCodes)
	}
	b.ptrs = refResize(b.ptrs, n)
	ptrs := b.ptrs[:0]

	for i := range ts {
		t, r := &ts[i], &b.rows[i]
		*r = transferRow{
			ConversationID: &t.ConversationID,
			RequestingASID: &t.RequestingASID,
			SendingASID:    &t.SendingASID,
			Status:         &t.Status,
			DateRequested:  &t.DateRequested,
		}
		if secs, ok := t.SLASeconds(); ok {
			b.slas[i] = secs
			r.SLADuration = &b.slas[i]
		}
		r.RequestingSupplier = refNullString(&t.RequestingSupplier)
		r.SendingSupplier = refNullString(&t.SendingSupplier)
		if t.FailureReason != "" {
			r.FailureReason = &t.FailureReason
		}
		if t.HasDateCompleted {
			r.DateCompleted = &t.DateCompleted
		}

		start := len(ptrs)
		for j := range t.SenderErrorCodes {
			ptrs = append(ptrs, refErrorCode(&t.SenderErrorCodes[j]))
		}
		r.SenderErrorCodes = ptrs[start:len(ptrs):len(ptrs)]
		start = len(ptrs)
		for j := range t.FinalErrorCodes {
			ptrs = append(ptrs, refErrorCode(&t.FinalErrorCodes[j]))
		}
		r.FinalErrorCodes = ptrs[start:len(ptrs):len(ptrs)]
		start = len(ptrs)
		for j := range t.IntermediateErrorCodes {
			ptrs = append(ptrs, &t.IntermediateErrorCodes[j])
		}
		r.IntermediateErrorCodes = ptrs[start:len(ptrs):len(ptrs)]
	}
	return b.rows
}

func refNullString(s *spine.NullString) *string {
	if !s.Valid {
		return nil
	}
	return &s.String
}

func refErrorCode(c *spine.ErrorCode) *int64 {
	if !c.Valid {
		return nil
	}
	return &c.Code
}

func refResize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
