// Package layering holds the test that keeps the domain packages free of
// I/O. It has no code of its own.
package layering
