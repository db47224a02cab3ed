// Command gp2gp infers the outcome of GP2GP record transfers from Spine
// message logs and writes the monthly transfer table and metrics.
package main

import (
	"context"
	"os"

	"github.com/nhsdigital/gp2gp/internal/cli"
)

func main() { os.Exit(cli.Main(context.Background(), os.Args[1:], os.Environ(), os.Stdout, os.Stderr)) }
