package pipeline

// The tests of publish_test.go and explain_same_test.go need two things the
// exported API does not give: seeing the run between its writes, and small
// partitions. Both go through the internal hooks here, and only here, so
// that moving the hooks out of Config changes this file alone.

// onEachPhase makes the run call f as it reaches each phase: "classify",
// "encode", "publish", and "published NAME" after each output is written.
func onEachPhase(cfg *Config, f func(phase string)) {
	cfg.onPhase = f
}

// withPartitions makes the run classify n conversations per partition.
func withPartitions(cfg *Config, n int) {
	cfg.PartitionSize = n
}

// withEarlyEager makes a spilling run with a cutoff classify each partition
// during the read as soon as it is final, rather than when the reader
// happens to wait: deterministically.
func withEarlyEager(cfg *Config) {
	cfg.early = earlyEager
}
