package metrics

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nhsdigital/gp2gp/internal/spine"
)

func TestComputePracticeMetrics(t *testing.T) {
	orgs := &Organisations{
		Practices: []Practice{
			{ODSCode: "A", Name: "Alpha", ASIDs: []string{"a1", "a2", "shared"}},
			{ODSCode: "B", Name: "Beta", ASIDs: []string{"b1"}},
			{ODSCode: "A", Name: "Alpha again", ASIDs: []string{"a3"}}, // duplicate ODS code
			{ODSCode: "C", Name: "Charlie", ASIDs: []string{"shared"}}, // wins "shared"
			{ODSCode: "D", Name: "Delta"},
		},
		CCGs: []CCG{{ODSCode: "10D", Name: "CCG", Practices: []string{"A", "B"}}, {ODSCode: "11E", Name: "Empty"}},
	}
	none := IntegratedPractice{}
	tests := []struct {
		name        string
		transfers   []spine.Transfer
		want        map[string]IntegratedPractice // by practice name; missing = none
		unknownN    int
		unknownASID []string
	}{
		{name: "empty month"},
		{
			name: "bands at exact boundaries",
			transfers: []spine.Transfer{
				onTime("b1", secs(259_200)),   // within 3
				onTime("b1", secs(259_200)+1), // within 8
				onTime("b1", secs(691_200)),   // within 8
				late("b1", secs(691_200)+1),   // beyond 8
			},
			want: map[string]IntegratedPractice{"Beta": {
				TransferCount: 4, Bands: BandCounts{1, 2, 1},
				Within3DaysPercentage: pct(25), Within8DaysPercentage: pct(50), Beyond8DaysPercentage: pct(25),
			}},
		},
		{
			name: "thirds round to one decimal",
			transfers: []spine.Transfer{
				onTime("b1", secs(10)), onTime("b1", secs(300_000)), late("b1", secs(800_000)),
			},
			want: map[string]IntegratedPractice{"Beta": {
				TransferCount: 3, Bands: BandCounts{1, 1, 1},
				Within3DaysPercentage: pct(33.3), Within8DaysPercentage: pct(33.3), Beyond8DaysPercentage: pct(33.3),
			}},
		},
		{
			name: "only integrated transfers count",
			transfers: []spine.Transfer{
				onTime("b1", secs(1)),
				{RequestingASID: "b1", Status: spine.IntegratedOnTime}, // no SLA: not integrated
				failed("b1", spine.TechnicalFailure, spine.ReasonFinalError),
				failed("b1", spine.ProcessFailure, spine.ReasonTransferredNotIntegrated),
				failed("b1", spine.UnclassifiedFailure, spine.ReasonAmbiguousCOPC),
				failed("nobody", spine.TechnicalFailure, spine.ReasonFinalError), // unknown but not integrated
			},
			want: map[string]IntegratedPractice{"Beta": {
				TransferCount: 1, Bands: BandCounts{1, 0, 0},
				Within3DaysPercentage: pct(100), Within8DaysPercentage: pct(0), Beyond8DaysPercentage: pct(0),
			}},
		},
		{
			name: "duplicate ODS code shows combined counts in both entries",
			transfers: []spine.Transfer{
				onTime("a1", secs(1)), onTime("a3", secs(1)), onTime("a2", secs(300_000)),
			},
			want: map[string]IntegratedPractice{
				"Alpha": {TransferCount: 3, Bands: BandCounts{2, 1, 0},
					Within3DaysPercentage: pct(66.7), Within8DaysPercentage: pct(33.3), Beyond8DaysPercentage: pct(0)},
				"Alpha again": {TransferCount: 3, Bands: BandCounts{2, 1, 0},
					Within3DaysPercentage: pct(66.7), Within8DaysPercentage: pct(33.3), Beyond8DaysPercentage: pct(0)},
			},
		},
		{
			name:      "shared ASID goes to the later practice",
			transfers: []spine.Transfer{late("shared", secs(700_000))},
			want: map[string]IntegratedPractice{"Charlie": {TransferCount: 1, Bands: BandCounts{0, 0, 1},
				Within3DaysPercentage: pct(0), Within8DaysPercentage: pct(0), Beyond8DaysPercentage: pct(100)}},
		},
		{
			name: "unknown ASIDs are counted, distinct in first-seen order",
			transfers: []spine.Transfer{
				onTime("x9", secs(1)), onTime("b1", secs(1)), late("x1", secs(700_000)), onTime("x9", secs(5)),
				onTime("", secs(1)),
			},
			want: map[string]IntegratedPractice{"Beta": {TransferCount: 1, Bands: BandCounts{1, 0, 0},
				Within3DaysPercentage: pct(100), Within8DaysPercentage: pct(0), Beyond8DaysPercentage: pct(0)}},
			unknownN:    4,
			unknownASID: []string{"x9", "x1", ""},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := PracticeMetrics{Year: 2019, Month: 12, CCGs: orgs.CCGs,
				UnknownASIDTransfers: tt.unknownN, UnknownASIDs: tt.unknownASID}
			for _, p := range orgs.Practices {
				in, ok := tt.want[p.Name]
				if !ok {
					in = none
				}
				want.Practices = append(want.Practices, PracticeSummary{ODSCode: p.ODSCode, Name: p.Name, Integrated: in})
			}
			got := ComputePracticeMetrics(tt.transfers, orgs, 2019, 12)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestComputePracticeMetricsZeroTransfersIsNull(t *testing.T) {
	orgs := &Organisations{Practices: []Practice{{ODSCode: "A", Name: "Alpha", ASIDs: []string{"a"}}}}
	got := ComputePracticeMetrics(nil, orgs, 2020, 2).Practices[0].Integrated
	if got.Within3DaysPercentage.Valid || got.Within8DaysPercentage.Valid || got.Beyond8DaysPercentage.Valid {
		t.Errorf("percentages of a practice without transfers = %+v, want all null", got)
	}
}

func TestComputePracticeMetricsNilOrganisations(t *testing.T) {
	got := ComputePracticeMetrics([]spine.Transfer{onTime("a", 1)}, nil, 2020, 2)
	want := PracticeMetrics{Year: 2020, Month: 2, Practices: []PracticeSummary{},
		UnknownASIDTransfers: 1, UnknownASIDs: []string{"a"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}
