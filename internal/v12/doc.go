// Package v12 computes the successor's v12 dashboard metrics
// (SPEC-SUCCESSOR §3.4–3.5, docs/metrics.md): the latest month's national
// figures and every practice's figures over the metric months, from the
// transfers of the v11 daily tables.
//
// It is pure: values in, values out; no I/O, no logging, standard library
// and the other domain packages only. A Calculator keeps per-practice
// counts, not transfers, so months of national data fit in little memory.
package v12
