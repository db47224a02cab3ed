package s3test

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
)

// Proxy is a reverse proxy that fails the first requests it gets, then
// forwards the rest.
type Proxy struct {
	// URL is the proxy's endpoint, to use in place of the target's.
	URL      string
	failures int
	requests atomic.Int64
}

// StartFaultyProxy starts a proxy to target (an http://host:port URL) that
// answers its first failFirst requests with status and an S3 XML error body
// (SlowDown for 503, InternalError for 500, else a generic code), then
// forwards requests unchanged, Host header included, so signatures stay
// valid. It stops when the test ends.
func StartFaultyProxy(t testing.TB, target string, failFirst int, status int) *Proxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil || u.Host == "" {
		t.Fatalf("s3test: proxy target %q: want http://host:port", target)
	}
	p := &Proxy{failures: failFirst}
	rp := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n := p.requests.Add(1); n <= int64(p.failures) {
			writeS3Error(w, status, r.URL.Path)
			return
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	p.URL = srv.URL
	return p
}

// Requests returns how many requests the proxy has received, failed ones
// included.
func (p *Proxy) Requests() int { return int(p.requests.Load()) }

// writeS3Error answers as S3 does when it refuses a request.
func writeS3Error(w http.ResponseWriter, status int, resource string) {
	code, msg := "InjectedFault", "injected fault"
	switch status {
	case http.StatusServiceUnavailable:
		code, msg = "SlowDown", "Please reduce your request rate."
	case http.StatusInternalServerError:
		code, msg = "InternalError", "We encountered an internal error. Please try again."
	}
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	var res strings.Builder
	_ = xml.EscapeText(&res, []byte(resource))
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>%s</Code><Message>%s</Message><Resource>%s</Resource><RequestId>s3test</RequestId></Error>`,
		code, msg, res.String())
}
