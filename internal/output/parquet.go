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

// maxRowsPerChunk is how many rows the writer shreds into the column
// buffers at a time; after each chunk, a column whose buffer reached the
// page size is flushed to a page. It is GenericWriter.Write's own number.
const maxRowsPerChunk = 64

// errClosed is returned by a TransferWriter used after Close.
var errClosed = errors.New("transfer writer is closed")

// transferSchema is the schema of transfers.parquet; its root is named
// "schema", as pyarrow names it.
var transferSchema = parquet.NewSchema("schema", parquet.SchemaOf(transferRow{}))

// TransferWriter writes transfers as schema-v4 Parquet (docs/outputs.md), in order,
// given in any number of calls of Write: the file's bytes do not depend on
// how the transfers are split between calls. Nothing is complete until
// Close returns nil.
//
// It does not use GenericWriter.Write, whose reflective row-to-column
// shredding (from transferRows of pointers) cost more CPU than snappy: it
// shreds the transfers itself (parquet_columns.go) and writes each leaf
// column's values through the writer's ColumnWriters, in chunks of rows
// (see nextChunk). Tests read the files back, with parquet-go and DuckDB,
// and compare the values, not the bytes, which are parquet-go's business.
type TransferWriter struct {
	pw          *parquet.GenericWriter[transferRow]
	columns     []*parquet.ColumnWriter
	buf         columnBuffer     // one column of one chunk, reused
	carry       []spine.Transfer // the start of the next chunk, until it is complete
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
	return nil
}

// nextChunk is the length of the next chunk: maxRowsPerChunk rows, counted
// from the start of the row group, whose end cuts a chunk short. The
// chunks, hence the rows at which each column's buffer may be flushed to a
// page, depend only on how many rows came before, not on how the caller
// split the transfers between calls of Write: so the bytes do not either.
func (tw *TransferWriter) nextChunk() int {
	groupLeft := tw.maxRows - tw.rowsInGroup
	if groupLeft == 0 { // writeChunk starts a new group
		groupLeft = tw.maxRows
	}
	return min(maxRowsPerChunk, groupLeft)
}

// writeChunk writes one chunk to every column. A row group is cut when a
// chunk is due and the group is full, as GenericWriter.Write cuts them.
// (The writer's own row count, which would make that cut, is kept only by
// GenericWriter.Write, hence rowsInGroup.)
func (tw *TransferWriter) writeChunk(chunk []spine.Transfer) error {
	if tw.rowsInGroup == tw.maxRows {
		if err := tw.pw.Flush(); err != nil {
			return err
		}
		tw.rowsInGroup = 0
	}
	if err := writeColumns(tw.columns, &tw.buf, columnAppenders[:], chunk); err != nil {
		return err
	}
	tw.rowsInGroup += len(chunk)
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
	tw.err, tw.buf, tw.carry = errClosed, columnBuffer{}, nil
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
