package output

import "github.com/nhsdigital/gp2gp/internal/spine"

// transferRow is one row of transfers.parquet (SPEC §5, schema v4) as
// parquet-go maps it: fields in column order, each a pointer or a list of
// pointers so that every column and every list element is OPTIONAL, as the
// reference wrote them.
type transferRow struct {
	ConversationID         *string       `parquet:"conversation_id,optional"`
	SLADuration            *uint64       `parquet:"sla_duration,optional"`
	RequestingASID         *string       `parquet:"requesting_practice_asid,optional,dict"`
	SendingASID            *string       `parquet:"sending_practice_asid,optional,dict"`
	RequestingSupplier     *string       `parquet:"requesting_supplier,optional,dict"`
	SendingSupplier        *string       `parquet:"sending_supplier,optional,dict"`
	SenderErrorCodes       []*int64      `parquet:"sender_error_codes,optional,list" parquet-element:",optional"`
	FinalErrorCodes        []*int64      `parquet:"final_error_codes,optional,list" parquet-element:",optional"`
	IntermediateErrorCodes []*int64      `parquet:"intermediate_error_codes,optional,list" parquet-element:",optional"`
	Status                 *spine.Status `parquet:"status,optional,dict"`
	FailureReason          *string       `parquet:"failure_reason,optional,dict"`
	DateRequested          *spine.Time   `parquet:"date_requested,optional,timestamp(microsecond:local)"`
	DateCompleted          *spine.Time   `parquet:"date_completed,optional,timestamp(microsecond:local)"`
}

// rowBuilder converts transfers to rows. The rows point into the transfers
// they were built from and into the builder's own buffers, so they are valid
// only until the next call to build and while the transfers are unchanged.
type rowBuilder struct {
	rows []transferRow
	slas []uint64
	ptrs []*int64 // backing array of the three lists of every row
}

// build returns the rows of ts, reusing the builder's buffers.
func (b *rowBuilder) build(ts []spine.Transfer) []transferRow {
	b.rows = resize(b.rows, len(ts))
	b.slas = resize(b.slas, len(ts))
	n := 0
	for i := range ts {
		t := &ts[i]
		n += len(t.SenderErrorCodes) + len(t.FinalErrorCodes) + len(t.IntermediateErrorCodes)
	}
	b.ptrs = resize(b.ptrs, n)
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
		r.RequestingSupplier = nullString(&t.RequestingSupplier)
		r.SendingSupplier = nullString(&t.SendingSupplier)
		if t.FailureReason != "" {
			r.FailureReason = &t.FailureReason
		}
		if t.HasDateCompleted {
			r.DateCompleted = &t.DateCompleted
		}

		start := len(ptrs)
		for j := range t.SenderErrorCodes {
			ptrs = append(ptrs, errorCode(&t.SenderErrorCodes[j]))
		}
		r.SenderErrorCodes = ptrs[start:len(ptrs):len(ptrs)]
		start = len(ptrs)
		for j := range t.FinalErrorCodes {
			ptrs = append(ptrs, errorCode(&t.FinalErrorCodes[j]))
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

// nullString points at s's string, or is nil when s is null.
func nullString(s *spine.NullString) *string {
	if !s.Valid {
		return nil
	}
	return &s.String
}

// errorCode points at c's code, or is nil for "no error".
func errorCode(c *spine.ErrorCode) *int64 {
	if !c.Valid {
		return nil
	}
	return &c.Code
}

// resize returns s with length n, reallocating only when it is too short.
func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
