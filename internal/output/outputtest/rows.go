package outputtest

import (
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
)

// Row is a row of transfers.parquet read back with parquet-go, with plain
// Go types independent of the writer's own row type; timestamps are
// microseconds since the epoch.
type Row struct {
	ConversationID         *string  `parquet:"conversation_id,optional"`
	SLADuration            *uint64  `parquet:"sla_duration,optional"`
	RequestingASID         *string  `parquet:"requesting_practice_asid,optional"`
	SendingASID            *string  `parquet:"sending_practice_asid,optional"`
	RequestingSupplier     *string  `parquet:"requesting_supplier,optional"`
	SendingSupplier        *string  `parquet:"sending_supplier,optional"`
	SenderErrorCodes       []*int64 `parquet:"sender_error_codes,optional,list" parquet-element:",optional"`
	FinalErrorCodes        []*int64 `parquet:"final_error_codes,optional,list" parquet-element:",optional"`
	IntermediateErrorCodes []*int64 `parquet:"intermediate_error_codes,optional,list" parquet-element:",optional"`
	Status                 *string  `parquet:"status,optional"`
	FailureReason          *string  `parquet:"failure_reason,optional"`
	DateRequested          *int64   `parquet:"date_requested,optional,timestamp(microsecond:local)"`
	DateCompleted          *int64   `parquet:"date_completed,optional,timestamp(microsecond:local)"`
}

// ReadRows reads every row of the transfers.parquet at path.
func ReadRows(t testing.TB, path string) []Row {
	t.Helper()
	rows, err := parquet.ReadFile[Row](path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return rows
}

// Columns turns rows into the form ReadDump returns and the golden cases'
// transfers.json holds: {column: [values]}, every column present even when
// there are no rows, numbers as json.Number, timestamps as zone-less ISO
// strings with 6 fractional digits.
func Columns(rows []Row) map[string][]any {
	str := func(s *string) any {
		if s == nil {
			return nil
		}
		return *s
	}
	list := func(l []*int64) any {
		out := []any{}
		for _, e := range l {
			if e == nil {
				out = append(out, nil)
			} else {
				out = append(out, json.Number(strconv.FormatInt(*e, 10)))
			}
		}
		return out
	}
	timestamp := func(us *int64) any {
		if us == nil {
			return nil
		}
		return time.UnixMicro(*us).UTC().Format("2006-01-02T15:04:05.000000")
	}
	cols := map[string][]any{}
	for _, f := range parquet.SchemaOf(Row{}).Fields() {
		cols[f.Name()] = []any{}
	}
	add := func(name string, v any) { cols[name] = append(cols[name], v) }
	for _, r := range rows {
		add("conversation_id", str(r.ConversationID))
		if r.SLADuration == nil {
			add("sla_duration", nil)
		} else {
			add("sla_duration", json.Number(strconv.FormatUint(*r.SLADuration, 10)))
		}
		add("requesting_practice_asid", str(r.RequestingASID))
		add("sending_practice_asid", str(r.SendingASID))
		add("requesting_supplier", str(r.RequestingSupplier))
		add("sending_supplier", str(r.SendingSupplier))
		add("sender_error_codes", list(r.SenderErrorCodes))
		add("final_error_codes", list(r.FinalErrorCodes))
		add("intermediate_error_codes", list(r.IntermediateErrorCodes))
		add("status", str(r.Status))
		add("failure_reason", str(r.FailureReason))
		add("date_requested", timestamp(r.DateRequested))
		add("date_completed", timestamp(r.DateCompleted))
	}
	return cols
}
