// Package s3test runs a real S3-compatible server, versitygw, for tests, and
// a fault-injecting proxy to put in front of it.
package s3test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// BinaryEnv names the environment variable that may give the versitygw
// binary's path.
const BinaryEnv = "GP2GP_VERSITYGW"

// Region is the region the server's clients use.
const Region = "us-east-1"

// Server is a running versitygw serving a fresh, empty directory.
type Server struct {
	// URL is the endpoint, as in http://127.0.0.1:PORT.
	URL string
	// AccessKey and SecretKey are the server's only valid credentials.
	AccessKey, SecretKey string
	// Dir is the directory the server stores its buckets in: bucket b's key
	// k is the file Dir/b/k.
	Dir string

	noConfig string // a directory with no AWS config files
}

// Start starts versitygw on a free 127.0.0.1 port and stops it when the test
// ends. Without the binary (see FindBinary) it skips the test, unless the
// environment has CI=true, where it fails it: CI must run these tests.
func Start(t testing.TB) *Server {
	t.Helper()
	bin, err := FindBinary()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("s3test: %v (CI=true: run scripts/install-versitygw.sh)", err)
		}
		t.Skipf("s3test: %v; run scripts/install-versitygw.sh to run this test", err)
	}
	s := &Server{AccessKey: "gp2gptestaccess", SecretKey: "gp2gptestsecret", Dir: t.TempDir(), noConfig: t.TempDir()}
	// A free port may be taken between picking and binding it: try again.
	for try := 1; ; try++ {
		err := s.start(t, bin)
		if err == nil {
			return s
		}
		if try == 3 {
			t.Fatalf("s3test: start versitygw: %v", err)
		}
	}
}

// start runs bin once on a free port and waits for it to answer.
func (s *Server) start(t testing.TB, bin string) error {
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	var out lockedBuffer
	cmd := exec.Command(bin, "--access", s.AccessKey, "--secret", s.SecretKey,
		"--port", addr, "posix", s.Dir)
	cmd.Stdout = &out
	cmd.Stderr = &out
	setProcAttr(cmd)
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop := func() {
		_ = cmd.Process.Kill()
		<-exited
	}
	s.URL = "http://" + addr
	if err := waitReady(s.URL, exited, 15*time.Second); err != nil {
		stop()
		return fmt.Errorf("%w; output:\n%s", err, out.String())
	}
	t.Cleanup(func() {
		stop()
		if t.Failed() {
			t.Logf("s3test: versitygw output:\n%s", tail(out.String(), 4000))
		}
	})
	return nil
}

// FindBinary returns the path of versitygw: $GP2GP_VERSITYGW, else versitygw
// on PATH, else $(go env GOPATH)/bin/versitygw.
func FindBinary() (string, error) {
	if p := os.Getenv(BinaryEnv); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("versitygw from $%s: %w", BinaryEnv, err)
		}
		return p, nil
	}
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p, nil
	}
	if gopath := goPath(); gopath != "" {
		p := filepath.Join(gopath, "bin", "versitygw")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", errors.New("versitygw not found on PATH, in $(go env GOPATH)/bin or in $" + BinaryEnv)
}

// goPath returns the first entry of the Go path.
func goPath() string {
	out, err := exec.Command("go", "env", "GOPATH").Output()
	gopath := strings.TrimSpace(string(out))
	if err != nil || gopath == "" {
		gopath = os.Getenv("GOPATH")
	}
	if gopath == "" {
		if home, err := os.UserHomeDir(); err == nil {
			gopath = filepath.Join(home, "go")
		}
	}
	first, _, _ := strings.Cut(gopath, string(os.PathListSeparator))
	return first
}

// freeAddr returns a 127.0.0.1 address whose port was free a moment ago.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := l.Addr().String()
	return addr, l.Close()
}

// waitReady polls url until it answers HTTP (any status), the process exits,
// or the timeout passes.
func waitReady(url string, exited <-chan error, timeout time.Duration) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(timeout)
	for {
		resp, err := client.Get(url)
		if err == nil {
			resp.Body.Close()
			return nil
		}
		select {
		case err := <-exited:
			return fmt.Errorf("versitygw exited: %v", err)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("versitygw did not answer at %s within %v: %v", url, timeout, err)
		}
	}
}

// Env returns the environment variables that point the AWS SDK and gp2gp at
// the server: credentials, region and S3_ENDPOINT_URL. Append it to
// os.Environ() for a child process (later entries win).
func (s *Server) Env() []string {
	return []string{
		"AWS_ACCESS_KEY_ID=" + s.AccessKey,
		"AWS_SECRET_ACCESS_KEY=" + s.SecretKey,
		"AWS_SESSION_TOKEN=",
		"AWS_REGION=" + Region,
		"S3_ENDPOINT_URL=" + s.URL,
		// Keep the developer's own AWS config out of the way.
		"AWS_PROFILE=",
		"AWS_CONFIG_FILE=" + filepath.Join(s.noConfig, "config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(s.noConfig, "credentials"),
		"AWS_EC2_METADATA_DISABLED=true",
	}
}

// Setenv sets Env in the test's own process for the test's duration (so the
// test cannot be parallel).
func (s *Server) Setenv(t testing.TB) {
	t.Helper()
	for _, kv := range s.Env() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
}

// Client returns an S3 client for the server, with its credentials.
func (s *Server) Client() *s3.Client {
	return s.ClientAt(s.URL)
}

// ClientAt returns an S3 client for endpoint (the server, or a proxy in front
// of it) with the server's credentials and no retries.
func (s *Server) ClientAt(endpoint string) *s3.Client {
	return s3.New(s3.Options{
		Region:                     Region,
		BaseEndpoint:               aws.String(endpoint),
		UsePathStyle:               true,
		Credentials:                credentials.NewStaticCredentialsProvider(s.AccessKey, s.SecretKey, ""),
		RetryMaxAttempts:           1,
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	})
}

// CreateBucket creates bucket name (3 to 63 lowercase letters, digits, dots
// or hyphens, as S3 requires) on the server, failing the test on error.
func (s *Server) CreateBucket(t testing.TB, name string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := s.Client().CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatalf("s3test: create bucket %s: %v", name, err)
	}
}

// lockedBuffer is a bytes.Buffer safe for a process's concurrent writes.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// tail returns the last n bytes of s.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}
