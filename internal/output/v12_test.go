package output

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/nhsdigital/gp2gp/internal/v12"
)

func TestFormatGeneratedOnV12(t *testing.T) {
	for _, tc := range []struct {
		in   time.Time
		want string
	}{
		// Always six fractional digits, even when they are all zero.
		{time.Date(2021, 7, 29, 10, 4, 5, 0, time.UTC), "2021-07-29T10:04:05.000000+00:00"},
		{time.Date(2021, 7, 29, 10, 4, 5, 123456999, time.UTC), "2021-07-29T10:04:05.123456+00:00"},
		{time.Date(2021, 7, 29, 11, 4, 5, 1000, time.FixedZone("", 3600)), "2021-07-29T10:04:05.000001+00:00"},
	} {
		if got := FormatGeneratedOnV12(tc.in); got != tc.want {
			t.Errorf("FormatGeneratedOnV12(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

var v12GeneratedOn = time.Date(2021, 7, 29, 10, 4, 5, 123456000, time.UTC)

func TestWriteV12National(t *testing.T) {
	c := v12.NewCalculator([]v12.YearMonth{{Year: 2019, Month: 12}})
	for _, x := range []v12.Transfer{
		{Status: v12.IntegratedOnTime, DateRequested: time.Date(2019, 12, 1, 0, 0, 0, 0, time.UTC)},
		{Status: v12.ProcessFailure, Reason: v12.IntegratedLate, DateRequested: time.Date(2019, 12, 1, 0, 0, 0, 0, time.UTC)},
		{Status: v12.ProcessFailure, Reason: v12.TransferredNotIntegrated, DateRequested: time.Date(2019, 12, 1, 0, 0, 0, 0, time.UTC)},
		{Status: v12.TechnicalFailure, Reason: v12.FinalError, DateRequested: time.Date(2019, 12, 1, 0, 0, 0, 0, time.UTC)},
	} {
		c.Add(&x)
	}
	var b bytes.Buffer
	if err := WriteV12National(&b, c.National(), v12GeneratedOn); err != nil {
		t.Fatal(err)
	}
	want := `{"generatedOn": "2021-07-29T10:04:05.123456+00:00", "metrics": [{"year": 2019, "month": 12, "transferCount": 4, ` +
		`"integratedOnTime": {"transferCount": 1, "transferPercentage": 25.0}, ` +
		`"paperFallback": {"transferCount": 3, "transferPercentage": 75.0, ` +
		`"technicalFailure": {"transferCount": 1, "transferPercentage": 25.0}, ` +
		`"processFailure": {"integratedLate": {"transferCount": 1, "transferPercentage": 25.0}, ` +
		`"transferredNotIntegrated": {"transferCount": 1, "transferPercentage": 25.0}}, ` +
		`"unclassifiedFailure": {"transferCount": 0, "transferPercentage": 0.0}}}]}`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	b.Reset()
	if err := WriteV12National(&b, v12.NewCalculator([]v12.YearMonth{{Year: 2019, Month: 12}}).National(), v12GeneratedOn); err != nil {
		t.Fatal(err)
	}
	want = `{"generatedOn": "2021-07-29T10:04:05.123456+00:00", "metrics": [{"year": 2019, "month": 12, "transferCount": 0, ` +
		`"integratedOnTime": {"transferCount": 0, "transferPercentage": null}, ` +
		`"paperFallback": {"transferCount": 0, "transferPercentage": null, ` +
		`"technicalFailure": {"transferCount": 0, "transferPercentage": null}, ` +
		`"processFailure": {"integratedLate": {"transferCount": 0, "transferPercentage": null}, ` +
		`"transferredNotIntegrated": {"transferCount": 0, "transferPercentage": null}}, ` +
		`"unclassifiedFailure": {"transferCount": 0, "transferPercentage": null}}}]}`
	if b.String() != want {
		t.Errorf("empty month: got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestWriteV12Practice(t *testing.T) {
	c := v12.NewCalculator([]v12.YearMonth{{Year: 2019, Month: 12}, {Year: 2019, Month: 11}})
	x := v12.Transfer{Status: v12.IntegratedOnTime, SLADuration: 100, HasSLA: true, DateRequested: time.Date(2019, 12, 1, 0, 0, 0, 0, time.UTC),
		ODSCode: v12.Some("A1"), Name: v12.Some("Caf\u00e9 \"Surgery\""), SICBLCode: v12.Some("99X"), SICBLName: v12.Some("ICB")}
	c.Add(&x)
	x.Status, x.Reason = v12.ProcessFailure, v12.IntegratedLate
	c.Add(&x)
	x.ODSCode, x.SICBLName, x.Status = v12.Some("B2"), v12.Optional{}, v12.TechnicalFailure
	c.Add(&x)
	var b bytes.Buffer
	if err := WriteV12Practice(&b, c.Practices(), v12GeneratedOn); err != nil {
		t.Fatal(err)
	}
	month11 := `{"year": 2019, "month": 11, "requestedTransfers": {"requestedCount": 0, "receivedCount": 0, "receivedPercentOfRequested": null, ` +
		`"integratedWithin3DaysCount": 0, "integratedWithin3DaysPercentOfReceived": null, "integratedWithin8DaysCount": 0, ` +
		`"integratedWithin8DaysPercentOfReceived": null, "notIntegratedWithin8DaysTotal": 0, "notIntegratedWithin8DaysPercentOfReceived": null, ` +
		`"failuresTotalCount": 0, "failuresTotalPercentOfRequested": null}}`
	want := `{"generatedOn": "2021-07-29T10:04:05.123456+00:00", "practices": [` +
		`{"name": "Caf\u00e9 \"Surgery\"", "odsCode": "A1", "sicblOdsCode": "99X", "sicblName": "ICB", "metrics": [` +
		`{"year": 2019, "month": 12, "requestedTransfers": {"requestedCount": 2, "receivedCount": 2, "receivedPercentOfRequested": 100.0, ` +
		`"integratedWithin3DaysCount": 1, "integratedWithin3DaysPercentOfReceived": 50.0, "integratedWithin8DaysCount": 0, ` +
		`"integratedWithin8DaysPercentOfReceived": 0.0, "notIntegratedWithin8DaysTotal": 1, "notIntegratedWithin8DaysPercentOfReceived": 50.0, ` +
		`"failuresTotalCount": 0, "failuresTotalPercentOfRequested": 0.0}}, ` + month11 + `]}, ` +
		`{"name": "Caf\u00e9 \"Surgery\"", "odsCode": "B2", "sicblOdsCode": "99X", "sicblName": null, "metrics": [` +
		`{"year": 2019, "month": 12, "requestedTransfers": {"requestedCount": 1, "receivedCount": 0, "receivedPercentOfRequested": 0.0, ` +
		`"integratedWithin3DaysCount": 0, "integratedWithin3DaysPercentOfReceived": null, "integratedWithin8DaysCount": 0, ` +
		`"integratedWithin8DaysPercentOfReceived": null, "notIntegratedWithin8DaysTotal": 0, "notIntegratedWithin8DaysPercentOfReceived": null, ` +
		`"failuresTotalCount": 1, "failuresTotalPercentOfRequested": 100.0}}, ` + month11 + `]}], ` +
		`"sicbls": [{"odsCode": "99X", "name": "ICB", "practices": ["A1", "B2"]}]}`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	if !json.Valid(b.Bytes()) {
		t.Error("not valid JSON")
	}
}
