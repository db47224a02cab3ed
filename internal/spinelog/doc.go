// Package spinelog reads the Spine message log: a gzip-compressed CSV export
// from Splunk, one row per Spine message, with a header row (docs/inputs.md).
//
// A Reader streams one file and yields spine.Message values. Memory is
// bounded: the file is decompressed and parsed incrementally and no more than
// MaxRecordBytes of a record is held. Problems with a single row (including a
// line over MaxRecordBytes, skipped to its end, and a known column's value
// over MaxFieldBytes) are reported as *ParseError and reading may continue;
// problems with the file as a whole (not gzip, truncated, no usable header,
// a quoted record spanning more than MaxRecordBytes of lines) are reported as
// *FileError and end the reading.
package spinelog
