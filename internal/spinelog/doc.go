// Package spinelog reads the Spine message log: a gzip-compressed CSV export
// from Splunk, one row per Spine message, with a header row (SPEC §2).
//
// A Reader streams one file and yields spine.Message values. Memory is
// bounded: the file is decompressed and parsed incrementally and no record may
// exceed MaxRecordBytes. Problems with a single row are reported as
// *ParseError and reading may continue; problems with the file as a whole
// (not gzip, truncated, no usable header, an oversized record) are reported
// as *FileError and end the reading.
package spinelog
