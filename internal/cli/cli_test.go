package cli

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/nhsdigital/gp2gp/internal/golden"
	"github.com/nhsdigital/gp2gp/internal/ord/ordtest"
)

var update = flag.Bool("update", false, "rewrite the testscript files' expected outputs")

// execMainEnv makes the test binary act as gp2gp, so that tests can run the
// real command as a separate process (see gp2gpCommand).
const execMainEnv = "GP2GP_TEST_EXEC_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(execMainEnv) == "1" {
		os.Exit(Main(context.Background(), os.Args[1:], os.Environ(), os.Stdout, os.Stderr))
	}
	testscript.Main(m, map[string]func(){
		"gp2gp": func() {
			os.Exit(Main(context.Background(), os.Args[1:], os.Environ(), os.Stdout, os.Stderr))
		},
		"gp2gp-jsonvalid": jsonValid,
	})
}

// gp2gpCommand is gp2gp as a separate process with exactly the environment
// env (plus PATH and HOME).
func gp2gpCommand(env []string, args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append([]string{execMainEnv + "=1", "PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, env...)
	return cmd
}

// TestScripts runs the CLI behaviour scripts in testdata/script. Each
// golden case available here is in $GOLDEN_NAME (dec2019-1k in
// $GOLDEN_DEC2019_1K); a script that needs a case that is not shipped
// starts with [!golden:NAME] skip, which fails instead when CI=true.
func TestScripts(t *testing.T) {
	var cases []golden.Case
	for _, k := range []golden.Kind{golden.Monthly, golden.ODS, golden.Classify, golden.Metrics} {
		cases = append(cases, golden.Cases(t, k)...)
	}
	ordURL := "http://127.0.0.1:1/no-ods-small-case"
	if c := golden.Find(t, "ods-small"); c.Available() {
		ordURL = ordtest.New(t, ordtest.Load(t, c.Path(t, "ord", "ord.json"))).SearchURL()
	}
	testscript.Run(t, testscript.Params{
		Dir:           filepath.Join("testdata", "script"),
		UpdateScripts: *update,
		Cmds:          map[string]func(*testscript.TestScript, bool, []string){"exitcode": exitCode, "gzip": gzipFile, "cmp-generated": cmpGenerated},
		Setup: func(e *testscript.Env) error {
			e.Setenv("ORD_URL", ordURL) // the fake ORD search serving ods-small
			for _, c := range cases {
				if c.Available() {
					e.Setenv(goldenVar(c.Name), c.Dir(t))
				}
			}
			return nil
		},
		Condition: func(cond string) (bool, error) {
			name, ok := strings.CutPrefix(cond, "golden:")
			if !ok {
				return false, fmt.Errorf("unknown condition %q", cond)
			}
			for _, c := range cases {
				if c.Name != name {
					continue
				}
				if !c.Available() && os.Getenv("CI") == "true" {
					return false, fmt.Errorf("golden case %s is absent; CI=true, where it must be present", name)
				}
				return c.Available(), nil
			}
			return false, fmt.Errorf("no golden case %s", name)
		},
	})
}

// goldenVar is the script variable holding a golden case's directory.
func goldenVar(name string) string {
	return "GOLDEN_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
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

// gzipFile compresses a file: gzip [-truncate N] src dst. With -truncate,
// only the first N bytes of the compressed stream are written. gzip -d src
// dst decompresses.
func gzipFile(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) == 3 && args[0] == "-d" {
		zr, err := gzip.NewReader(strings.NewReader(ts.ReadFile(args[1])))
		ts.Check(err)
		b, err := io.ReadAll(zr)
		ts.Check(err)
		ts.Check(os.WriteFile(ts.MkAbs(args[2]), b, 0o644))
		return
	}
	truncate := -1
	if len(args) == 4 && args[0] == "-truncate" {
		n, err := strconv.Atoi(args[1])
		if err != nil {
			ts.Fatalf("gzip: %v", err)
		}
		truncate, args = n, args[2:]
	}
	if neg || len(args) != 2 {
		ts.Fatalf("usage: gzip [-truncate N] src dst")
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(ts.ReadFile(args[0])))
	zw.Close()
	b := buf.Bytes()
	if truncate >= 0 {
		b = b[:truncate]
	}
	dst := ts.MkAbs(args[1])
	ts.Check(os.MkdirAll(filepath.Dir(dst), 0o755))
	ts.Check(os.WriteFile(dst, b, 0o644))
}

// generatedOn is organisation metadata's generated_on member.
var generatedOn = regexp.MustCompile(`^\{"generated_on": "[^"]*"`)

// cmpGenerated compares two organisation metadata files byte for byte,
// apart from generated_on: cmp-generated got want.
func cmpGenerated(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: cmp-generated got want")
	}
	got, want := ts.ReadFile(args[0]), ts.ReadFile(args[1])
	if !generatedOn.MatchString(got) {
		ts.Fatalf("%s does not start with generated_on: %.80s", args[0], got)
	}
	got = generatedOn.ReplaceAllLiteralString(got, generatedOn.FindString(want))
	if got != want {
		ts.Fatalf("%s and %s differ beyond generated_on", args[0], args[1])
	}
}
