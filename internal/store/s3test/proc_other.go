//go:build !linux

package s3test

import "os/exec"

// setProcAttr does nothing where the kernel cannot tie the server's life to
// the test process; Start's cleanup still stops it.
func setProcAttr(*exec.Cmd) {}
