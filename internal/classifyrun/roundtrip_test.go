package classifyrun

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nhsdigital/gp2gp/internal/metricsrun"
	"github.com/nhsdigital/gp2gp/internal/output/outputtest"
	"github.com/nhsdigital/gp2gp/internal/pipeline"
	"github.com/nhsdigital/gp2gp/internal/synth"
	"github.com/nhsdigital/gp2gp/internal/v12"
)

// TestClassifyThenMetrics: the v11 tables classify writes for every day of
// a generated month are what gp2gp metrics reads, and its national counts
// equal those counted independently from run's v4 table of the same month
// (same rules, cutoff 14, the monthly path).
func TestClassifyThenMetrics(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a month")
	}
	month := generate(t, synth.Config{Seed: 11, Conversations: 2000})
	const cutoff = metricsrun.CutoffDays

	// Independent counts: run's v4 table, by status and reason.
	runIn, org, runOut := t.TempDir(), t.TempDir(), t.TempDir()
	writeFile(t, runIn, "v2/messages/2019/12/2019-12_spine_messages.csv.gz", month.metric)
	writeFile(t, runIn, "v2/messages-overflow/2020/1/2020-1_spine_messages_overflow.csv.gz", month.overflow)
	writeFile(t, org, "v2/2020/1/organisationMetadata.json", month.org)
	if _, err := pipeline.Run(context.Background(), pipeline.Config{SpineBucket: runIn, OrganisationBucket: org, OutputBucket: runOut,
		Anchor: time.Date(2020, 1, 20, 0, 0, 0, 0, time.UTC), CutoffDays: cutoff, MaxRejectedFraction: 1, NoReport: true}); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{}
	rows := outputtest.Columns(outputtest.ReadRows(t, filepath.Join(runOut, "v4/2019/12/transfers.parquet")))
	for i, st := range rows["status"] {
		reason, _ := rows["failure_reason"][i].(string)
		want["total"]++
		switch {
		case st == "INTEGRATED_ON_TIME":
			want["onTime"]++
		case st == "TECHNICAL_FAILURE":
			want["technical"]++
		case st == "UNCLASSIFIED_FAILURE":
			want["unclassified"]++
		case reason == "Integrated Late":
			want["late"]++
		default:
			want["notIntegrated"]++
		}
	}
	if want["total"] < 1000 || want["technical"] == 0 || want["late"] == 0 || want["unclassified"] == 0 {
		t.Fatalf("the generated month lacks variety: %v", want)
	}

	// classify every day of December, then metrics over its tables.
	w := ExplicitWindow(day("2019-12-01"), day("2020-01-01"), cutoff)
	spineIn, ods, tables := t.TempDir(), t.TempDir(), t.TempDir()
	splitDaily(t, spineIn, append(append([]time.Time(nil), w.Days...), w.Overflow...), month.metric, month.overflow)
	writeFile(t, ods, ODSKey(Month{2019, 12}), v5Of(t, month.org, Month{2019, 12}))
	if _, err := Run(context.Background(), Config{SpineBucket: spineIn, ODSBucket: ods, OutputBucket: tables, BuildTag: "t",
		Window: w, CutoffDays: cutoff}); err != nil {
		t.Fatal(err)
	}
	metricsOut := t.TempDir()
	if _, err := metricsrun.Run(context.Background(), metricsrun.Config{InputBucket: tables, OutputBucket: metricsOut, BuildTag: "t",
		Anchor: time.Date(2020, 1, 15, 0, 0, 0, 0, time.UTC), Months: 1, NoReport: true}); err != nil {
		t.Fatal(err)
	}
	national, _ := metricsrun.OutputKeys(v12.YearMonth{Year: 2019, Month: 12})
	b, err := os.ReadFile(filepath.Join(metricsOut, "v12", filepath.FromSlash(national)))
	if err != nil {
		t.Fatal(err)
	}
	type share struct {
		TransferCount int `json:"transferCount"`
	}
	var got struct {
		Metrics []struct {
			TransferCount    int   `json:"transferCount"`
			IntegratedOnTime share `json:"integratedOnTime"`
			PaperFallback    struct {
				share
				TechnicalFailure share `json:"technicalFailure"`
				ProcessFailure   struct {
					IntegratedLate           share `json:"integratedLate"`
					TransferredNotIntegrated share `json:"transferredNotIntegrated"`
				} `json:"processFailure"`
				UnclassifiedFailure share `json:"unclassifiedFailure"`
			} `json:"paperFallback"`
		} `json:"metrics"`
	}
	if err := json.Unmarshal(b, &got); err != nil || len(got.Metrics) != 1 {
		t.Fatalf("national metrics: %v\n%s", err, b)
	}
	m := got.Metrics[0]
	gotCounts := map[string]int{
		"total": m.TransferCount, "onTime": m.IntegratedOnTime.TransferCount,
		"technical": m.PaperFallback.TechnicalFailure.TransferCount, "unclassified": m.PaperFallback.UnclassifiedFailure.TransferCount,
		"late": m.PaperFallback.ProcessFailure.IntegratedLate.TransferCount, "notIntegrated": m.PaperFallback.ProcessFailure.TransferredNotIntegrated.TransferCount,
	}
	for k, n := range want {
		if gotCounts[k] != n {
			t.Errorf("%s: metrics counted %d, run's table %d", k, gotCounts[k], n)
		}
	}
	if m.PaperFallback.TransferCount != want["total"]-want["onTime"] {
		t.Errorf("paper fallback %d, want %d", m.PaperFallback.TransferCount, want["total"]-want["onTime"])
	}
}
