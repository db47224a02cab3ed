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
// transfer as the classifier decided it, its two practices enriched (never
// nil: the metadata's shared entries, or the ASID alone), and the time of
// the sending practice's last message.
type V11Transfer struct {
	*spine.Transfer
	Requesting, Sending *V11Practice
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
// snappy (encoded by fastSnappy), one row group. An unknown status or
// failure reason is an error, and nothing is written.
//
// Like TransferWriter, it does not build rows: it shreds the transfers
// into the leaf columns itself (v11Appenders) and writes each column's
// values through the writer's ColumnWriters, maxRowsPerChunk rows at a
// time.
func WriteV11(w io.Writer, transfers []V11Transfer) error {
	for i := range transfers {
		t := &transfers[i]
		if _, err := V11Status(t.Status); err != nil {
			return fmt.Errorf("conversation %s: %w", t.ConversationID, err)
		}
		if _, err := V11Reason(t.FailureReason); err != nil {
			return fmt.Errorf("conversation %s: %w", t.ConversationID, err)
		}
	}
	pw := parquet.NewWriter(w, v11Schema, parquet.Compression(&fastSnappy{}),
		parquet.CreatedBy("parquet-go", parquetGoVersion, "unknown"),
		// The column chunks' statistics and the page index are kept:
		// readers skip files and pages by them. The copy in each data
		// page's header, which readers do without, would cost computing
		// every page's bounds twice.
		parquet.DataPageStatistics(false))
	columns := pw.ColumnWriters()
	var buf columnBuffer
	for start := 0; start < len(transfers); start += maxRowsPerChunk {
		chunk := transfers[start:min(start+maxRowsPerChunk, len(transfers))]
		if err := writeColumns(columns, &buf, v11Appenders[:], chunk); err != nil {
			return fmt.Errorf("write v11 transfers: %w", err)
		}
	}
	if err := pw.Close(); err != nil {
		return fmt.Errorf("write v11 transfers: %w", err)
	}
	return nil
}

// Leaf columns of v11Schema, in file order (the order of v11Row's fields;
// a test checks the two agree).
const (
	v11ConversationID = iota
	v11SLADuration
	v11RequestingASID
	v11RequestingODSCode
	v11RequestingName
	v11RequestingSICBLCode
	v11RequestingSICBLName
	v11SendingASID
	v11SendingODSCode
	v11SendingName
	v11SendingSICBLCode
	v11SendingSICBLName
	v11RequestingSupplier
	v11SendingSupplier
	v11SenderErrorCodes
	v11FinalErrorCodes
	v11IntermediateErrorCodes
	v11Status
	v11FailureReason
	v11DateRequested
	v11DateCompleted
	v11LastSenderMessage
	v11NumColumns
)

// v11Appenders shred V11Transfers into the v11 table's leaf columns,
// indexed by column, with parquet_columns.go's setters: the levels are
// those of transfers.parquet, whose columns are all OPTIONAL too, and
// whose lists have the same shape.
var v11Appenders = [v11NumColumns]appendColumn[V11Transfer]{
	v11ConversationID: func(b *columnBuffer, ts []V11Transfer) {
		vs := b.extend(len(ts))
		for i := range ts {
			b.setString(&vs[i], ts[i].ConversationID)
		}
	},
	v11SLADuration: func(b *columnBuffer, ts []V11Transfer) {
		vs := b.extend(len(ts))
		for i := range ts {
			secs, ok := ts[i].SLASeconds()
			setInt64If(&vs[i], int64(secs), ok)
		}
	},
	v11RequestingASID:      v11PracticeASID(false),
	v11RequestingODSCode:   v11PracticeODSCode(false),
	v11RequestingName:      v11PracticeName(false),
	v11RequestingSICBLCode: v11PracticeSICBLCode(false),
	v11RequestingSICBLName: v11PracticeSICBLName(false),
	v11SendingASID:         v11PracticeASID(true),
	v11SendingODSCode:      v11PracticeODSCode(true),
	v11SendingName:         v11PracticeName(true),
	v11SendingSICBLCode:    v11PracticeSICBLCode(true),
	v11SendingSICBLName:    v11PracticeSICBLName(true),
	v11RequestingSupplier: func(b *columnBuffer, ts []V11Transfer) {
		vs := b.extend(len(ts))
		for i := range ts {
			b.setNullString(&vs[i], ts[i].RequestingSupplier)
		}
	},
	v11SendingSupplier: func(b *columnBuffer, ts []V11Transfer) {
		vs := b.extend(len(ts))
		for i := range ts {
			b.setNullString(&vs[i], ts[i].SendingSupplier)
		}
	},
	v11SenderErrorCodes: func(b *columnBuffer, ts []V11Transfer) {
		for i := range ts {
			b.appendErrorCodes(ts[i].SenderErrorCodes)
		}
	},
	v11FinalErrorCodes: func(b *columnBuffer, ts []V11Transfer) {
		for i := range ts {
			b.appendErrorCodes(ts[i].FinalErrorCodes)
		}
	},
	v11IntermediateErrorCodes: func(b *columnBuffer, ts []V11Transfer) {
		for i := range ts {
			b.appendCodes(ts[i].IntermediateErrorCodes)
		}
	},
	v11Status: func(b *columnBuffer, ts []V11Transfer) {
		vs := b.extend(len(ts))
		for i := range ts {
			b.setString(&vs[i], v11Statuses[ts[i].Status]) // WriteV11 checked it has one
		}
	},
	v11FailureReason: func(b *columnBuffer, ts []V11Transfer) {
		vs := b.extend(len(ts))
		for i := range ts {
			if r := ts[i].FailureReason; r != "" {
				b.setString(&vs[i], v11Reasons[r]) // WriteV11 checked it has one
			} else {
				setNull(&vs[i])
			}
		}
	},
	v11DateRequested: func(b *columnBuffer, ts []V11Transfer) {
		vs := b.extend(len(ts))
		for i := range ts {
			setInt64(&vs[i], int64(ts[i].DateRequested))
		}
	},
	v11DateCompleted: func(b *columnBuffer, ts []V11Transfer) {
		vs := b.extend(len(ts))
		for i := range ts {
			t := ts[i].Transfer
			setInt64If(&vs[i], int64(t.DateCompleted), t.HasDateCompleted)
		}
	},
	v11LastSenderMessage: func(b *columnBuffer, ts []V11Transfer) {
		vs := b.extend(len(ts))
		for i := range ts {
			setInt64If(&vs[i], int64(ts[i].LastSenderMessage), ts[i].HasLastSender)
		}
	},
}

// v11PracticeOf is the transfer's sending practice, or its requesting one.
func v11PracticeOf(t *V11Transfer, sending bool) *V11Practice {
	if sending {
		return t.Sending
	}
	return t.Requesting
}

// v11PracticeASID appends a practice's ASID, never null.
func v11PracticeASID(sending bool) appendColumn[V11Transfer] {
	return func(b *columnBuffer, ts []V11Transfer) {
		vs := b.extend(len(ts))
		for i := range ts {
			b.setString(&vs[i], v11PracticeOf(&ts[i], sending).ASID)
		}
	}
}

// v11PracticeODSCode appends a practice's ODS code, null if not Known.
func v11PracticeODSCode(sending bool) appendColumn[V11Transfer] {
	return func(b *columnBuffer, ts []V11Transfer) {
		vs := b.extend(len(ts))
		for i := range ts {
			p := v11PracticeOf(&ts[i], sending)
			b.setStringIf(&vs[i], p.ODSCode, p.Known)
		}
	}
}

// v11PracticeName appends a practice's name, null if not Known.
func v11PracticeName(sending bool) appendColumn[V11Transfer] {
	return func(b *columnBuffer, ts []V11Transfer) {
		vs := b.extend(len(ts))
		for i := range ts {
			p := v11PracticeOf(&ts[i], sending)
			b.setStringIf(&vs[i], p.Name, p.Known)
		}
	}
}

// v11PracticeSICBLCode appends a practice's Sub-ICB location's code, null
// unless Known and InSICBL.
func v11PracticeSICBLCode(sending bool) appendColumn[V11Transfer] {
	return func(b *columnBuffer, ts []V11Transfer) {
		vs := b.extend(len(ts))
		for i := range ts {
			p := v11PracticeOf(&ts[i], sending)
			b.setStringIf(&vs[i], p.SICBLCode, p.Known && p.InSICBL)
		}
	}
}

// v11PracticeSICBLName appends a practice's Sub-ICB location's name, null
// unless Known and InSICBL.
func v11PracticeSICBLName(sending bool) appendColumn[V11Transfer] {
	return func(b *columnBuffer, ts []V11Transfer) {
		vs := b.extend(len(ts))
		for i := range ts {
			p := v11PracticeOf(&ts[i], sending)
			b.setStringIf(&vs[i], p.SICBLName, p.Known && p.InSICBL)
		}
	}
}
