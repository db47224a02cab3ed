// Package golden finds the golden cases for tests: inputs with the exact
// outputs the reference programs produced for them.
//
// Two sources, one list. The synthetic cases were made for this project
// and ship with it under testdata/golden at the module's root, so a fresh
// clone tests them. The cases built from the reference services' public
// test fixtures carry no licence and are never copied into the project:
// they are read from shared/golden beside the checkout (or
// $GP2GP_GOLDEN_DIR) when it is there. A test asks for one of those with
// Case.Dir, which skips, naming the case and why, when it is absent, and
// fails instead when CI=true, where it must be present.
package golden

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// Kind is what a case exercises, from its case.json.
type Kind string

const (
	Monthly  Kind = "monthly"  // gp2gp run: no "kind" in case.json
	ODS      Kind = "ods"      // gp2gp ods: "kind": "ods"
	Classify Kind = "classify" // gp2gp classify: "command": "gp2gp classify"
	Metrics  Kind = "metrics"  // gp2gp metrics: "command": "gp2gp metrics"
)

// DirEnv names the variable that overrides where the unshipped cases are
// read from.
const DirEnv = "GP2GP_GOLDEN_DIR"

// unshipped are the cases built from public fixtures that carry no
// licence, by name, so that a test still lists them, and says why it
// skips them, where they are absent. Any other case found beside the
// checkout is listed too.
var unshipped = map[string]Kind{
	"reference-e2e":           Monthly,
	"successor-e2e-api-times": Monthly,
	"successor-classify-e2e":  Classify,
	"successor-classify-uk07": Classify,
	"successor-metrics-e2e":   Metrics,
}

// Case is one golden case.
type Case struct {
	Name string
	Kind Kind
	// Shipped is true for the cases in the project's own testdata.
	Shipped bool

	dir string // "" when the case is not available here
	raw json.RawMessage

	// A monthly case's settings (docs/inputs.md).
	DateAnchor     string `json:"date_anchor"`
	CutoffDays     *int   `json:"cutoff_days"` // nil: no cutoff
	MetricMonth    string `json:"metric_month"`
	OverflowMonth  string `json:"overflow_month"`
	SpineBucket    string `json:"spine_bucket"`
	OrgBucket      string `json:"organisation_metadata_bucket"`
	ExpectedPrefix string `json:"expected_output_prefix"` // e.g. expected/v4/2019/12/
}

// Dir returns the case's directory. A case that is not available here is
// skipped, saying why, or fails the test when CI=true.
func (c Case) Dir(t testing.TB) string {
	t.Helper()
	if c.dir == "" {
		msg := fmt.Sprintf("golden case %s is built from public test fixtures that carry no licence, so it is not shipped with the project; "+
			"it is read from %s when that exists (set %s to read it from elsewhere)", c.Name, sharedDir(t), DirEnv)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + "; CI=true, where it must be present")
		}
		t.Skip(msg)
	}
	return c.dir
}

// Path joins elem to the case's directory (see Dir).
func (c Case) Path(t testing.TB, elem ...string) string {
	t.Helper()
	return filepath.Join(append([]string{c.Dir(t)}, elem...)...)
}

// Decode decodes the case's whole case.json into v, for the fields of
// kinds other than Monthly. It needs the case (see Dir).
func (c Case) Decode(t testing.TB, v any) {
	t.Helper()
	c.Dir(t)
	if err := json.Unmarshal(c.raw, v); err != nil {
		t.Fatalf("golden case %s: case.json: %v", c.Name, err)
	}
}

// Cases returns every case of kind k, shipped and unshipped, by name. An
// unshipped case absent here is listed all the same: its Dir skips.
func Cases(t testing.TB, k Kind) []Case {
	t.Helper()
	var out []Case
	for _, c := range all(t) {
		if c.Kind == k {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		t.Fatalf("no golden case of kind %s", k)
	}
	return out
}

// Find returns the case named name.
func Find(t testing.TB, name string) Case {
	t.Helper()
	for _, c := range all(t) {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no golden case %s", name)
	return Case{}
}

var (
	loadOnce sync.Once
	loaded   []Case
	loadErr  error
)

// all lists the cases once per test binary.
func all(t testing.TB) []Case {
	t.Helper()
	loadOnce.Do(func() { loaded, loadErr = load() })
	if loadErr != nil {
		t.Fatal(loadErr)
	}
	return loaded
}

func load() ([]Case, error) {
	root, err := ModuleRoot()
	if err != nil {
		return nil, err
	}
	shipped, err := readCases(filepath.Join(root, "testdata", "golden"), true)
	if err != nil {
		return nil, err
	}
	if len(shipped) == 0 {
		return nil, fmt.Errorf("no golden case under %s", filepath.Join(root, "testdata", "golden"))
	}
	byName := map[string]Case{}
	for _, c := range shipped {
		byName[c.Name] = c
	}
	shared, err := readCases(sharedDirFrom(root), false)
	if err != nil {
		return nil, err
	}
	for _, c := range shared {
		if _, ok := byName[c.Name]; !ok {
			byName[c.Name] = c
		}
	}
	for name, k := range unshipped {
		if _, ok := byName[name]; !ok {
			byName[name] = Case{Name: name, Kind: k}
		}
	}
	cases := make([]Case, 0, len(byName))
	for _, c := range byName {
		cases = append(cases, c)
	}
	slices.SortFunc(cases, func(a, b Case) int { return cmp.Compare(a.Name, b.Name) })
	return cases, nil
}

// readCases reads the case.json of every folder of dir; a missing dir
// has none.
func readCases(dir string, shipped bool) ([]Case, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var cases []Case
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		path := filepath.Join(dir, e.Name(), "case.json")
		b, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		c, err := parseCase(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		c.Name, c.Shipped, c.dir = e.Name(), shipped, filepath.Join(dir, e.Name())
		cases = append(cases, c)
	}
	return cases, nil
}

// parseCase reads a case.json and its kind: "kind" if set, else the
// subcommand of "command", else Monthly.
func parseCase(b []byte) (Case, error) {
	var c Case
	if err := json.Unmarshal(b, &c); err != nil {
		return c, err
	}
	var k struct {
		Kind    string `json:"kind"`
		Command string `json:"command"`
	}
	if err := json.Unmarshal(b, &k); err != nil {
		return c, err
	}
	switch {
	case k.Kind != "":
		c.Kind = Kind(k.Kind)
	case k.Command != "":
		sub, ok := strings.CutPrefix(k.Command, "gp2gp ")
		if !ok {
			return c, fmt.Errorf("command %q is not a gp2gp subcommand", k.Command)
		}
		c.Kind = Kind(sub)
	default:
		c.Kind = Monthly
	}
	c.raw = b
	return c, nil
}

// ModuleRoot is the directory holding the main module's go.mod, found
// from the working directory up.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("golden: no go.mod above the working directory")
		}
		dir = parent
	}
}

// sharedDirFrom is where the unshipped cases are read: $GP2GP_GOLDEN_DIR,
// or shared/golden beside the checkout.
func sharedDirFrom(root string) string {
	if d := os.Getenv(DirEnv); d != "" {
		return d
	}
	return filepath.Join(filepath.Dir(root), "shared", "golden")
}

func sharedDir(t testing.TB) string {
	root, err := ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	return sharedDirFrom(root)
}

// Available reports whether the case's files are here.
func (c Case) Available() bool { return c.dir != "" }
