package output

import "github.com/nhsdigital/gp2gp/internal/spine"

// transferRow is one row of transfers.parquet (docs/outputs.md, schema v4) as
// parquet-go maps it: fields in column order, each a pointer or a list of
// pointers so that every column and every list element is OPTIONAL, as the
// reference wrote them.
//
// It defines the file's schema; the writer does not build transferRows but
// writes the leaf columns directly (parquet_columns.go), in this order.
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
