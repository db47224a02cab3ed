package cli

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/nhsdigital/gp2gp/internal/odsrun"
)

func TestZoned(t *testing.T) {
	for s, want := range map[string]bool{
		"2020-01-30T18:44:49Z":      true,
		"2020-01-30T18:44:49+01:00": true,
		"2020-01-30T18:44:49-0500":  true,
		"2020-01-30 18:44:49Z":      true,
		"2020-01-30T18:44:49":       false,
		"2020-01-30T18:44:49.123":   false,
		"2020-01-30":                false,
	} {
		if got := zoned(s); got != want {
			t.Errorf("zoned(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestODSProgress(t *testing.T) {
	var term bytes.Buffer
	p := terminalProgress(&term)
	p(odsrun.Progress{Phase: "memberships", Done: 1, Total: 12})
	p(odsrun.Progress{Phase: "memberships", Done: 12, Total: 12, Final: true})
	if got, want := term.String(), "\r\033[Kmemberships  1/12\r\033[Kmemberships  12/12\n"; got != want {
		t.Errorf("terminal %q, want %q", got, want)
	}

	var logs bytes.Buffer
	p = logProgress(slog.New(slog.NewTextHandler(&logs, nil)), time.Hour)
	p(odsrun.Progress{Phase: "practices"}) // nothing known yet
	p(odsrun.Progress{Phase: "memberships", Done: 1, Total: 12})
	p(odsrun.Progress{Phase: "memberships", Done: 2, Total: 12}) // within the interval
	p(odsrun.Progress{Phase: "memberships", Done: 12, Total: 12, Final: true})
	got := logs.String()
	if strings.Count(got, "\n") != 2 || !strings.Contains(got, "phase=memberships done=1 total=12") || !strings.Contains(got, "phase=memberships done=12 total=12") {
		t.Errorf("log lines:\n%s", got)
	}
}
