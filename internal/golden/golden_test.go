package golden

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestParseCaseKind(t *testing.T) {
	tests := []struct {
		json string
		want Kind
	}{
		{`{"date_anchor": "2020-01-15T00:00:00Z"}`, Monthly},
		{`{"kind": "ods"}`, ODS},
		{`{"command": "gp2gp classify"}`, Classify},
		{`{"command": "gp2gp metrics"}`, Metrics},
		{`{"kind": "ods", "command": "gp2gp classify"}`, ODS},
	}
	for _, tt := range tests {
		c, err := parseCase([]byte(tt.json))
		if err != nil || c.Kind != tt.want {
			t.Errorf("parseCase(%s) = %q, %v; want %q", tt.json, c.Kind, err, tt.want)
		}
	}
	for _, bad := range []string{`{"command": "python -m classifier"}`, `{"cutoff_days": "x"}`, `[`} {
		if _, err := parseCase([]byte(bad)); err == nil {
			t.Errorf("parseCase(%s): no error", bad)
		}
	}
}

// TestShippedCases: a fresh clone has the synthetic cases, of the right
// kinds, with their settings read.
func TestShippedCases(t *testing.T) {
	want := map[string]Kind{
		"dec2019-1k":          Monthly,
		"feb2020-3k-nocutoff": Monthly,
		"dec2020-2k-cutoff7":  Monthly,
		"ods-small":           ODS,
	}
	for name, k := range want {
		c := Find(t, name)
		if !c.Shipped || c.Kind != k {
			t.Errorf("%s: shipped %v, kind %q; want shipped, %q", name, c.Shipped, c.Kind, k)
		}
		if _, err := os.Stat(c.Path(t, "case.json")); err != nil {
			t.Error(err)
		}
	}
	feb := Find(t, "feb2020-3k-nocutoff")
	if feb.CutoffDays != nil || feb.DateAnchor != "2020-03-01T00:30:00+01:00" || feb.ExpectedPrefix != "expected/v4/2020/2/" {
		t.Errorf("feb2020-3k-nocutoff settings: %+v", feb)
	}
	if c := Find(t, "dec2020-2k-cutoff7"); c.CutoffDays == nil || *c.CutoffDays != 7 {
		t.Errorf("dec2020-2k-cutoff7 cutoff: %v", c.CutoffDays)
	}
	for _, c := range Cases(t, Monthly) {
		if c.Kind != Monthly {
			t.Errorf("Cases(Monthly) has %s of kind %s", c.Name, c.Kind)
		}
	}
	if n := len(Find(t, "dec2019-1k").Manifest(t)); n != 1000 {
		t.Errorf("dec2019-1k manifest: %d conversations, want 1000", n)
	}
}

// TestUnshippedCasesListed: the unshipped cases are listed whether or not
// they are here, so that their tests skip (or fail in CI) by name rather
// than vanish.
func TestUnshippedCasesListed(t *testing.T) {
	for name, k := range unshipped {
		c := Find(t, name)
		if c.Shipped || c.Kind != k {
			t.Errorf("%s: shipped %v, kind %q; want not shipped, %q", name, c.Shipped, c.Kind, k)
		}
		root, _ := ModuleRoot()
		if _, err := os.Stat(filepath.Join(root, "testdata", "golden", name)); err == nil {
			t.Errorf("%s is in the project's testdata: it carries no licence and must not be copied", name)
		}
	}
}

// TestShippedMatchShared: the shipped copies are byte for byte the cases
// they were copied from, where those are beside the checkout.
func TestShippedMatchShared(t *testing.T) {
	root, err := ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	shared := sharedDirFrom(root)
	if _, err := os.Stat(shared); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true and %s is absent: %v", shared, err)
		}
		t.Skipf("%s is absent, nothing to compare the shipped cases with", shared)
	}
	for _, c := range all(t) {
		if !c.Shipped {
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			src := filepath.Join(shared, c.Name)
			files := 0
			err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				rel, _ := filepath.Rel(src, path)
				want, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				got, err := os.ReadFile(filepath.Join(c.dir, rel))
				if err != nil {
					t.Errorf("shipped copy lacks %s: %v", rel, err)
					return nil
				}
				if !bytes.Equal(got, want) {
					t.Errorf("shipped %s differs from %s", rel, path)
				}
				files++
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if files == 0 {
				t.Errorf("%s has no files", src)
			}
		})
	}
}

// TestUnavailableCaseSkips: an absent unshipped case skips outside CI and
// fails in it.
func TestUnavailableCaseSkips(t *testing.T) {
	c := Case{Name: "absent"}
	for _, ci := range []string{"", "true"} {
		t.Setenv("CI", ci)
		ft := &fakeT{TB: t}
		func() {
			defer func() { recover() }() // Skip and Fatal end the goroutine's test; fakeT panics instead
			c.Dir(ft)
		}()
		if wantSkip := ci != "true"; ft.skipped != wantSkip || ft.failed == wantSkip {
			t.Errorf("CI=%q: skipped %v, failed %v", ci, ft.skipped, ft.failed)
		}
	}
}

type fakeT struct {
	testing.TB
	skipped, failed bool
}

func (f *fakeT) Helper()               {}
func (f *fakeT) Skip(...any)           { f.skipped = true; panic("skip") }
func (f *fakeT) Fatal(...any)          { f.failed = true; panic("fatal") }
func (f *fakeT) Fatalf(string, ...any) { f.failed = true; panic("fatal") }
