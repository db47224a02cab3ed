package ods

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func orgs(codes ...string) []Organisation {
	out := make([]Organisation, len(codes))
	for i, c := range codes {
		out[i] = Organisation{Code: c, Name: "Name " + c}
	}
	return out
}

// TestBuildRules has a case per rule of docs/ods.md, "The rules".
func TestBuildRules(t *testing.T) {
	asids := map[string][]string{
		"A1": {"001"}, "A2": {"002", "102"}, "A3": {"003"}, "A4": {"004"},
	}
	tests := []struct {
		name      string
		practices []Organisation
		ccgs      []Organisation
		members   map[string][]Organisation
		want      Metadata
		check     func(t *testing.T, r *Report)
	}{{
		name:      "rule 1: a repeated practice code keeps its first occurrence, API order",
		practices: []Organisation{{"A2", "first"}, {"A1", "one"}, {"A2", "second"}},
		want:      Metadata{Practices: []Practice{{"A2", "first", []string{"002", "102"}}, {"A1", "one", []string{"001"}}}, CCGs: []CCG{}},
		check: func(t *testing.T, r *Report) {
			if !cmp.Equal(r.DuplicatePractices, []string{"A2"}) || r.PracticesFetched != 3 {
				t.Errorf("report %+v", r)
			}
		},
	}, {
		name:      "rule 2: a practice without ASIDs is dropped; ASIDs in file order",
		practices: orgs("A3", "X9", "A2"),
		want:      Metadata{Practices: []Practice{{"A3", "Name A3", []string{"003"}}, {"A2", "Name A2", []string{"002", "102"}}}, CCGs: []CCG{}},
		check: func(t *testing.T, r *Report) {
			if !cmp.Equal(r.WithoutASIDs, []string{"X9"}) {
				t.Errorf("without ASIDs %v", r.WithoutASIDs)
			}
		},
	}, {
		name:      "rule 3: CCGs first occurrence, members in API order, only surviving practices, not deduplicated, in two CCGs",
		practices: orgs("A1", "A2", "X9"),
		ccgs:      []Organisation{{"C2", "ccg two"}, {"C1", "ccg one"}, {"C2", "again"}},
		members:   map[string][]Organisation{"C1": orgs("A2", "X9", "A1", "A2"), "C2": orgs("A1")},
		want: Metadata{
			Practices: []Practice{{"A1", "Name A1", []string{"001"}}, {"A2", "Name A2", []string{"002", "102"}}},
			CCGs:      []CCG{{"C2", "ccg two", []string{"A1"}}, {"C1", "ccg one", []string{"A2", "A1", "A2"}}},
		},
		check: func(t *testing.T, r *Report) {
			if !cmp.Equal(r.DuplicateCCGs, []string{"C2"}) || r.MemberLinks != 5 || r.MembersDropped != 1 || r.CCGsKept != 2 {
				t.Errorf("report %+v", r)
			}
		},
	}, {
		name:      "rule 4: a CCG left without practices is dropped, as is one with none",
		practices: orgs("A1", "X9"),
		ccgs:      orgs("C1", "C2", "C3"),
		members:   map[string][]Organisation{"C1": orgs("X9"), "C2": orgs("A1")},
		want:      Metadata{Practices: []Practice{{"A1", "Name A1", []string{"001"}}}, CCGs: []CCG{{"C2", "Name C2", []string{"A1"}}}},
		check: func(t *testing.T, r *Report) {
			if !cmp.Equal(r.EmptyCCGs, []string{"C1", "C3"}) {
				t.Errorf("empty CCGs %v", r.EmptyCCGs)
			}
		},
	}, {
		name:      "rule 5: nothing is sorted",
		practices: orgs("A4", "A1", "A3"),
		ccgs:      orgs("Z", "B"),
		members:   map[string][]Organisation{"Z": orgs("A3", "A1"), "B": orgs("A4")},
		want: Metadata{
			Practices: []Practice{{"A4", "Name A4", []string{"004"}}, {"A1", "Name A1", []string{"001"}}, {"A3", "Name A3", []string{"003"}}},
			CCGs:      []CCG{{"Z", "Name Z", []string{"A3", "A1"}}, {"B", "Name B", []string{"A4"}}},
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var asked []string
			md, rep, err := Build(Source{Practices: tc.practices, CCGs: tc.ccgs, ASIDs: asids,
				Members: func(c string) ([]Organisation, error) { asked = append(asked, c); return tc.members[c], nil }})
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, *md); d != "" {
				t.Errorf("metadata (-want +got):\n%s", d)
			}
			if want := uniqueCodes(tc.ccgs); !cmp.Equal(asked, want) {
				t.Errorf("members asked for %v, want each distinct CCG once in order %v", asked, want)
			}
			if tc.check != nil {
				tc.check(t, rep)
			}
		})
	}
}

func uniqueCodes(os []Organisation) []string {
	var out []string
	seen := map[string]bool{}
	for _, o := range os {
		if !seen[o.Code] {
			seen[o.Code] = true
			out = append(out, o.Code)
		}
	}
	return out
}

func TestBuildMembersError(t *testing.T) {
	boom := errors.New("boom")
	_, _, err := Build(Source{CCGs: orgs("C1"), Members: func(string) ([]Organisation, error) { return nil, boom }})
	if !errors.Is(err, boom) {
		t.Fatalf("err %v, want boom", err)
	}
}

// TestAppendString checks the escaping against what Python's json.dumps
// wrote for the same strings.
func TestAppendString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain ~ /", `"plain ~ /"`},
		{"\"\\/\n\r\t\b\f\x01\x7f\u00e9\u2028\U0001F600\ufffd~ ", `"\"\\/\n\r\t\b\f\u0001\u007f\u00e9\u2028\ud83d\ude00\ufffd~ "`},
		{"DR \u00d3'NEILL", `"DR \u00d3'NEILL"`},
		{"Meddygfa T\u0177 Gwyn", `"Meddygfa T\u0177 Gwyn"`},
		{"\U0010FFFF", `"\udbff\udfff"`},
		{"\U00010000", `"\ud800\udc00"`},
		{"bad \xff", `"bad \ufffd"`},
		{"", `""`},
	}
	for _, tc := range tests {
		if got := string(appendString(nil, tc.in)); got != tc.want {
			t.Errorf("appendString(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestEncode(t *testing.T) {
	md := &Metadata{
		Practices: []Practice{{"B12345", "Test GP 2", []string{"1"}}, {"C12345", "Test GP 3", []string{"000033357014", "123433357014"}}},
		CCGs:      []CCG{{"14C", "Test CCG 3", []string{"B12345", "C12345"}}},
	}
	at := time.Date(2021, 6, 18, 10, 11, 12, 123456789, time.UTC)
	v2 := `{"generated_on": "2021-06-18T10:11:12.123456+00:00", "practices": [{"ods_code": "B12345", "name": "Test GP 2", "asids": ["1"]}, {"ods_code": "C12345", "name": "Test GP 3", "asids": ["000033357014", "123433357014"]}], "ccgs": [{"ods_code": "14C", "name": "Test CCG 3", "practices": ["B12345", "C12345"]}]}`
	if got := string(Encode(md, V2, at, 2021, 6)); got != v2 {
		t.Errorf("v2:\n got %s\nwant %s", got, v2)
	}
	v5 := `{"generated_on": "2021-06-18T10:11:12.123456+00:00", "year": 2021, "month": 6, "practices": [{"ods_code": "B12345", "name": "Test GP 2", "asids": ["1"]}, {"ods_code": "C12345", "name": "Test GP 3", "asids": ["000033357014", "123433357014"]}], "sicbls": [{"ods_code": "14C", "name": "Test CCG 3", "practices": ["B12345", "C12345"]}]}`
	if got := string(Encode(md, V5, at, 2021, 6)); got != v5 {
		t.Errorf("v5:\n got %s\nwant %s", got, v5)
	}
	empty := `{"generated_on": "2021-06-18T10:11:12+00:00", "practices": [], "ccgs": []}`
	if got := string(Encode(&Metadata{}, V2, at.Truncate(time.Second), 2021, 6)); got != empty {
		t.Errorf("empty:\n got %s\nwant %s", got, empty)
	}
}

func TestIsoFormat(t *testing.T) {
	plus1 := time.FixedZone("", 3600)
	tests := []struct {
		t     time.Time
		zoned bool
		want  string
	}{
		{time.Date(2020, 1, 30, 18, 44, 49, 0, time.UTC), true, "2020-01-30T18:44:49+00:00"},
		{time.Date(2020, 1, 30, 18, 44, 49, 1000, time.UTC), true, "2020-01-30T18:44:49.000001+00:00"},
		{time.Date(2020, 1, 30, 18, 44, 49, 999, time.UTC), true, "2020-01-30T18:44:49+00:00"},
		{time.Date(2020, 1, 30, 18, 44, 49, 0, plus1), true, "2020-01-30T18:44:49+01:00"},
		{time.Date(2020, 1, 30, 18, 44, 49, 500000000, time.UTC), false, "2020-01-30T18:44:49.500000"},
	}
	for _, tc := range tests {
		if got := PyIsoFormat(tc.t, tc.zoned); got != tc.want {
			t.Errorf("PyIsoFormat(%v, %v) = %s, want %s", tc.t, tc.zoned, got, tc.want)
		}
	}
	if got := IsoFormat(time.Date(2020, 1, 30, 19, 44, 49, 0, plus1)); got != "2020-01-30T18:44:49+00:00" {
		t.Errorf("IsoFormat in UTC = %s", got)
	}
}

func TestFormat(t *testing.T) {
	for _, tc := range []struct {
		f    Format
		y, m int
		want string
	}{{V2, 2020, 1, "v2/2020/1/organisationMetadata.json"}, {V5, 2019, 12, "v5/2019/12/organisationMetadata.json"}} {
		if got := tc.f.Key(tc.y, tc.m); got != tc.want {
			t.Errorf("%s.Key = %s, want %s", tc.f, got, tc.want)
		}
	}
	for _, s := range []string{"v2", "v5"} {
		if _, ok := ParseFormat(s); !ok {
			t.Errorf("ParseFormat(%q) not ok", s)
		}
	}
	for _, s := range []string{"", "V2", "v3", "v4"} {
		if _, ok := ParseFormat(s); ok {
			t.Errorf("ParseFormat(%q) ok", s)
		}
	}
}

// FuzzAppendString: whatever the string, the output is ASCII JSON that
// decodes back to it (invalid UTF-8 as U+FFFD).
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "DR \u00d3'NEILL", "\U0001F600\"\\\x00\x7f", "bad \xff\xfe", "\u2028\u2029</script>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := appendString(nil, s)
		for _, c := range b {
			if c < ' ' || c > '~' {
				t.Fatalf("appendString(%q) = %q: not printable ASCII", s, b)
			}
		}
		var got string
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("appendString(%q) = %s: %v", s, b, err)
		}
		var want []rune
		for _, r := range s { // each invalid byte as U+FFFD
			want = append(want, r)
		}
		if got != string(want) {
			t.Fatalf("appendString(%q) decodes to %q, want %q", s, got, string(want))
		}
	})
}
