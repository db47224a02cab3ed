package golden

// SchemaV4 is transfers.parquet's columns as DuckDB reads them back, in
// order: [name, DuckDB type]. Timestamps carry no zone; sla_duration is
// unsigned; the error-code lists hold int64.
var SchemaV4 = [][2]string{
	{"conversation_id", "VARCHAR"},
	{"sla_duration", "UBIGINT"},
	{"requesting_practice_asid", "VARCHAR"},
	{"sending_practice_asid", "VARCHAR"},
	{"requesting_supplier", "VARCHAR"},
	{"sending_supplier", "VARCHAR"},
	{"sender_error_codes", "BIGINT[]"},
	{"final_error_codes", "BIGINT[]"},
	{"intermediate_error_codes", "BIGINT[]"},
	{"status", "VARCHAR"},
	{"failure_reason", "VARCHAR"},
	{"date_requested", "TIMESTAMP"},
	{"date_completed", "TIMESTAMP"},
}
