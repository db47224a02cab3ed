// Package convstore holds the rows of a monthly run between reading and
// classification: rows in, conversations out, in first-seen order
// (SPEC §4.1).
//
// A Store takes rows one at a time (Add), as spinelog reads them, and
// numbers each row's conversation in the order conversations are first
// seen. Conversation i goes to partition i / PartitionSize, where the row is
// appended as a compact binary record: UUIDs in 16 bytes, low-cardinality
// strings (interaction ids, ASIDs, supplier systems) as small interned
// ids, times as deltas. A partition is kept in memory or, given a
// directory, spilled to a file of its own in 64 KiB chunks, written by a
// goroutine of the store's.
//
// Once every row is in (Finish), a Reader reads each partition back,
// grouping its records by conversation: its conversations, in first-seen
// order, each with its messages in input order, as spine.Conversation
// values ready for spine.Classifier. Partitions are independent, so they may
// be read on several goroutines, a Reader each, and their results put back
// in partition order.
//
// Given the classification's cutoff, the store also reports the
// partitions that no row still to come can change (see Store.Final), so
// that they can be read and classified while the rows are still being
// added; or taken (Store.Take), the store then forgetting their rows, so
// that it holds only the partitions not yet final (see take.go).
//
// The store does not log; its errors are failures to write or read the
// spill files.
package convstore
