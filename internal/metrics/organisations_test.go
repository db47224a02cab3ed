package metrics

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseOrganisations(t *testing.T) {
	const in = `{"generated_on": "2020-02-24 16:51:21.353977", "extra": 1,
	  "practices": [
	    {"ods_code": "A12345", "name": "Caf\u00e9 Practice", "asids": ["987654321234", "003456789123"], "postcode": "X"},
	    {"ods_code": "A12346", "name": "Empty", "asids": []}],
	  "ccgs": [{"ods_code": "10D", "name": "NHS CCG", "practices": ["A12345"]}]}`
	got, err := ParseOrganisations(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := &Organisations{
		GeneratedOn: "2020-02-24 16:51:21.353977",
		Practices: []Practice{
			{ODSCode: "A12345", Name: "Café Practice", ASIDs: []string{"987654321234", "003456789123"}},
			{ODSCode: "A12346", Name: "Empty", ASIDs: []string{}},
		},
		CCGs: []CCG{{ODSCode: "10D", Name: "NHS CCG", Practices: []string{"A12345"}}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

func TestParseOrganisationsErrors(t *testing.T) {
	tests := []struct {
		name, in, wantErr string
	}{
		{"empty input", ``, "EOF"},
		{"not JSON", `nope`, "invalid character"},
		{"not an object", `[]`, "cannot unmarshal array"},
		{"missing practices", `{"ccgs": []}`, `missing "practices" array`},
		{"null practices", `{"practices": null, "ccgs": []}`, `missing "practices" array`},
		{"missing ccgs", `{"practices": []}`, `missing "ccgs" array`},
		{"practices wrong type", `{"practices": {}, "ccgs": []}`, "cannot unmarshal object"},
		{"asid not a string", `{"practices": [{"ods_code": "A", "name": "n", "asids": [1]}], "ccgs": []}`, "cannot unmarshal number"},
		{"practice without ods_code", `{"practices": [{"name": "n", "asids": []}], "ccgs": []}`, `practices[0]: missing "ods_code"`},
		{"practice without name", `{"practices": [{"ods_code": "A", "asids": []}], "ccgs": []}`, `practices[0]: missing "name"`},
		{"practice without asids", `{"practices": [{"ods_code": "A", "name": "n", "asids": []}, {"ods_code": "B", "name": "n"}], "ccgs": []}`, `practices[1]: missing "asids" array`},
		{"ccg without practices", `{"practices": [], "ccgs": [{"ods_code": "1", "name": "c"}]}`, `ccgs[0]: missing "practices" array`},
		{"trailing data", `{"practices": [], "ccgs": []} {}`, "unexpected data after"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseOrganisations(strings.NewReader(tt.in))
			if err == nil {
				t.Fatalf("no error, want one containing %q", tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantErr) || !strings.HasPrefix(err.Error(), "parse organisation metadata: ") {
				t.Errorf("error %q, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestPracticeByASID(t *testing.T) {
	orgs := &Organisations{Practices: []Practice{
		{ODSCode: "A", ASIDs: []string{"1", "2"}},
		{ODSCode: "B", ASIDs: []string{"2", "3"}}, // later practice wins ASID 2
		{ODSCode: "C"},
	}}
	want := map[string]string{"1": "A", "2": "B", "3": "B"}
	if diff := cmp.Diff(want, orgs.PracticeByASID()); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}
