package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDemoNextSteps: the demo's last lines name report.html, which exists,
// and an explain command for a transfer of the demo month that ended in a
// final error, which works as printed.
func TestDemoNextSteps(t *testing.T) {
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	env := []string{"GP2GP_PROGRESS=off"}
	if code := Main(context.Background(), []string{"demo", "--dir", dir, "--conversations", "500"}, env, &stdout, &stderr); code != ExitOK {
		t.Fatalf("demo: exit %d\n%s", code, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	var report string
	for _, l := range lines {
		if r, ok := strings.CutPrefix(l, "Report:  "); ok {
			report = strings.TrimSuffix(r, " (open it in a browser)")
		}
	}
	if _, err := os.Stat(report); err != nil || filepath.Base(report) != "report.html" {
		t.Errorf("report line names %q: %v\n%s", report, err, stdout.String())
	}
	cmd := strings.Fields(lines[len(lines)-1])
	if len(cmd) < 3 || cmd[0] != "gp2gp" || cmd[1] != "explain" {
		t.Fatalf("last line is not a gp2gp explain command:\n%s", stdout.String())
	}
	stdout.Reset()
	if code := Main(context.Background(), cmd[1:], env, &stdout, &stderr); code != ExitOK {
		t.Fatalf("%s: exit %d\n%s", strings.Join(cmd, " "), code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "=> TECHNICAL_FAILURE, Final Error") {
		t.Errorf("the suggested conversation is not a final error:\n%s", stdout.String())
	}
}
