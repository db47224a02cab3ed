package pipeline

import (
	"bytes"
	"context"
	"errors"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nhsdigital/gp2gp/internal/spinelog"
)

// TestLogErrorNamesFileOnce checks that an error reading a log says which
// input it is and names the file once: spinelog's error names it, and the
// run adds where it is, not the name again. It covers a bad file (not
// gzip-compressed, or truncated), in Run and Explain, and that errors.Is
// still finds the cause.
func TestLogErrorNamesFileOnce(t *testing.T) {
	for _, tc := range []struct {
		name  string
		log   []byte
		cause error
	}{
		{"not gzip", []byte("_time,conversationID\n"), spinelog.ErrNotGzip},
		{"truncated", truncated(gzipLog(t, []string{row("2019-12-01T00:00:00.000+0000", "A", "A", "RCMR_IN010000UK05", "111", "222", "")})), spinelog.ErrTruncated},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := generateMonth(t, 10, 1)
			l := NewLayout(m.anchor)
			writeFile(t, filepath.Join(m.dir, "spine", l.MetricLogKey()), tc.log)
			file := path.Base(l.MetricLogKey())
			check := func(what string, err error, prefix string) {
				t.Helper()
				if err == nil {
					t.Fatalf("%s: no error", what)
				}
				msg := err.Error()
				if n := strings.Count(msg, file); n != 1 || !strings.HasPrefix(msg, prefix) {
					t.Errorf("%s: %q names %s %d times, or does not start %q", what, msg, file, n, prefix)
				}
				if !errors.Is(err, tc.cause) {
					t.Errorf("%s: %v is not %v", what, err, tc.cause)
				}
			}
			out := t.TempDir()
			_, err := Run(context.Background(), m.config(out))
			check("run", err, "metric log "+filepath.Join(m.dir, "spine"))
			_, err = Explain(context.Background(), ExplainRequest{Config: m.config(out), IDs: []string{"A"}})
			check("explain", err, "metric log "+filepath.Join(m.dir, "spine"))
			local := filepath.Join(t.TempDir(), file)
			writeFile(t, local, tc.log)
			_, err = Explain(context.Background(), ExplainRequest{Input: local, IDs: []string{"A"}})
			if !bytes.HasPrefix(tc.log, []byte{0x1f, 0x8b}) {
				return // plain text: Explain reads it as CSV
			}
			check("explain a local file", err, "input "+local)
		})
	}
}

func truncated(b []byte) []byte { return b[:len(b)-10] }
