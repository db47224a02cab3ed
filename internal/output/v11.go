package output

import (
	"fmt"
	"io"

	"github.com/parquet-go/parquet-go"

	"github.com/nhsdigital/gp2gp/internal/spine"
)

// V11Practice is one practice's columns of the v11 table: its ASID and,
// when the ODS metadata knows it (Known), its ODS code and name and, when
// a Sub-ICB location lists that code (InSICBL), the location's; the
// others are null.
type V11Practice struct {
	ASID                                string
	Known, InSICBL                      bool
	ODSCode, Name, SICBLCode, SICBLName string
}

// V11Transfer is one row of the v11 daily table (SPEC-SUCCESSOR §2): a
// transfer as the classifier decided it, its two practices enriched, and
// the time of the sending practice's last message.
type V11Transfer struct {
	*spine.Transfer
	Requesting, Sending V11Practice
	LastSenderMessage   spine.Time
	HasLastSender       bool
}

// v11Row defines the v11 table's schema (SPEC-SUCCESSOR §2.1): 22 columns
// in this order, every column and list element OPTIONAL, timestamps in
// microseconds without a zone (isAdjustedToUTC false: the UTC instant, as
// pyarrow stored the reference's aware times). The writer does not build
// v11Rows: it writes the leaf columns' values with their levels.
type v11Row struct {
	ConversationID             *string     `parquet:"conversation_id,optional"`
	SLADuration                *uint64     `parquet:"sla_duration,optional"`
	RequestingASID             *string     `parquet:"requesting_practice_asid,optional"`
	RequestingODSCode          *string     `parquet:"requesting_practice_ods_code,optional"`
	RequestingName             *string     `parquet:"requesting_practice_name,optional"`
	RequestingSICBLCode        *string     `parquet:"requesting_practice_sicbl_ods_code,optional"`
	RequestingSICBLName        *string     `parquet:"requesting_practice_sicbl_name,optional"`
	SendingASID                *string     `parquet:"sending_practice_asid,optional"`
	SendingODSCode             *string     `parquet:"sending_practice_ods_code,optional"`
	SendingName                *string     `parquet:"sending_practice_name,optional"`
	SendingSICBLCode           *string     `parquet:"sending_practice_sicbl_ods_code,optional"`
	SendingSICBLName           *string     `parquet:"sending_practice_sicbl_name,optional"`
	RequestingSupplier         *string     `parquet:"requesting_supplier,optional"`
	SendingSupplier            *string     `parquet:"sending_supplier,optional"`
	SenderErrorCodes           []*int64    `parquet:"sender_error_codes,optional,list" parquet-element:",optional"`
	FinalErrorCodes            []*int64    `parquet:"final_error_codes,optional,list" parquet-element:",optional"`
	IntermediateErrorCodes     []*int64    `parquet:"intermediate_error_codes,optional,list" parquet-element:",optional"`
	Status                     *string     `parquet:"status,optional"`
	FailureReason              *string     `parquet:"failure_reason,optional"`
	DateRequested              *spine.Time `parquet:"date_requested,optional,timestamp(microsecond:local)"`
	DateCompleted              *spine.Time `parquet:"date_completed,optional,timestamp(microsecond:local)"`
	LastSenderMessageTimestamp *spine.Time `parquet:"last_sender_message_timestamp,optional,timestamp(microsecond:local)"`
}

// V11Columns are the v11 table's column names, in order.
var V11Columns = func() []string {
	var names []string
	for _, f := range v11Schema.Fields() {
		names = append(names, f.Name())
	}
	return names
}()

var v11Schema = parquet.NewSchema("schema", parquet.SchemaOf(v11Row{}))

// v11Statuses and v11Reasons present the classifier's outcomes as the
// 2023 classifier spelled them (SPEC-SUCCESSOR §2.3): the same outcomes,
// other strings.
var v11Statuses = map[spine.Status]string{
	spine.IntegratedOnTime:    "Integrated on time",
	spine.TechnicalFailure:    "Technical failure",
	spine.ProcessFailure:      "Process failure",
	spine.UnclassifiedFailure: "Unclassified failure",
}

var v11Reasons = map[string]string{
	spine.ReasonIntegratedLate:           "Integrated late",
	spine.ReasonFinalError:               "Final error",
	spine.ReasonRequestNotAcknowledged:   "Request not acknowledged",
	spine.ReasonCoreExtractNotSent:       "Core extract not sent",
	spine.ReasonFatalSenderError:         "Contains fatal sender error",
	spine.ReasonCOPCNotAcknowledged:      "COPC(s) not acknowledged",
	spine.ReasonTransferredNotIntegrated: "Transferred, not integrated",
	spine.ReasonCOPCNotSent:              "COPC(s) not sent",
	spine.ReasonTransferredWithError:     "Transferred, not integrated, with error",
	spine.ReasonAmbiguousCOPC:            "Ambiguous COPC messages",
}

// V11Status is a status as the v11 table spells it.
func V11Status(s spine.Status) (string, error) {
	v, ok := v11Statuses[s]
	if !ok {
		return "", fmt.Errorf("no v11 spelling for status %q", s)
	}
	return v, nil
}

// V11Reason is a failure reason as the v11 table spells it; "" (none)
// stays "".
func V11Reason(r string) (string, error) {
	if r == "" {
		return "", nil
	}
	v, ok := v11Reasons[r]
	if !ok {
		return "", fmt.Errorf("no v11 spelling for failure reason %q", r)
	}
	return v, nil
}

// WriteV11 writes the transfers as one v11 daily table (zero rows is a
// valid table), in order, with pyarrow's defaults that matter to readers:
// snappy, one row group.
func WriteV11(w io.Writer, transfers []V11Transfer) error {
	pw := parquet.NewWriter(w, v11Schema, parquet.Compression(&parquet.Snappy),
		parquet.CreatedBy("parquet-go", parquetGoVersion, "unknown"))
	rows := make([]parquet.Row, 0, 64)
	flush := func() error {
		if _, err := pw.WriteRows(rows); err != nil {
			return fmt.Errorf("write v11 transfers: %w", err)
		}
		rows = rows[:0]
		return nil
	}
	for i := range transfers {
		row, err := v11RowOf(&transfers[i])
		if err != nil {
			return err
		}
		rows = append(rows, row)
		if len(rows) == cap(rows) {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	if err := pw.Close(); err != nil {
		return fmt.Errorf("write v11 transfers: %w", err)
	}
	return nil
}

// v11RowOf shreds one transfer into its leaf values, one leaf per column.
func v11RowOf(t *V11Transfer) (parquet.Row, error) {
	status, err := V11Status(t.Status)
	if err != nil {
		return nil, fmt.Errorf("conversation %s: %w", t.ConversationID, err)
	}
	reason, err := V11Reason(t.FailureReason)
	if err != nil {
		return nil, fmt.Errorf("conversation %s: %w", t.ConversationID, err)
	}
	row := make(parquet.Row, 0, 24)
	col := 0
	str := func(s string, valid bool) {
		if valid {
			row = append(row, parquet.ByteArrayValue([]byte(s)).Level(0, 1, col))
		} else {
			row = append(row, parquet.NullValue().Level(0, 0, col))
		}
		col++
	}
	ts := func(v spine.Time, valid bool) {
		if valid {
			row = append(row, parquet.Int64Value(int64(v)).Level(0, 1, col))
		} else {
			row = append(row, parquet.NullValue().Level(0, 0, col))
		}
		col++
	}
	list := func(n int, at func(int) (int64, bool)) {
		if n == 0 { // an empty list: defined, no element
			row = append(row, parquet.NullValue().Level(0, 1, col))
		}
		for i := range n {
			rep := 0
			if i > 0 {
				rep = 1
			}
			if v, ok := at(i); ok {
				row = append(row, parquet.Int64Value(v).Level(rep, 3, col))
			} else {
				row = append(row, parquet.NullValue().Level(rep, 2, col))
			}
		}
		col++
	}
	practice := func(p V11Practice) {
		str(p.ASID, true)
		str(p.ODSCode, p.Known)
		str(p.Name, p.Known)
		str(p.SICBLCode, p.Known && p.InSICBL)
		str(p.SICBLName, p.Known && p.InSICBL)
	}
	codes := func(cs []spine.ErrorCode) {
		list(len(cs), func(i int) (int64, bool) { return cs[i].Code, cs[i].Valid })
	}

	str(t.ConversationID, true)
	if secs, ok := t.SLASeconds(); ok {
		row = append(row, parquet.Int64Value(int64(secs)).Level(0, 1, col))
	} else {
		row = append(row, parquet.NullValue().Level(0, 0, col))
	}
	col++
	practice(t.Requesting)
	practice(t.Sending)
	str(t.RequestingSupplier.String, t.RequestingSupplier.Valid)
	str(t.SendingSupplier.String, t.SendingSupplier.Valid)
	codes(t.SenderErrorCodes)
	codes(t.FinalErrorCodes)
	ic := t.IntermediateErrorCodes
	list(len(ic), func(i int) (int64, bool) { return ic[i], true })
	str(status, true)
	str(reason, reason != "")
	ts(t.DateRequested, true)
	ts(t.DateCompleted, t.HasDateCompleted)
	ts(t.LastSenderMessage, t.HasLastSender)
	return row, nil
}
