package cli

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// startProfile writes a CPU profile of the command to the file named by
// GP2GP_CPUPROFILE, if set, until the returned stop is called: for
// `go tool pprof`, and to refresh cmd/gp2gp/default.pgo (`make pgo`), the
// profile the compiler optimises the binary for.
func startProfile(e env) (stop func(), err error) {
	name := e["GP2GP_CPUPROFILE"]
	if name == "" {
		return func() {}, nil
	}
	f, err := os.Create(name)
	if err != nil {
		return nil, fmt.Errorf("GP2GP_CPUPROFILE: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("GP2GP_CPUPROFILE: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
