package store

import (
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
)

// Kind is the kind of storage a bucket spec names.
type Kind int

// The kinds of storage.
const (
	KindLocal Kind = iota + 1 // a local directory
	KindMem                   // process memory, for tests
	KindS3                    // an S3 (or S3-compatible) bucket
)

// String returns a short name for k.
func (k Kind) String() string {
	switch k {
	case KindLocal:
		return "local"
	case KindMem:
		return "mem"
	case KindS3:
		return "s3"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Location is a parsed bucket spec.
type Location struct {
	Kind Kind
	// Root is the absolute, cleaned directory (KindLocal), the memory bucket's
	// name, possibly empty (KindMem), or the S3 bucket name (KindS3).
	Root string
	// Prefix is the key prefix, without leading or trailing slashes (KindS3
	// only); every key is stored as Prefix + "/" + key.
	Prefix string
}

// ParseSpec parses a bucket spec:
//
//   - a local directory: "file:///abs/dir", or a path beginning "/", "./"
//     or "../" (or "." or ".." alone);
//   - "mem://" or "mem://name": process memory; buckets opened with the same
//     non-empty name share their contents;
//   - an S3 bucket: "bucket", "bucket/key/prefix", "s3://bucket" or
//     "s3://bucket/key/prefix".
func ParseSpec(spec string) (Location, error) {
	switch {
	case spec == "":
		return Location{}, errors.New("empty bucket spec")
	case strings.TrimSpace(spec) != spec:
		return Location{}, fmt.Errorf("bucket spec %q has leading or trailing space", spec)
	case isLocalPath(spec):
		abs, err := filepath.Abs(spec)
		if err != nil {
			return Location{}, fmt.Errorf("bucket spec %q: %w", spec, err)
		}
		return Location{Kind: KindLocal, Root: abs}, nil
	case strings.HasPrefix(spec, "file:"):
		return parseFileURL(spec)
	case strings.HasPrefix(spec, "mem:"):
		return parseMemURL(spec)
	case strings.HasPrefix(spec, "s3:"):
		rest, ok := strings.CutPrefix(spec, "s3://")
		if !ok {
			return Location{}, fmt.Errorf("bucket spec %q: want s3://bucket[/prefix]", spec)
		}
		return parseS3(spec, rest)
	case strings.Contains(spec, "://"):
		return Location{}, fmt.Errorf("bucket spec %q: unsupported scheme (want s3://, file:// or mem://, a bucket name, or a path starting /, ./ or ../)", spec)
	}
	return parseS3(spec, spec)
}

func isLocalPath(spec string) bool {
	return spec == "." || spec == ".." ||
		strings.HasPrefix(spec, "/") ||
		strings.HasPrefix(spec, "./") ||
		strings.HasPrefix(spec, "../")
}

func parseFileURL(spec string) (Location, error) {
	u, err := url.Parse(spec)
	if err != nil {
		return Location{}, fmt.Errorf("bucket spec %q: %w", spec, err)
	}
	switch {
	case u.Opaque != "" || (u.Host != "" && u.Host != "localhost"):
		return Location{}, fmt.Errorf("bucket spec %q: a file URL needs an absolute path, as in file:///abs/dir", spec)
	case u.RawQuery != "" || u.Fragment != "":
		return Location{}, fmt.Errorf("bucket spec %q: a file URL takes no query or fragment", spec)
	case u.Path == "" || !strings.HasPrefix(u.Path, "/"):
		return Location{}, fmt.Errorf("bucket spec %q: a file URL needs an absolute path, as in file:///abs/dir", spec)
	}
	return Location{Kind: KindLocal, Root: filepath.Clean(filepath.FromSlash(u.Path))}, nil
}

func parseMemURL(spec string) (Location, error) {
	name, ok := strings.CutPrefix(spec, "mem://")
	if !ok {
		return Location{}, fmt.Errorf("bucket spec %q: want mem:// or mem://name", spec)
	}
	if strings.ContainsAny(name, "/?#") {
		return Location{}, fmt.Errorf("bucket spec %q: a memory bucket name cannot contain '/', '?' or '#'", spec)
	}
	return Location{Kind: KindMem, Root: name}, nil
}

// parseS3 parses rest, "bucket[/prefix]", taken from spec.
func parseS3(spec, rest string) (Location, error) {
	name, prefix, _ := strings.Cut(rest, "/")
	if name == "" {
		return Location{}, fmt.Errorf("bucket spec %q: empty S3 bucket name", spec)
	}
	if err := checkBucketName(name); err != nil {
		return Location{}, fmt.Errorf("bucket spec %q: %w", spec, err)
	}
	prefix = strings.Trim(prefix, "/")
	if prefix != "" {
		if err := checkKey(prefix); err != nil {
			return Location{}, fmt.Errorf("bucket spec %q: key prefix: %w", spec, err)
		}
	}
	return Location{Kind: KindS3, Root: name, Prefix: prefix}, nil
}

// checkBucketName accepts the characters S3 has ever allowed in bucket names
// (legacy us-east-1 names included), leaving finer rules to the service.
func checkBucketName(name string) error {
	if len(name) > 255 {
		return fmt.Errorf("S3 bucket name %.20q... is too long", name)
	}
	for _, c := range name {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '.' || c == '-' || c == '_'
		if !ok {
			return fmt.Errorf("S3 bucket name %q contains %q (want letters, digits, '.', '-' or '_')", name, c)
		}
	}
	return nil
}
