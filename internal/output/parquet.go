package output

import (
	"errors"
	"fmt"
	"io"

	"github.com/parquet-go/parquet-go"

	"github.com/nhsdigital/gp2gp/internal/spine"
)

// parquetGoVersion is the version of parquet-go in go.mod, named in the
// file's created_by (a test keeps the two in step). It is a constant rather
// than parquet-go's default, which reads the build info and so differs
// between test and release binaries; "parquet-go version 0.32.0(build
// unknown)" is also the "APP version V (build B)" form parquet-mr (Spark)
// parses.
const parquetGoVersion = "0.32.0"

// Row groups hold at most this many transfers, as pyarrow's default.
const maxRowsPerRowGroup = 1 << 20

// batchSize bounds how many rows are converted at once, to bound the
// memory of the intermediate rows.
const batchSize = 4096

// errClosed is returned by a TransferWriter used after Close.
var errClosed = errors.New("transfer writer is closed")

// transferSchema is the schema of transfers.parquet; its root is named
// "schema", as pyarrow names it.
var transferSchema = parquet.NewSchema("schema", parquet.SchemaOf(transferRow{}))

// TransferWriter writes transfers as schema-v4 Parquet (SPEC §5), batch by
// batch, in order. Nothing is complete until Close returns nil.
type TransferWriter struct {
	pw  *parquet.GenericWriter[transferRow]
	b   rowBuilder
	err error
}

// NewTransferWriter returns a TransferWriter writing to w.
//
// The bytes depend only on the transfers and on how they are split into
// calls to Write (page boundaries follow the calls). The file is
// conservative, for pyarrow, pandas, DuckDB, Spark and Athena: version-1
// data pages, PLAIN or dictionary encoding, snappy compression, standard
// 3-level lists.
func NewTransferWriter(w io.Writer) *TransferWriter {
	pw := parquet.NewGenericWriter[transferRow](w,
		transferSchema,
		parquet.Compression(&parquet.Snappy),
		parquet.DataPageVersion(1),
		parquet.DefaultEncodingFor(parquet.ByteArray, &parquet.Plain),
		parquet.MaxRowsPerRowGroup(maxRowsPerRowGroup),
		parquet.CreatedBy("parquet-go", parquetGoVersion, "unknown"),
	)
	return &TransferWriter{pw: pw}
}

// Write appends the transfers to the file.
func (tw *TransferWriter) Write(transfers []spine.Transfer) error {
	if tw.err != nil {
		return tw.err
	}
	for len(transfers) > 0 {
		n := min(len(transfers), batchSize)
		if _, err := tw.pw.Write(tw.b.build(transfers[:n])); err != nil {
			tw.err = fmt.Errorf("write transfers: %w", err)
			return tw.err
		}
		transfers = transfers[n:]
	}
	return nil
}

// Close writes the end of the file. It does not close the underlying writer.
func (tw *TransferWriter) Close() error {
	if tw.err != nil {
		return tw.err
	}
	if err := tw.pw.Close(); err != nil {
		tw.err = fmt.Errorf("close transfers: %w", err)
		return tw.err
	}
	tw.err, tw.b = errClosed, rowBuilder{}
	return nil
}

// WriteTransfers writes the transfers as schema-v4 Parquet to w, in order.
// The same transfers always give the same bytes.
func WriteTransfers(w io.Writer, transfers []spine.Transfer) error {
	tw := NewTransferWriter(w)
	if err := tw.Write(transfers); err != nil {
		return err
	}
	return tw.Close()
}
