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
// GenericWriter.Write. It no longer bounds any buffer, but chunks are still
// cut where those batches ended, because the batches decided where the
// 64-row chunks start, hence the page boundaries (see nextChunk).
const batchSize = 4096

// maxRowsPerChunk is how many rows GenericWriter.Write writes to the column
// buffers between two checks for full pages.
const maxRowsPerChunk = 64

// errClosed is returned by a TransferWriter used after Close.
var errClosed = errors.New("transfer writer is closed")

// transferSchema is the schema of transfers.parquet; its root is named
// "schema", as pyarrow names it.
var transferSchema = parquet.NewSchema("schema", parquet.SchemaOf(transferRow{}))

// TransferWriter writes transfers as schema-v4 Parquet (SPEC §5), in order,
// given in any number of calls of Write: the file's bytes do not depend on
// how the transfers are split between calls. Nothing is complete until
// Close returns nil.
//
// It does not use GenericWriter.Write, whose reflective row-to-column
// shredding (from transferRows of pointers) cost more CPU than snappy: it
// writes each leaf column's values directly through the writer's
// ColumnWriters (parquet_columns.go), in the same chunks, which gives the
// same bytes (see nextChunk). This leans on how parquet-go v0.32.0 pages its
// columns; TestTransferWriterMatchesReference compares the bytes with
// GenericWriter.Write's, so a parquet-go upgrade that breaks it will show.
type TransferWriter struct {
	pw          *parquet.GenericWriter[transferRow]
	columns     []*parquet.ColumnWriter
	values      []parquet.Value  // reused buffer of one column of one chunk
	carry       []spine.Transfer // the start of the next chunk, until it is complete
	rows        int              // rows written
	rowsInGroup int              // rows written to the current row group
	maxRows     int              // rows per row group
	err         error
}

// NewTransferWriter returns a TransferWriter writing to w.
//
// The bytes depend only on the transfers, not on how they are split into
// calls to Write. The file is
// conservative, for pyarrow, pandas, DuckDB, Spark and Athena: version-1
// data pages, PLAIN or dictionary encoding, snappy compression, standard
// 3-level lists.
func NewTransferWriter(w io.Writer) *TransferWriter {
	return newTransferWriter(w, maxRowsPerRowGroup, 0)
}

// newTransferWriter returns a TransferWriter whose row groups hold at most
// maxRows transfers and, if pageSize > 0, whose pages are cut at pageSize
// bytes rather than parquet-go's default: tests use small ones, so that
// the files they write have many pages.
func newTransferWriter(w io.Writer, maxRows, pageSize int) *TransferWriter {
	pw := parquet.NewGenericWriter[transferRow](w, writerOptions(maxRows, pageSize)...)
	return &TransferWriter{pw: pw, columns: pw.ColumnWriters(), maxRows: maxRows}
}

// writerOptions configures the parquet-go writer (see newTransferWriter).
func writerOptions(maxRows, pageSize int) []parquet.WriterOption {
	opts := []parquet.WriterOption{
		transferSchema,
		parquet.Compression(&parquet.Snappy),
		parquet.DataPageVersion(1),
		parquet.DefaultEncodingFor(parquet.ByteArray, &parquet.Plain),
		parquet.MaxRowsPerRowGroup(int64(maxRows)),
		parquet.CreatedBy("parquet-go", parquetGoVersion, "unknown"),
	}
	if pageSize > 0 {
		opts = append(opts, parquet.PageBufferSize(pageSize))
	}
	return opts
}

// Write appends the transfers to the file. It writes every complete chunk
// (see nextChunk) and keeps a copy of the rest, fewer than 64 transfers,
// for the next call or Close.
func (tw *TransferWriter) Write(transfers []spine.Transfer) error {
	if tw.err != nil {
		return tw.err
	}
	for len(transfers) > 0 {
		n := tw.nextChunk()
		var err error
		if len(tw.carry) == 0 && len(transfers) >= n {
			err = tw.writeChunk(transfers[:n])
			transfers = transfers[n:]
		} else {
			k := min(n-len(tw.carry), len(transfers))
			tw.carry = append(tw.carry, transfers[:k]...)
			transfers = transfers[k:]
			if len(tw.carry) < n {
				break
			}
			err = tw.writeChunk(tw.carry)
			clear(tw.carry) // drop the pointers into the transfers
			tw.carry = tw.carry[:0]
		}
		if err != nil {
			tw.err = fmt.Errorf("write transfers: %w", err)
			return tw.err
		}
	}
	clear(tw.values[:cap(tw.values)]) // drop the pointers into the transfers
	return nil
}

// nextChunk is the length of the next chunk: as GenericWriter.Write cut
// them when it was given all the transfers in batches of batchSize, so
// that the file has the same bytes. The invariant: every column buffer
// receives the same values, with the same levels, and is offered a page
// flush at the same rows. GenericWriter.Write writes a batch in chunks of
// up to 64 rows, counted from the start of the batch and cut at the
// row-group limit; after each chunk it flushes the page of every column
// whose buffer reached the page size. ColumnWriter.WriteRowValues applies
// that same test to its own column after the chunk, and a column's pages
// depend on no other column. The chunks depend only on how many rows came
// before, not on how the caller split them.
func (tw *TransferWriter) nextChunk() int {
	groupLeft := tw.maxRows - tw.rowsInGroup
	if groupLeft == 0 { // writeChunk starts a new group
		groupLeft = tw.maxRows
	}
	return min(maxRowsPerChunk, groupLeft, batchSize-tw.rows%batchSize)
}

// writeChunk writes one chunk to every column. Row groups are cut where
// GenericWriter.Write cuts them: when a chunk is due and the group is full.
// (The writer's own row count, which would make that cut, is kept only by
// GenericWriter.Write, hence rowsInGroup.)
func (tw *TransferWriter) writeChunk(chunk []spine.Transfer) error {
	if tw.rowsInGroup == tw.maxRows {
		if err := tw.pw.Flush(); err != nil {
			return err
		}
		tw.rowsInGroup = 0
	}
	for col, appendValues := range columnAppenders {
		tw.values = appendValues(tw.values[:0], chunk)
		if _, err := tw.columns[col].WriteRowValues(tw.values); err != nil {
			return err
		}
	}
	tw.rowsInGroup += len(chunk)
	tw.rows += len(chunk)
	return nil
}

// Close writes the end of the file. It does not close the underlying writer.
func (tw *TransferWriter) Close() error {
	if tw.err != nil {
		return tw.err
	}
	if len(tw.carry) > 0 {
		if err := tw.writeChunk(tw.carry); err != nil {
			tw.err = fmt.Errorf("write transfers: %w", err)
			return tw.err
		}
	}
	if err := tw.pw.Close(); err != nil {
		tw.err = fmt.Errorf("close transfers: %w", err)
		return tw.err
	}
	tw.err, tw.values, tw.carry = errClosed, nil, nil
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
