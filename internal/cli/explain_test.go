package cli

import (
	"encoding/json"
	"fmt"
	"os"
)

// jsonValid is a testscript command: it exits 1 unless the file named by
// its argument is valid JSON.
func jsonValid() {
	b, err := os.ReadFile(os.Args[1])
	if err == nil && !json.Valid(b) {
		err = fmt.Errorf("%s: invalid JSON", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}
