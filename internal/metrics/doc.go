// Package metrics computes the monthly practice and national GP2GP metrics
// from classified transfers (SPEC §6, §7) and reads the organisation
// metadata they are attributed with (SPEC §8).
//
// It is pure: no I/O beyond reading the metadata from an io.Reader, no
// logging, no output formatting, standard library only.
package metrics
