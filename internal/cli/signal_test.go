package cli

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestInterruptedRunPublishesNothing runs gp2gp on a generated month as a
// separate process and interrupts it while it reads: SIGINT and SIGTERM stop
// it promptly with exit 1, SIGKILL stops it dead; either way nothing is left
// in the output bucket.
func TestInterruptedRunPublishesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a 200,000-conversation month")
	}
	demo := t.TempDir()
	gen := gp2gpCommand(nil, "demo", "--dir", demo, "--conversations", "200000")
	if out, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGKILL} {
		t.Run(sig.String(), func(t *testing.T) {
			out, tmp := t.TempDir(), t.TempDir()
			cmd := gp2gpCommand([]string{
				"TMPDIR=" + tmp,
				"INPUT_SPINE_DATA_BUCKET=" + filepath.Join(demo, "spine"),
				"ORGANISATION_METADATA_BUCKET=" + filepath.Join(demo, "org"),
				"OUTPUT_TRANSFER_DATA_BUCKET=" + out,
				"DATE_ANCHOR=2020-01-15T00:00:00Z",
				"CONVERSATION_CUTOFF_DAYS=14",
			}, "run")
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Signal as soon as it starts reading the metric log.
			var log strings.Builder
			sc := bufio.NewScanner(stderr)
			for sc.Scan() {
				log.WriteString(sc.Text() + "\n")
				if strings.Contains(sc.Text(), `input="metric log"`) {
					break
				}
			}
			start := time.Now()
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			rest, _ := io.ReadAll(stderr)
			log.Write(rest)
			err = cmd.Wait()
			elapsed := time.Since(start)
			ee, ok := err.(*exec.ExitError)
			if !ok {
				t.Fatalf("run was not stopped by %v (err %v):\n%s", sig, err, log.String())
			}
			if sig == syscall.SIGKILL {
				if ws := ee.Sys().(syscall.WaitStatus); !ws.Signaled() {
					t.Errorf("not killed: %v", err)
				}
			} else {
				if ee.ExitCode() != ExitFailure {
					t.Errorf("exit code %d, want %d\n%s", ee.ExitCode(), ExitFailure, log.String())
				}
				if !strings.Contains(log.String(), "interrupted; nothing was published") {
					t.Errorf("stderr does not say it was interrupted:\n%s", log.String())
				}
				if elapsed > 5*time.Second {
					t.Logf("note: took %v to stop after %v", elapsed, sig)
				}
			}
			filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					t.Errorf("file left in the output bucket: %s", p)
				}
				return nil
			})
			// SIGINT and SIGTERM also remove the run's temporary files; after
			// SIGKILL the system's temporary-file cleaning must.
			if left, _ := os.ReadDir(tmp); sig != syscall.SIGKILL && len(left) > 0 {
				t.Errorf("temporary files left behind: %v", left)
			}
		})
	}
}
