package metrics

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nhsdigital/gp2gp/internal/spine"
)

func TestComputeNationalMetrics(t *testing.T) {
	tests := []struct {
		name      string
		transfers []spine.Transfer
		want      NationalMetrics
	}{
		{
			name: "empty month: counts 0, percentages null",
			want: NationalMetrics{Year: 2019, Month: 12},
		},
		{
			// The reference's own end-to-end month: 9 transfers.
			name: "every category",
			transfers: []spine.Transfer{
				onTime("a", secs(259_200)),   // within 3
				onTime("a", secs(1)),         // within 3
				onTime("a", secs(259_200)+1), // within 8
				onTime("a", secs(691_200)),   // within 8
				late("a", secs(691_200)+1),   // beyond 8
				failed("a", spine.TechnicalFailure, spine.ReasonFinalError),
				failed("a", spine.ProcessFailure, spine.ReasonTransferredNotIntegrated),
				failed("a", spine.TechnicalFailure, spine.ReasonRequestNotAcknowledged),
				failed("a", spine.UnclassifiedFailure, spine.ReasonTransferredWithError),
			},
			want: NationalMetrics{
				Year: 2019, Month: 12, TransferCount: 9,
				Integrated:    IntegratedNational{TransferCount: 5, Percentage: pct(55.56), Bands: BandCounts{2, 2, 1}},
				Failed:        Share{1, pct(11.11)},
				Pending:       Share{3, pct(33.33)},
				PaperFallback: Share{5, pct(55.56)},
			},
		},
		{
			name: "every pending outcome",
			transfers: []spine.Transfer{
				failed("a", spine.ProcessFailure, spine.ReasonTransferredNotIntegrated),
				failed("a", spine.TechnicalFailure, spine.ReasonRequestNotAcknowledged),
				failed("a", spine.TechnicalFailure, spine.ReasonCoreExtractNotSent),
				failed("a", spine.TechnicalFailure, spine.ReasonCOPCNotSent),
				failed("a", spine.TechnicalFailure, spine.ReasonCOPCNotAcknowledged),
				failed("a", spine.TechnicalFailure, spine.ReasonFatalSenderError),
				failed("a", spine.UnclassifiedFailure, spine.ReasonTransferredWithError),
				onTime("a", secs(1)),
			},
			want: NationalMetrics{
				Year: 2019, Month: 12, TransferCount: 8,
				Integrated:    IntegratedNational{TransferCount: 1, Percentage: pct(12.5), Bands: BandCounts{1, 0, 0}},
				Failed:        Share{0, pct(0)},
				Pending:       Share{7, pct(87.5)},
				PaperFallback: Share{7, pct(87.5)},
			},
		},
		{
			name: "ambiguous COPC is in no category but is paper fallback",
			transfers: []spine.Transfer{
				failed("a", spine.UnclassifiedFailure, spine.ReasonAmbiguousCOPC),
				failed("a", spine.UnclassifiedFailure, spine.ReasonAmbiguousCOPC),
				onTime("a", secs(1)),
			},
			want: NationalMetrics{
				Year: 2019, Month: 12, TransferCount: 3,
				Integrated:    IntegratedNational{TransferCount: 1, Percentage: pct(33.33), Bands: BandCounts{1, 0, 0}},
				Failed:        Share{0, pct(0)},
				Pending:       Share{0, pct(0)},
				PaperFallback: Share{2, pct(66.67)},
			},
		},
		{
			name: "integrated late and on time without SLA",
			transfers: []spine.Transfer{
				late("a", secs(691_200)+500_000),                                             // late by 500 ms: beyond 8
				{RequestingASID: "a", Status: spine.IntegratedOnTime},                        // no SLA: not integrated, not pending
				failed("a", spine.UnclassifiedFailure, spine.ReasonTransferredNotIntegrated), // wrong status: not pending
			},
			want: NationalMetrics{
				Year: 2019, Month: 12, TransferCount: 3,
				Integrated:    IntegratedNational{TransferCount: 1, Percentage: pct(33.33), Bands: BandCounts{0, 0, 1}},
				Failed:        Share{0, pct(0)},
				Pending:       Share{0, pct(0)},
				PaperFallback: Share{3, pct(100)},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ComputeNationalMetrics(tt.transfers, 2019, 12)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
