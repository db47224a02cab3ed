package cli

import (
	"context"
	"flag"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

var update = flag.Bool("update", false, "rewrite the testscript files' expected outputs")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"gp2gp": func() {
			os.Exit(Main(context.Background(), os.Args[1:], os.Environ(), os.Stdout, os.Stderr))
		},
	})
}

// TestScripts runs the CLI behaviour scripts in testdata/script. $GOLDEN is
// the golden cases' folder.
func TestScripts(t *testing.T) {
	golden := goldenDir(t)
	testscript.Run(t, testscript.Params{
		Dir:           filepath.Join("testdata", "script"),
		UpdateScripts: *update,
		Cmds:          map[string]func(*testscript.TestScript, bool, []string){"exitcode": exitCode},
		Setup: func(e *testscript.Env) error {
			e.Setenv("GOLDEN", golden)
			return nil
		},
	})
}

// exitCode runs a command and checks its exit code: exitcode N cmd args...
// Its stdout and stderr are checked afterwards as with exec.
func exitCode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exitcode N command [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exitcode: %v", err)
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exitcode: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("exit code %d, want %d", got, want)
	}
}
