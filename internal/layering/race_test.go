package layering

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestRaceCoversGoroutines: `make race` (which CI runs) tests every package
// whose non-test code starts a goroutine, so that one added later is not
// left out of the race detector's reach.
func TestRaceCoversGoroutines(t *testing.T) {
	root := filepath.Join("..", "..")
	makefile, err := os.ReadFile(filepath.Join(root, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^race:.*\n\t\$\(GO\) test -race (.*)$`).FindSubmatch(makefile)
	if m == nil {
		t.Fatal("no `race:` target running $(GO) test -race in the Makefile")
	}
	var listed []string
	for _, p := range strings.Fields(string(m[1])) {
		listed = append(listed, strings.TrimSuffix(strings.TrimPrefix(p, "./"), "/"))
	}
	var starting []string
	err = filepath.WalkDir(filepath.Join(root, "internal"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		if d.Name() == "testdata" {
			return filepath.SkipDir
		}
		if startsGoroutine(t, path) {
			rel, _ := filepath.Rel(root, path)
			starting = append(starting, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(starting) == 0 {
		t.Fatal("found no package that starts a goroutine: the scan is broken")
	}
	for _, p := range starting {
		if !slices.Contains(listed, p) && !slices.Contains(listed, "...") {
			t.Errorf("%s starts goroutines but `make race` does not test it (it tests %s)", p, strings.Join(listed, " "))
		}
	}
}

// startsGoroutine reports whether a non-test file of dir has a go statement
// or calls a method Go (sync.WaitGroup's, errgroup's).
func startsGoroutine(t *testing.T, dir string) bool {
	files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(token.NewFileSet(), f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		ast.Inspect(file, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.GoStmt:
				found = true
			case *ast.CallExpr: // sync.WaitGroup.Go, errgroup.Group.Go
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Go" {
					found = true
				}
			}
			return !found
		})
		if found {
			return true
		}
	}
	return false
}
