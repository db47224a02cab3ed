package odsrun

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nhsdigital/gp2gp/internal/golden"
	"github.com/nhsdigital/gp2gp/internal/metrics"
	"github.com/nhsdigital/gp2gp/internal/ods"
	"github.com/nhsdigital/gp2gp/internal/ord"
	"github.com/nhsdigital/gp2gp/internal/ord/ordtest"
	"github.com/nhsdigital/gp2gp/internal/store"
)

var pinned = time.Date(2026, 12, 3, 18, 26, 22, 769336000, time.UTC)

// goldenCase is ods-small's case.json.
type goldenCase struct {
	Env              map[string]string `json:"env"`
	ORD              string            `json:"ord"`
	Expected         string            `json:"expected"`
	ExpectedMetadata map[string]string `json:"expected_s3_metadata"`
	Warnings         string            `json:"reference_warnings"`
}

func fastORD(url string) ord.Config {
	return ord.Config{URL: url, UserAgent: "gp2gp/test", Timeout: 2 * time.Second, MaxAttempts: 3,
		MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, RequestsPerSecond: -1}
}

// setup returns the golden case, a fake ORD serving it and a config
// reading its mapping bucket and writing to a fresh directory.
func setup(t *testing.T) (golden.Case, goldenCase, *ordtest.Server, Config) {
	c := golden.Find(t, "ods-small")
	var gc goldenCase
	c.Decode(t, &gc)
	s := ordtest.New(t, ordtest.Load(t, c.Path(t, gc.ORD)))
	anchor, _ := time.Parse(time.RFC3339, gc.Env["DATE_ANCHOR"])
	cfg := Config{
		OutputBucket:  filepath.Join(t.TempDir(), "out"),
		MappingBucket: c.Path(t, gc.Env["MAPPING_BUCKET"]),
		Anchor:        anchor, AnchorZoned: true,
		BuildTag: gc.Env["BUILD_TAG"],
		ORD:      fastORD(s.SearchURL()),
		Now:      func() time.Time { return pinned },
	}
	return c, gc, s, cfg
}

// TestGolden: ods-small's output byte for byte, generated_on pinned to
// the expected file's.
func TestGolden(t *testing.T) {
	c, gc, s, cfg := setup(t)
	s.Fault = func(n int, w http.ResponseWriter, r *http.Request) bool { // one 503, as the acceptance fake does
		if n == 3 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
		}
		return n == 3
	}
	sum, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(c.Path(t, gc.Expected))
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(cfg.OutputBucket, "v2", "2020", "1", "organisationMetadata.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from the reference's:\n got %.300s\nwant %.300s", got, want)
	}
	var warnings map[string]int
	b, _ := os.ReadFile(c.Path(t, gc.Warnings))
	if err := json.Unmarshal(b, &warnings); err != nil {
		t.Fatal(err)
	}
	if sum.WithoutASIDs != warnings["ASIDS_NOT_FOUND"] || sum.DuplicatesDrop != warnings["DUPLICATE_ODS_CODE_FOUND"] {
		t.Errorf("summary: %d without ASIDs, %d duplicates; the reference warned %v", sum.WithoutASIDs, sum.DuplicatesDrop, warnings)
	}
	if sum.Retries != 1 || sum.Requests != len(s.Requests()) {
		t.Errorf("summary: %d requests, %d retries; the server saw %d requests, one answered 503", sum.Requests, sum.Retries, len(s.Requests()))
	}
	if len(sum.WithoutExamples) != maxExamples || sum.CCGsKept+sum.CCGsDropped != countDistinctCodes(t, c, gc) {
		t.Errorf("summary %+v", sum)
	}
	var text strings.Builder
	sum.WriteText(&text)
	for _, w := range []string{"duplicates dropped   7: ", "without ASIDs        131 practices dropped: ", ", …\n", "ORD requests         "} {
		if !strings.Contains(text.String(), w) {
			t.Errorf("summary text lacks %q:\n%s", w, text.String())
		}
	}
}

func countDistinctCodes(t *testing.T, c golden.Case, gc goldenCase) int {
	d := ordtest.Load(t, c.Path(t, gc.ORD))
	seen := map[string]bool{}
	for _, o := range d.CCGs {
		seen[o.OrgID] = true
	}
	return len(seen)
}

// TestRoundTrip: the metadata gp2gp ods writes is what run reads.
func TestRoundTrip(t *testing.T) {
	_, _, _, cfg := setup(t)
	cfg.Now = nil
	if _, err := Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(cfg.OutputBucket, "v2", "2020", "1", "organisationMetadata.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	orgs, err := metrics.ParseOrganisations(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(orgs.Practices) == 0 || len(orgs.CCGs) == 0 || !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$`).MatchString(orgs.GeneratedOn) {
		t.Errorf("parsed %d practices, %d CCGs, generated_on %q", len(orgs.Practices), len(orgs.CCGs), orgs.GeneratedOn)
	}
}

// TestV5 writes the v5 shape, falling back to the previous month's ASID
// export, with the prisons search.
func TestV5(t *testing.T) {
	_, _, s, cfg := setup(t)
	cfg.Format, cfg.Prisons = ods.V5, true
	cfg.Anchor = time.Date(2020, 2, 15, 0, 0, 0, 0, time.UTC) // only January's export exists
	sum, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !sum.ASIDFallback || !strings.HasSuffix(sum.ASIDExport, filepath.FromSlash("2020/1/asidLookup.csv.gz")) {
		t.Errorf("summary %+v, want the January export", sum)
	}
	b, err := os.ReadFile(filepath.Join(cfg.OutputBucket, "v5", "2020", "2", "organisationMetadata.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte(`{"generated_on": "2026-12-03T18:26:22.769336+00:00", "year": 2020, "month": 2, "practices": [{"ods_code": `)) ||
		!bytes.Contains(b, []byte(`], "sicbls": [{"ods_code": `)) {
		t.Errorf("v5 output %.200s", b)
	}
	if q := s.Requests()[0].RawQuery; q != "Status=Active&Roles=RO177%2CRO82%2CRO257%2CRO251%2CRO260&Limit=1000" {
		t.Errorf("practice query %s", q)
	}
}

func TestMissingExport(t *testing.T) {
	for _, f := range []ods.Format{ods.V2, ods.V5} {
		t.Run(string(f), func(t *testing.T) {
			_, _, s, cfg := setup(t)
			cfg.Format = f
			cfg.Anchor = time.Date(2020, 4, 1, 0, 0, 0, 0, time.UTC) // neither April's nor March's
			_, err := Run(context.Background(), cfg)
			if !errors.Is(err, store.ErrNotFound) || !strings.Contains(err.Error(), filepath.FromSlash("2020/4/asidLookup.csv.gz")) {
				t.Fatalf("err %v, want not found naming 2020/4/asidLookup.csv.gz", err)
			}
			if f == ods.V5 && !strings.Contains(err.Error(), filepath.FromSlash("2020/3/asidLookup.csv.gz")) {
				t.Errorf("err %v, want it to name the previous month's key too", err)
			}
			if n := len(s.Requests()); n != 0 {
				t.Errorf("%d ORD requests before the export was found", n)
			}
			assertNothingWritten(t, cfg.OutputBucket)
		})
	}
}

func TestBadExport(t *testing.T) {
	_, _, _, cfg := setup(t)
	cfg.MappingBucket = t.TempDir()
	p := filepath.Join(cfg.MappingBucket, "2020", "1", "asidLookup.csv.gz")
	os.MkdirAll(filepath.Dir(p), 0o755)
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte("ASID,ODS\n1,A\n"))
	zw.Close()
	os.WriteFile(p, b.Bytes(), 0o644)
	_, err := Run(context.Background(), cfg)
	if err == nil || !strings.Contains(err.Error(), p+": header has no NACS column") {
		t.Fatalf("err %v", err)
	}
	assertNothingWritten(t, cfg.OutputBucket)
}

func TestAPIFailureWritesNothing(t *testing.T) {
	_, _, s, cfg := setup(t)
	s.Fault = func(n int, w http.ResponseWriter, r *http.Request) bool {
		if strings.Contains(r.URL.RawQuery, "TargetOrgId") { // the last phase
			http.Error(w, "down", http.StatusInternalServerError)
			return true
		}
		return false
	}
	_, err := Run(context.Background(), cfg)
	var oe *ord.Error
	if !errors.As(err, &oe) || !strings.Contains(err.Error(), "gave up after 3 attempts: status 500") {
		t.Fatalf("err %v", err)
	}
	assertNothingWritten(t, cfg.OutputBucket)
}

func assertNothingWritten(t *testing.T, dir string) {
	t.Helper()
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s exists (err %v): something was written", dir, err)
	}
}

// TestOutputNotWritable fails before any ORD request.
func TestOutputNotWritable(t *testing.T) {
	_, _, s, cfg := setup(t)
	cfg.OutputBucket = filepath.Join(t.TempDir(), "a-file")
	os.WriteFile(cfg.OutputBucket, nil, 0o644)
	_, err := Run(context.Background(), cfg)
	if err == nil || !strings.Contains(err.Error(), "output bucket: ") {
		t.Fatalf("err %v", err)
	}
	if n := len(s.Requests()); n != 0 {
		t.Errorf("%d ORD requests before the output was found unwritable", n)
	}
}
