package layering

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// module is the module path; domain packages are named relative to it.
const module = "github.com/nhsdigital/gp2gp/"

// domain are the packages that hold the pipeline's rules. They take values
// (or an io.Reader) and return values: reading and writing buckets, files,
// the network or the environment belongs to store, pipeline and cli, so
// that the rules can be tested, fuzzed and benchmarked without any.
var domain = []string{"internal/spine", "internal/metrics", "internal/ods", "internal/v12"}

// allowed are the standard packages a domain package may import: pure
// computation, plus io and encoding/json for decoding what a caller opened.
// Anything else (os, io/fs, net/..., database/..., os/exec, syscall, ...)
// is I/O or may be, and so is every package outside the module.
var allowed = map[string]bool{
	"bytes": true, "cmp": true, "encoding/json": true, "errors": true,
	"fmt": true, "hash/maphash": true, "io": true, "iter": true,
	"maps": true, "math": true, "math/bits": true, "slices": true,
	"sort": true, "strconv": true, "strings": true, "time": true,
	"unicode": true, "unicode/utf8": true, "unicode/utf16": true,
}

// violations returns, for the non-test Go files in dir (every file, whatever
// its build constraints), "file:line: imports X" for each import that is
// neither allowed nor another domain package.
func violations(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var bad []string
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		ast, err := parser.ParseFile(fset, f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range ast.Imports {
			path, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				t.Fatal(err)
			}
			if allowed[path] {
				continue
			}
			if rel, ok := strings.CutPrefix(path, module); ok && slices.Contains(domain, rel) {
				continue
			}
			bad = append(bad, fset.Position(imp.Pos()).String()+": imports "+strconv.Quote(path))
		}
	}
	return bad
}

// TestDomainDoesNoIO fails if a domain package imports a package that does
// I/O, or one outside the allow-list.
func TestDomainDoesNoIO(t *testing.T) {
	for _, pkg := range domain {
		dir := filepath.Join("..", "..", filepath.FromSlash(pkg))
		if _, err := os.Stat(dir); err != nil {
			t.Fatalf("domain package %s: %v", pkg, err)
		}
		for _, v := range violations(t, dir) {
			v = filepath.ToSlash(strings.TrimPrefix(v, filepath.Join("..", "..")+string(filepath.Separator)))
			t.Errorf("%s, which a domain package (%s) may not: it does I/O or is not on the allow-list in internal/layering (move the I/O to pipeline, store or cli and pass values in)", v, pkg)
		}
	}
}

// TestViolations checks the check on a package that does I/O.
func TestViolations(t *testing.T) {
	dir := t.TempDir()
	src := "package x\n\nimport (\n\t\"fmt\"\n\t\"os\"\n\t_ \"github.com/nhsdigital/gp2gp/internal/spine\"\n\t\"github.com/nhsdigital/gp2gp/internal/store\"\n)\n"
	if err := os.WriteFile(filepath.Join(dir, "x.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "x_test.go"), []byte("package x\n\nimport \"net\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got := violations(t, dir)
	want := []string{
		filepath.Join(dir, "x.go") + `:5:2: imports "os"`,
		filepath.Join(dir, "x.go") + `:7:2: imports "github.com/nhsdigital/gp2gp/internal/store"`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("violations = %q, want %q", got, want)
	}
}
