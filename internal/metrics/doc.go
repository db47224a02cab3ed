// Package metrics computes the monthly practice and national GP2GP metrics
// from classified transfers (docs/outputs.md) and reads the organisation
// metadata they are attributed with (docs/inputs.md).
//
// It is pure: no I/O beyond reading the metadata from an io.Reader, no
// logging, no output formatting, standard library only.
package metrics
