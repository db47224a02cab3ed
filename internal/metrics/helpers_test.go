package metrics

import "github.com/nhsdigital/gp2gp/internal/spine"

// Transfer builders for the tests: asid is the requesting ASID.

func onTime(asid string, sla spine.Time) spine.Transfer {
	return spine.Transfer{RequestingASID: asid, Status: spine.IntegratedOnTime, SLA: sla, HasSLA: true}
}

func late(asid string, sla spine.Time) spine.Transfer {
	return spine.Transfer{RequestingASID: asid, Status: spine.ProcessFailure,
		FailureReason: spine.ReasonIntegratedLate, SLA: sla, HasSLA: true}
}

func failed(asid string, status spine.Status, reason string) spine.Transfer {
	return spine.Transfer{RequestingASID: asid, Status: status, FailureReason: reason}
}

func secs(s int64) spine.Time { return spine.Time(s) * spine.Second }

func pct(v float64) Percentage { return Percentage{Value: v, Valid: true} }
