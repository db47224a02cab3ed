package store

import (
	"errors"
	"fmt"
	"strings"
)

// ErrBadKey is wrapped by the errors returned for keys that are empty,
// absolute, contain empty, "." or ".." segments, or control characters.
// Such keys could escape a local bucket's directory or mean different objects
// on different stores, so every kind of bucket rejects them.
var ErrBadKey = errors.New("invalid key")

// checkKey reports whether key is a clean, relative, slash-separated key.
func checkKey(key string) error {
	if key == "" {
		return fmt.Errorf("%w: empty", ErrBadKey)
	}
	if strings.HasPrefix(key, "/") {
		return fmt.Errorf("%w %q: absolute", ErrBadKey, key)
	}
	for _, c := range key {
		if c < 0x20 || c == 0x7f || c == '\\' {
			return fmt.Errorf("%w %q: contains %q", ErrBadKey, key, c)
		}
	}
	for seg := range strings.SplitSeq(key, "/") {
		switch seg {
		case "":
			return fmt.Errorf("%w %q: empty path segment", ErrBadKey, key)
		case ".", "..":
			return fmt.Errorf("%w %q: %q path segment", ErrBadKey, key, seg)
		}
	}
	return nil
}
