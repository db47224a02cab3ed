package spinelog

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nhsdigital/gp2gp/internal/golden"
	"github.com/nhsdigital/gp2gp/internal/spine"
)

// goldenFile reads a file of a golden case, given as CASE/PATH (see
// golden.Case.Dir for when it skips).
func goldenFile(t *testing.T, path string) []byte {
	t.Helper()
	name, rest, _ := strings.Cut(path, "/")
	data, err := os.ReadFile(golden.Find(t, name).Path(t, filepath.FromSlash(rest)))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestGoldenFiles reads every golden Spine log. The expected counts are the
// CSV records (not lines) of each file, counted independently with Python's
// csv module.
func TestGoldenFiles(t *testing.T) {
	tests := []struct {
		path string
		rows int
	}{
		{"reference-e2e/spine/v2/messages/2019/12/2019-12_spine_messages.csv.gz", 34},
		{"reference-e2e/spine/v2/messages-overflow/2020/1/2020-1_spine_messages_overflow.csv.gz", 1},
		{"successor-e2e-api-times/spine/v2/messages/2019/12/2019-12_spine_messages.csv.gz", 34},
		{"successor-e2e-api-times/spine/v2/messages-overflow/2020/1/2020-1_spine_messages_overflow.csv.gz", 5},
		{"dec2019-1k/spine/v2/messages/2019/12/2019-12_spine_messages.csv.gz", 9334},
		{"dec2019-1k/spine/v2/messages-overflow/2020/1/2020-1_spine_messages_overflow.csv.gz", 557},
		{"feb2020-3k-nocutoff/spine/v2/messages/2020/2/2020-2_spine_messages.csv.gz", 28986},
		{"feb2020-3k-nocutoff/spine/v2/messages-overflow/2020/3/2020-3_spine_messages_overflow.csv.gz", 1986},
		{"dec2020-2k-cutoff7/spine/v2/messages/2020/12/2020-12_spine_messages.csv.gz", 18930},
		{"dec2020-2k-cutoff7/spine/v2/messages-overflow/2021/1/2021-1_spine_messages_overflow.csv.gz", 1246},
	}
	for _, tt := range tests {
		t.Run(filepath.Dir(tt.path), func(t *testing.T) {
			data := goldenFile(t, tt.path)
			res := readAll(t, data)
			if res.err != nil || len(res.perrs) > 0 {
				t.Fatalf("got %v and %d bad rows, first %v", res.err, len(res.perrs), res.perrs)
			}
			if len(res.msgs) != tt.rows {
				t.Errorf("read %d messages, want %d", len(res.msgs), tt.rows)
			}
			if res.stats.CompressedBytes != int64(len(data)) {
				t.Errorf("consumed %d compressed bytes of %d", res.stats.CompressedBytes, len(data))
			}
		})
	}
}

// TestGoldenValues checks decoded values of known rows, in both timestamp
// spellings.
func TestGoldenValues(t *testing.T) {
	read := func(path string) []spine.Message {
		return readAll(t, goldenFile(t, path)).msgs
	}
	ref := read("reference-e2e/spine/v2/messages/2019/12/2019-12_spine_messages.csv.gz")
	// "2019-12-01T18:02:29.985+0000","integrated-within-8-days--A12345","integrated-within-8-days--A12345",
	// "urn:nhs:names:services:gp2gp/RCMR_IN010000UK05",123456789123,003456789123,NotProvided,NONE,,
	want := spine.Message{
		Time:           at(2019, 12, 1, 18, 2, 29, 985_000),
		ConversationID: "integrated-within-8-days--A12345",
		GUID:           "integrated-within-8-days--A12345",
		Interaction:    started,
		Sender:         "123456789123",
		Recipient:      "003456789123",
		ToSystem:       spine.Str(""),
		FromSystem:     spine.Str(""),
	}
	if diff := cmp.Diff(want, ref[1]); diff != "" {
		t.Errorf("reference-e2e row 2 (-want +got):\n%s", diff)
	}

	// The successor's file spells times as Splunk's REST API does. Line 7:
	// "2019-12-02 19:02:29.985 BST","integrated-within-8-days--A12345",... (BST is +01:00).
	api := read("successor-e2e-api-times/spine/v2/messages/2019/12/2019-12_spine_messages.csv.gz")
	want.Time = at(2019, 12, 2, 18, 2, 29, 985_000)
	if diff := cmp.Diff(want, api[5]); diff != "" {
		t.Errorf("successor-e2e-api-times line 7 (-want +got):\n%s", diff)
	}
	// Line 2: "2019-12-01 18:02:29.985 UTC".
	if got, want := api[0].Time, at(2019, 12, 1, 18, 2, 29, 985_000); got != want {
		t.Errorf("successor-e2e-api-times line 2: time %d, want %d", got, want)
	}
}
