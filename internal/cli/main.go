// Package cli is the gp2gp command line: subcommands, flags and environment
// variables to configuration, errors to exit codes.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

// Exit codes.
const (
	ExitOK       = 0 // success
	ExitFailure  = 1 // the run failed; nothing was published
	ExitUsage    = 2 // usage or configuration error; nothing was read or written
	ExitRejected = 3 // success, but some rows were rejected (below the threshold)
	ExitInvalid  = 4 // metrics --validate: a check failed; nothing was published
)

// usageError is a usage or configuration error (exit code 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

// env is the process environment as a lookup.
type env map[string]string

func newEnv(kv []string) env {
	e := make(env, len(kv))
	for _, s := range kv {
		for i := 0; i < len(s); i++ {
			if s[i] == '=' {
				e[s[:i]] = s[i+1:]
				break
			}
		}
	}
	return e
}

// command is one subcommand.
type command struct {
	name, summary string
	run           func(ctx context.Context, c *invocation, args []string) (int, error)
}

// invocation is what every subcommand gets: its environment and streams.
type invocation struct {
	env            env
	stdout, stderr io.Writer
	log            *slog.Logger
}

func commands() []command {
	return []command{
		{"run", "perform the monthly run: Spine logs -> transfers.parquet and metrics", runCmd},
		{"explain", "show why conversations got their outcome: timeline, pairing, facts and rule", explainCmd},
		{"report", "render report.html again from a month's existing outputs", reportCmd},
		{"ods", "build the organisation metadata from the ODS ORD API and the ASID export", odsCmd},
		{"classify", "classify a window of days' transfers into v11 daily tables (the 2023 transfer-classifier)", classifyCmd},
		{"metrics", "compute the dashboard's v12 metrics from six months of v11 daily transfer tables", metricsCmd},
		{"demo", "generate a synthetic month into ./gp2gp-demo and run the pipeline on it", demoCmd},
		{"bench", "time 'gp2gp run' on cached synthetic months against the gunzip floor", benchCmd},
		{"version", "print the version", versionCmd},
	}
}

// Main runs gp2gp with the given arguments (without the program name) and
// environment ("KEY=value" strings), and returns the process exit code.
func Main(ctx context.Context, args []string, environ []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	inv := &invocation{env: newEnv(environ), stdout: stdout, stderr: stderr}
	if len(args) == 0 { // a mistake: the usage goes with the errors
		printUsage(stderr)
		return ExitUsage
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(stdout)
		return ExitOK
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		log, err := newLogger(inv.env, stderr)
		if err != nil {
			fmt.Fprintf(stderr, "gp2gp %s: %v\n", c.name, err)
			return ExitUsage
		}
		inv.log = log
		stopProfile, err := startProfile(inv.env)
		if err != nil {
			fmt.Fprintf(stderr, "gp2gp %s: %v\n", c.name, err)
			return ExitUsage
		}
		code, err := c.run(ctx, inv, args[1:])
		stopProfile()
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		if err != nil {
			fmt.Fprintf(stderr, "gp2gp %s: %v\n", c.name, err)
			var ue *usageError
			if errors.As(err, &ue) {
				return ExitUsage
			}
			if ctx.Err() != nil {
				fmt.Fprintf(stderr, "gp2gp %s: interrupted; nothing was published\n", c.name)
			}
			return ExitFailure
		}
		return code
	}
	fmt.Fprintf(stderr, "gp2gp: unknown command %q\n\n", args[0])
	printUsage(stderr)
	return ExitUsage
}

func printUsage(w io.Writer) {
	fmt.Fprintf(w, "gp2gp infers the outcome of GP2GP record transfers from Spine message logs.\n\nUsage:\n  gp2gp <command> [flags]\n\nCommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun 'gp2gp <command> --help' for a command's flags and environment variables.\n")
	fmt.Fprintf(w, "\nTo look at a month's outputs without DuckDB or pandas: open report.html, written beside\n"+
		"them (gp2gp report renders it again), and ask gp2gp explain why a conversation got its outcome.\n")
}

// newLogger makes the slog logger on stderr; LOG_FORMAT=json gives JSON lines.
func newLogger(e env, stderr io.Writer) (*slog.Logger, error) {
	opts := &slog.HandlerOptions{Level: slog.LevelInfo}
	switch e["LOG_LEVEL"] {
	case "", "info":
	case "debug":
		opts.Level = slog.LevelDebug
	case "warn":
		opts.Level = slog.LevelWarn
	case "error":
		opts.Level = slog.LevelError
	default:
		return nil, usagef("LOG_LEVEL %q is not one of debug, info, warn, error", e["LOG_LEVEL"])
	}
	switch e["LOG_FORMAT"] {
	case "", "text":
		return slog.New(slog.NewTextHandler(stderr, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(stderr, opts)), nil
	}
	return nil, usagef("LOG_FORMAT %q is not text or json", e["LOG_FORMAT"])
}

// Version is set at build time with -ldflags "-X ...cli.Version=...".
var Version = "dev"

func versionCmd(_ context.Context, c *invocation, _ []string) (int, error) {
	fmt.Fprintf(c.stdout, "gp2gp %s\n", Version)
	return ExitOK, nil
}
