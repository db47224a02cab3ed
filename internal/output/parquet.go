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

// batchSize is how many rows the writer once passed to each call of
// GenericWriter.Write. It no longer bounds any buffer, but rows are still
// split in the same batches, because the batches decide where the 64-row
// chunks start, hence the page boundaries (see writeChunks).
const batchSize = 4096

// maxRowsPerChunk is how many rows GenericWriter.Write writes to the column
// buffers between two checks for full pages.
const maxRowsPerChunk = 64

// errClosed is returned by a TransferWriter used after Close.
var errClosed = errors.New("transfer writer is closed")

// transferSchema is the schema of transfers.parquet; its root is named
// "schema", as pyarrow names it.
var transferSchema = parquet.NewSchema("schema", parquet.SchemaOf(transferRow{}))

// TransferWriter writes transfers as schema-v4 Parquet (SPEC §5), batch by
// batch, in order. Nothing is complete until Close returns nil.
//
// It does not use GenericWriter.Write, whose reflective row-to-column
// shredding (from transferRows of pointers) cost more CPU than snappy: it
// writes each leaf column's values directly through the writer's
// ColumnWriters (parquet_columns.go), in the same chunks, which gives the
// same bytes (see writeChunks). This leans on how parquet-go v0.32.0 pages
// its columns; TestTransferWriterMatchesReference compares the bytes with
// GenericWriter.Write's, so a parquet-go upgrade that breaks it will show.
type TransferWriter struct {
	pw          *parquet.GenericWriter[transferRow]
	columns     []*parquet.ColumnWriter
	values      []parquet.Value // reused buffer of one column of one chunk
	rowsInGroup int             // rows written to the current row group
	maxRows     int             // rows per row group
	err         error
}

// NewTransferWriter returns a TransferWriter writing to w.
//
// The bytes depend only on the transfers and on how they are split into
// calls to Write (page boundaries follow the calls). The file is
// conservative, for pyarrow, pandas, DuckDB, Spark and Athena: version-1
// data pages, PLAIN or dictionary encoding, snappy compression, standard
// 3-level lists.
func NewTransferWriter(w io.Writer) *TransferWriter {
	return newTransferWriter(w, maxRowsPerRowGroup)
}

// newTransferWriter returns a TransferWriter whose row groups hold at most
// maxRows transfers; tests use small row groups.
func newTransferWriter(w io.Writer, maxRows int) *TransferWriter {
	pw := parquet.NewGenericWriter[transferRow](w, writerOptions(maxRows)...)
	return &TransferWriter{pw: pw, columns: pw.ColumnWriters(), maxRows: maxRows}
}

// writerOptions configures the parquet-go writer.
func writerOptions(maxRows int) []parquet.WriterOption {
	return []parquet.WriterOption{
		transferSchema,
		parquet.Compression(&parquet.Snappy),
		parquet.DataPageVersion(1),
		parquet.DefaultEncodingFor(parquet.ByteArray, &parquet.Plain),
		parquet.MaxRowsPerRowGroup(int64(maxRows)),
		parquet.CreatedBy("parquet-go", parquetGoVersion, "unknown"),
	}
}

// Write appends the transfers to the file.
func (tw *TransferWriter) Write(transfers []spine.Transfer) error {
	if tw.err != nil {
		return tw.err
	}
	for len(transfers) > 0 {
		n := min(len(transfers), batchSize)
		if err := tw.writeChunks(transfers[:n]); err != nil {
			tw.err = fmt.Errorf("write transfers: %w", err)
			return tw.err
		}
		transfers = transfers[n:]
	}
	clear(tw.values[:cap(tw.values)]) // drop the pointers into the transfers
	return nil
}

// writeChunks writes one batch as GenericWriter.Write would, so that the
// file has the same bytes. The invariant: every column buffer receives the
// same values, with the same levels, and is offered a page flush at the same
// rows. GenericWriter.Write writes a batch in chunks of up to 64 rows,
// counted from the start of the batch and cut at the row-group limit; after
// each chunk it flushes the page of every column whose buffer reached the
// page size. ColumnWriter.WriteRowValues applies that same test to its own
// column after the chunk, and a column's pages depend on no other column.
// Row groups are cut where GenericWriter.Write cuts them: when a chunk is
// due and the group is full. (The writer's own row count, which would make
// that cut, is kept only by GenericWriter.Write, hence rowsInGroup.)
func (tw *TransferWriter) writeChunks(batch []spine.Transfer) error {
	for len(batch) > 0 {
		if tw.rowsInGroup == tw.maxRows {
			if err := tw.pw.Flush(); err != nil {
				return err
			}
			tw.rowsInGroup = 0
		}
		n := min(len(batch), maxRowsPerChunk, tw.maxRows-tw.rowsInGroup)
		for col, appendValues := range columnAppenders {
			tw.values = appendValues(tw.values[:0], batch[:n])
			if _, err := tw.columns[col].WriteRowValues(tw.values); err != nil {
				return err
			}
		}
		tw.rowsInGroup += n
		batch = batch[n:]
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
	tw.err, tw.values = errClosed, nil
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
