package ord_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nhsdigital/gp2gp/internal/golden"
	"github.com/nhsdigital/gp2gp/internal/ods"
	"github.com/nhsdigital/gp2gp/internal/ord"
	"github.com/nhsdigital/gp2gp/internal/ord/ordtest"
)

// fast is a client configuration for tests: short waits, no rate limit.
func fast(url string) ord.Config {
	return ord.Config{URL: url, UserAgent: "gp2gp/test", Timeout: 500 * time.Millisecond, MaxAttempts: 3,
		MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, RequestsPerSecond: -1}
}

func small() *ordtest.Data {
	return &ordtest.Data{
		Practices: []ordtest.Org{{Name: "P One", OrgID: "A1"}, {Name: "P Two", OrgID: "A2"}, {Name: "P Thr\u00e9e", OrgID: "A3"}, {Name: "P Four", OrgID: "A4"}, {Name: "P Five", OrgID: "A5"}},
		CCGs:      []ordtest.Org{{Name: "CCG One", OrgID: "C1"}},
		Members:   map[string][]ordtest.Org{"C1": {{Name: "P Two", OrgID: "A2"}, {Name: "P One", OrgID: "A1"}, {Name: "P Four", OrgID: "A4"}}},
	}
}

func newClient(t *testing.T, cfg ord.Config) *ord.Client {
	t.Helper()
	c, err := ord.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestPaging(t *testing.T) {
	s := ordtest.New(t, small())
	s.PageSize = 2
	c := newClient(t, fast(s.SearchURL()))
	got, err := c.Search(context.Background(), ord.Practices)
	if err != nil {
		t.Fatal(err)
	}
	want := []ods.Organisation{{Code: "A1", Name: "P One"}, {Code: "A2", Name: "P Two"}, {Code: "A3", Name: "P Thr\u00e9e"}, {Code: "A4", Name: "P Four"}, {Code: "A5", Name: "P Five"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("organisations (-want +got):\n%s", d)
	}
	reqs := s.Requests()
	if len(reqs) != 3 || !strings.Contains(reqs[1].RawQuery, "Offset=2") || !strings.Contains(reqs[2].RawQuery, "Offset=4") {
		t.Errorf("requests %+v, want three, the later ones with Offset 2 and 4", reqs)
	}
}

// TestGoldenPaging reads ods-small's 1,206 practices over two pages of
// 1,000 and a CCG whose members span pages.
func TestGoldenPaging(t *testing.T) {
	c := golden.Find(t, "ods-small")
	d := ordtest.Load(t, c.Path(t, "ord", "ord.json"))
	s := ordtest.New(t, d)
	cl := newClient(t, fast(s.SearchURL()))
	got, err := cl.Search(context.Background(), ord.Practices)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(d.Practices) || len(s.Requests()) != 2 {
		t.Fatalf("%d practices in %d requests, want %d in 2", len(got), len(s.Requests()), len(d.Practices))
	}
	for i, o := range got {
		if o.Code != d.Practices[i].OrgID || o.Name != d.Practices[i].Name {
			t.Fatalf("practice %d = %+v, want %+v", i, o, d.Practices[i])
		}
	}
}

// faulty serves small() after the fault answers the requests it picks.
func faulty(t *testing.T, fault func(n int, w http.ResponseWriter, r *http.Request) bool) (*ordtest.Server, *ord.Client) {
	s := ordtest.New(t, small())
	s.Fault = fault
	return s, newClient(t, fast(s.SearchURL()))
}

func TestFaultsRetried(t *testing.T) {
	tests := []struct {
		name  string
		fault func(n int, w http.ResponseWriter, r *http.Request) bool
	}{
		{"503 once", func(n int, w http.ResponseWriter, r *http.Request) bool {
			if n == 1 {
				http.Error(w, "busy", http.StatusServiceUnavailable)
			}
			return n == 1
		}},
		{"429 with Retry-After", func(n int, w http.ResponseWriter, r *http.Request) bool {
			if n == 1 {
				w.Header().Set("Retry-After", "1")
				http.Error(w, "slow down", http.StatusTooManyRequests)
			}
			return n == 1
		}},
		{"a response slower than the timeout", func(n int, w http.ResponseWriter, r *http.Request) bool {
			if n == 1 {
				select {
				case <-r.Context().Done():
				case <-time.After(5 * time.Second):
				}
			}
			return n == 1
		}},
		{"a connection reset", func(n int, w http.ResponseWriter, r *http.Request) bool {
			if n == 1 {
				conn, _, err := w.(http.Hijacker).Hijack()
				if err != nil {
					panic(err)
				}
				conn.Close()
			}
			return n == 1
		}},
		{"a body cut short", func(n int, w http.ResponseWriter, r *http.Request) bool {
			if n == 1 {
				w.Header().Set("Content-Length", "1000")
				w.Write([]byte(`{"Organisations": [`))
			}
			return n == 1
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			s, c := faulty(t, tc.fault)
			got, err := c.Search(context.Background(), ord.Practices)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 5 {
				t.Errorf("%d organisations, want 5", len(got))
			}
			if st := c.Stats(); st.Requests != 2 || st.Retries != 1 || len(s.Requests()) != 2 {
				t.Errorf("stats %+v, server saw %d, want 2 requests, 1 retry", st, len(s.Requests()))
			}
			if tc.name == "429 with Retry-After" && time.Since(start) < 900*time.Millisecond {
				t.Errorf("retried after %s, before the Retry-After of 1s", time.Since(start))
			}
		})
	}
}

func TestFaultsFatal(t *testing.T) {
	tests := []struct {
		name     string
		fault    func(n int, w http.ResponseWriter, r *http.Request) bool
		requests int
		want     []string
	}{
		{"a page that is not JSON", func(n int, w http.ResponseWriter, r *http.Request) bool {
			w.Write([]byte("<html>maintenance</html>"))
			return true
		}, 1, []string{"ORD practices search: GET http://", "is not the JSON of an organisation search", "<html>maintenance"}},
		{"JSON without Organisations", func(n int, w http.ResponseWriter, r *http.Request) bool {
			w.Write([]byte(`{"errorCode": 1}`))
			return true
		}, 1, []string{"has no Organisations"}},
		{"400 is not retried", func(n int, w http.ResponseWriter, r *http.Request) bool {
			http.Error(w, "bad query\n\n  on two lines", http.StatusBadRequest)
			return true
		}, 1, []string{"status 400 Bad Request: bad query on two lines"}},
		{"never 200", func(n int, w http.ResponseWriter, r *http.Request) bool {
			http.Error(w, "down", http.StatusBadGateway)
			return true
		}, 3, []string{"ORD practices search: GET ", "PrimaryRoleId=RO177", "gave up after 3 attempts: status 502 Bad Gateway: down"}},
		{"never answering in time", func(n int, w http.ResponseWriter, r *http.Request) bool {
			<-r.Context().Done()
			return true
		}, 3, []string{"gave up after 3 attempts: no complete response within 500ms"}},
		{"a Retry-After beyond the wait allowed", func(n int, w http.ResponseWriter, r *http.Request) bool {
			w.Header().Set("Retry-After", "3600")
			http.Error(w, "later", http.StatusServiceUnavailable)
			return true
		}, 1, []string{"Retry-After (1h0m0s) is longer than the 1m0s the client waits"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			s, c := faulty(t, tc.fault)
			_, err := c.Search(context.Background(), ord.Practices)
			var oe *ord.Error
			if !errors.As(err, &oe) {
				t.Fatalf("err %v, want an *ord.Error", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("err %q\nwant it to contain %q", err, w)
				}
			}
			if n := len(s.Requests()); n != tc.requests {
				t.Errorf("%d requests, want %d", n, tc.requests)
			}
			if d := time.Since(start); d > 30*time.Second {
				t.Errorf("gave up after %s", d)
			}
		})
	}
}

func TestUnreachable(t *testing.T) {
	s := httptest.NewServer(http.NotFoundHandler())
	url := s.URL + ordtest.Path
	s.Close()
	c := newClient(t, fast(url))
	_, err := c.Search(context.Background(), ord.CCGs)
	if err == nil || !strings.Contains(err.Error(), url+"?PrimaryRoleId=RO98") || !strings.Contains(err.Error(), "gave up after 3 attempts: dial tcp") {
		t.Fatalf("err %v, want it to name the URL and the attempts", err)
	}
	if n := strings.Count(err.Error(), url); n != 1 {
		t.Errorf("err %v names the URL %d times", err, n)
	}
	if st := c.Stats(); st.Requests != 3 || st.Retries != 2 {
		t.Errorf("stats %+v", st)
	}
}

func TestCancelled(t *testing.T) {
	_, c := faulty(t, func(n int, w http.ResponseWriter, r *http.Request) bool {
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return true
	})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Search(ctx, ord.CCGs); !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
}

func TestRateLimit(t *testing.T) {
	s := ordtest.New(t, small())
	s.PageSize = 1
	cfg := fast(s.SearchURL())
	cfg.RequestsPerSecond = 20
	c := newClient(t, cfg)
	start := time.Now()
	if _, err := c.Search(context.Background(), ord.Practices); err != nil {
		t.Fatal(err)
	}
	// Five requests at 20 a second: the last starts at least 200ms after
	// the first.
	if d := time.Since(start); d < 190*time.Millisecond {
		t.Errorf("5 requests in %s, faster than 20 a second", d)
	}
}

func TestNewErrors(t *testing.T) {
	for _, u := range []string{"ftp://x/y", "not a url", "http://"} {
		if _, err := ord.New(ord.Config{URL: u}); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("%q", u)) {
			t.Errorf("New(%q) err %v", u, err)
		}
	}
	c := newClient(t, ord.Config{})
	if got := c.URL(ord.CCGs); got != ord.DefaultURL+"?PrimaryRoleId=RO98&Status=Active&Limit=1000" {
		t.Errorf("default URL %s", got)
	}
}

// TestDefaultsGiveUpWithinTwoMinutes: an API that never answers (every
// attempt timing out) is given up on within two minutes with the
// defaults, with room to spare for the rate limit.
func TestDefaultsGiveUpWithinTwoMinutes(t *testing.T) {
	worst := time.Duration(ord.DefaultMaxAttempts) * (ord.DefaultTimeout + time.Second/ord.DefaultRequestsPerSecond)
	backoff := ord.DefaultMinBackoff
	for i := 1; i < ord.DefaultMaxAttempts; i++ {
		worst += backoff
		backoff = min(2*backoff, ord.DefaultMaxBackoff)
	}
	if worst > 100*time.Second {
		t.Errorf("with the defaults a never-answering API is given up on after up to %s", worst)
	}
}
