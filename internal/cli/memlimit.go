package cli

import "runtime/debug"

// Runtime memory settings for a run, unless the environment sets them:
// a soft memory limit, near which the garbage collector works harder, and
// a GOGC that collects less often while the heap is well below it. They
// keep a national month inside 400 MiB while sparing CPU. The limit is
// soft: a much larger input (its conversation index grows with it) goes
// above it at some cost in GC time.
const (
	defaultMemoryLimit = 320 << 20
	defaultGCPercent   = 200
)

// setMemoryLimit applies the defaults for what GOMEMLIMIT and GOGC leave
// unset; the runtime has already applied what they set.
func setMemoryLimit(e env) {
	if _, ok := e["GOMEMLIMIT"]; !ok {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
	if _, ok := e["GOGC"]; !ok {
		debug.SetGCPercent(defaultGCPercent)
	}
}
