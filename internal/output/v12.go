package output

import (
	"io"
	"time"

	"github.com/nhsdigital/gp2gp/internal/v12"
)

// FormatGeneratedOnV12 formats t as the v12 metrics' generatedOn: Python's
// isoformat() of a UTC-aware datetime, but always with six fractional
// digits, which production's validate-metrics step needs to parse it
// (SPEC-SUCCESSOR §3.3).
func FormatGeneratedOnV12(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000000") + "+00:00"
}

// WriteV12National writes {Y}-{M}-nationalMetrics.json (SPEC-SUCCESSOR
// §3.4) byte for byte as the metrics-calculator's json.dumps wrote it: one
// line, ", " and ": " separators, non-ASCII escaped, no trailing newline.
func WriteV12National(w io.Writer, n v12.National, generatedOn time.Time) error {
	var e pyJSON
	e.raw(`{"generatedOn": `)
	e.str(FormatGeneratedOnV12(generatedOn))
	e.raw(`, "metrics": [{"year": `)
	e.int(n.Year)
	e.raw(`, "month": `)
	e.int(n.Month)
	e.raw(`, "transferCount": `)
	e.int(n.TransferCount)
	e.raw(`, "integratedOnTime": `)
	e.v12Share(n.IntegratedOnTime)
	e.raw(`, "paperFallback": {"transferCount": `)
	e.int(n.PaperFallback.Count)
	e.raw(`, "transferPercentage": `)
	e.percentage(n.PaperFallback.Percent)
	e.raw(`, "technicalFailure": `)
	e.v12Share(n.TechnicalFailure)
	e.raw(`, "processFailure": {"integratedLate": `)
	e.v12Share(n.IntegratedLate)
	e.raw(`, "transferredNotIntegrated": `)
	e.v12Share(n.TransferredNotIntegrated)
	e.raw(`}, "unclassifiedFailure": `)
	e.v12Share(n.UnclassifiedFailure)
	e.raw(`}}]}`)
	return e.writeTo(w, "national metrics")
}

// WriteV12Practice writes {Y}-{M}-practiceMetrics.json (SPEC-SUCCESSOR
// §3.5) byte for byte as the metrics-calculator wrote it (see
// WriteV12National).
func WriteV12Practice(w io.Writer, m v12.PracticeMetrics, generatedOn time.Time) error {
	var e pyJSON
	e.raw(`{"generatedOn": `)
	e.str(FormatGeneratedOnV12(generatedOn))
	e.raw(`, "practices": [`)
	for i, p := range m.Practices {
		e.sep(i)
		e.raw(`{"name": `)
		e.optional(p.Name)
		e.raw(`, "odsCode": `)
		e.str(p.ODSCode)
		e.raw(`, "sicblOdsCode": `)
		e.str(p.SICBLCode)
		e.raw(`, "sicblName": `)
		e.optional(p.SICBLName)
		e.raw(`, "metrics": [`)
		for j, k := range p.Metrics {
			e.sep(j)
			e.raw(`{"year": `)
			e.int(k.Year)
			e.raw(`, "month": `)
			e.int(k.Month)
			e.raw(`, "requestedTransfers": {"requestedCount": `)
			e.int(k.Requested)
			e.raw(`, "receivedCount": `)
			e.int(k.Received)
			e.raw(`, "receivedPercentOfRequested": `)
			e.percentage(k.ReceivedPercent)
			e.raw(`, "integratedWithin3DaysCount": `)
			e.int(k.Within3Days)
			e.raw(`, "integratedWithin3DaysPercentOfReceived": `)
			e.percentage(k.Within3DaysPercent)
			e.raw(`, "integratedWithin8DaysCount": `)
			e.int(k.Within8Days)
			e.raw(`, "integratedWithin8DaysPercentOfReceived": `)
			e.percentage(k.Within8DaysPercent)
			e.raw(`, "notIntegratedWithin8DaysTotal": `)
			e.int(k.NotWithin8DaysTotal)
			e.raw(`, "notIntegratedWithin8DaysPercentOfReceived": `)
			e.percentage(k.NotWithin8DaysPercent)
			e.raw(`, "failuresTotalCount": `)
			e.int(k.FailuresTotal)
			e.raw(`, "failuresTotalPercentOfRequested": `)
			e.percentage(k.FailuresTotalPercent)
			e.raw(`}}`)
		}
		e.raw(`]}`)
	}
	e.raw(`], "sicbls": [`)
	for i, s := range m.SICBLs {
		e.sep(i)
		e.raw(`{"odsCode": `)
		e.str(s.ODSCode)
		e.raw(`, "name": `)
		e.optional(s.Name)
		e.raw(`, "practices": [`)
		for j, code := range s.Practices {
			e.sep(j)
			e.str(code)
		}
		e.raw(`]}`)
	}
	e.raw(`]}`)
	return e.writeTo(w, "practice metrics")
}

func (e *pyJSON) v12Share(s v12.Share) {
	e.raw(`{"transferCount": `)
	e.int(s.Count)
	e.raw(`, "transferPercentage": `)
	e.percentage(s.Percent)
	e.raw(`}`)
}

func (e *pyJSON) optional(o v12.Optional) {
	if !o.Valid {
		e.raw("null")
		return
	}
	e.str(o.Value)
}
