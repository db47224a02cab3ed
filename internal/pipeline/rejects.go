package pipeline

import (
	"encoding/csv"
	"io"
	"strconv"

	"github.com/klauspost/compress/gzip"

	"github.com/nhsdigital/gp2gp/internal/spinelog"
)

// writeRejected writes the rejected rows as gzipped CSV: where each one is
// and why it was rejected (never the row itself).
func writeRejected(w io.Writer, rows []*spinelog.ParseError) error {
	zw := gzip.NewWriter(w)
	cw := csv.NewWriter(zw)
	cw.Write([]string{"file", "line", "column", "field", "value", "reason"})
	for _, e := range rows {
		cw.Write([]string{e.File, strconv.Itoa(e.Line), strconv.Itoa(e.Column), e.Field, e.Value, e.Reason})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return zw.Close()
}
