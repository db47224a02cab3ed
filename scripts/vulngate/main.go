// Command vulngate reads govulncheck's JSON output (-format json) on stdin
// and reports the vulnerabilities the code reaches in two groups: those in
// the Go standard library, which an upgrade of the Go toolchain fixes (a
// warning), and those in the modules of go.mod, which fail the gate (exit 1).
// scripts/check-deps.sh (make check-deps) runs it.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
)

// message is one message of govulncheck's JSON stream; only the fields
// used here.
type message struct {
	Config *struct {
		GoVersion string `json:"go_version"`
		DB        string `json:"db"`
	} `json:"config"`
	OSV *struct {
		ID      string `json:"id"`
		Summary string `json:"summary"`
	} `json:"osv"`
	Finding *struct {
		OSV          string `json:"osv"`
		FixedVersion string `json:"fixed_version"`
		Trace        []struct {
			Module   string `json:"module"`
			Version  string `json:"version"`
			Package  string `json:"package"`
			Function string `json:"function"`
		} `json:"trace"`
	} `json:"finding"`
}

// vuln is one vulnerability reached in one module.
type vuln struct {
	id, fixed string
	symbols   []string
}

// module is a module's reached vulnerabilities.
type module struct {
	path, version string
	vulns         map[string]*vuln
}

func main() {
	code, err := run(os.Stdin, os.Stdout)
	if err != nil {
		fmt.Fprintf(os.Stderr, "vulngate: %v\n", err)
		os.Exit(2)
	}
	os.Exit(code)
}

func run(r io.Reader, w io.Writer) (int, error) {
	dec := json.NewDecoder(r)
	summaries := map[string]string{}
	modules := map[string]*module{}
	goVersion, db := "", ""
	imported := map[string]bool{} // vulnerable code imported but not called
	for {
		var m message
		err := dec.Decode(&m)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, fmt.Errorf("read govulncheck output: %w", err)
		}
		switch {
		case m.Config != nil:
			goVersion, db = m.Config.GoVersion, m.Config.DB
		case m.OSV != nil:
			summaries[m.OSV.ID] = m.OSV.Summary
		case m.Finding != nil && len(m.Finding.Trace) > 0:
			f := m.Finding
			top := f.Trace[0]
			if top.Function == "" {
				imported[f.OSV] = true
				continue
			}
			mod := modules[top.Module]
			if mod == nil {
				mod = &module{path: top.Module, version: top.Version, vulns: map[string]*vuln{}}
				modules[top.Module] = mod
			}
			v := mod.vulns[f.OSV]
			if v == nil {
				v = &vuln{id: f.OSV, fixed: f.FixedVersion}
				mod.vulns[f.OSV] = v
			}
			sym := top.Package + "." + top.Function
			if !slices.Contains(v.symbols, sym) {
				v.symbols = append(v.symbols, sym)
			}
		}
	}
	if goVersion == "" {
		return 0, errors.New("no govulncheck config message: is this govulncheck -format json output?")
	}
	fmt.Fprintf(w, "govulncheck with %s, database %s\n", goVersion, db)

	if std := modules["stdlib"]; std != nil {
		delete(modules, "stdlib")
		fmt.Fprintf(w, "\nWARNING: the Go toolchain %s has %d vulnerabilities the code reaches (not a module of go.mod; fixed by upgrading Go to %s or later):\n",
			goVersion, len(std.vulns), "go"+strings.TrimPrefix(maxFixed(std), "v"))
		printVulns(w, std, summaries)
	} else {
		fmt.Fprintf(w, "\nstandard library (%s): no reachable vulnerabilities\n", goVersion)
	}
	if len(modules) == 0 {
		fmt.Fprintf(w, "\nmodules: no reachable vulnerabilities (%d more only imported, not called)\n", len(imported))
		return 0, nil
	}
	paths := make([]string, 0, len(modules))
	for p := range modules {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	fmt.Fprintf(w, "\nFAIL: modules with vulnerabilities the code reaches; upgrade them (go get module@fixed):\n")
	for _, p := range paths {
		m := modules[p]
		fmt.Fprintf(w, "  %s@%s -> %s\n", m.path, m.version, maxFixed(m))
		printVulns(w, m, summaries)
	}
	return 1, nil
}

// maxFixed returns the highest version that fixes all of m's vulnerabilities.
func maxFixed(m *module) string {
	best := ""
	for _, v := range m.vulns {
		if best == "" || compareVersions(v.fixed, best) > 0 {
			best = v.fixed
		}
	}
	if best == "" {
		return "(no fix yet)"
	}
	return best
}

func printVulns(w io.Writer, m *module, summaries map[string]string) {
	ids := make([]string, 0, len(m.vulns))
	for id := range m.vulns {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		v := m.vulns[id]
		fixed := v.fixed
		if fixed == "" {
			fixed = "no fix yet"
		}
		syms := slices.Sorted(slices.Values(v.symbols))
		more := ""
		if len(syms) > 3 {
			more = fmt.Sprintf(" and %d more", len(syms)-3)
			syms = syms[:3]
		}
		fmt.Fprintf(w, "    %s (fixed in %s) %s\n      reached at %s%s\n", id, fixed, summaries[id], strings.Join(syms, ", "), more)
	}
}

// compareVersions compares two release versions such as v1.26.9 by their
// numeric parts (pre-release suffixes are ignored).
func compareVersions(a, b string) int {
	pa, pb := versionParts(a), versionParts(b)
	for i := range max(len(pa), len(pb)) {
		x, y := 0, 0
		if i < len(pa) {
			x = pa[i]
		}
		if i < len(pb) {
			y = pb[i]
		}
		if x != y {
			return x - y
		}
	}
	return 0
}

func versionParts(v string) []int {
	v = strings.TrimPrefix(strings.TrimPrefix(v, "go"), "v")
	v, _, _ = strings.Cut(v, "-")
	var parts []int
	for _, s := range strings.Split(v, ".") {
		n, _ := strconv.Atoi(s)
		parts = append(parts, n)
	}
	return parts
}
