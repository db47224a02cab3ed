// Package ord is a client of the NHS ODS ORD organisation search
// (docs/ods.md): the three queries gp2gp ods makes, Next-Page paging, and
// the manners the ods-downloader lacked: a timeout per request, bounded
// retries with backoff on connection errors, 5xx and 429 (honouring
// Retry-After), a request rate limit and a User-Agent.
package ord

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nhsdigital/gp2gp/internal/ods"
)

// DefaultURL is the ORD organisation search (SEARCH_URL's default).
const DefaultURL = "https://directory.spineservices.nhs.uk/ORD/2-0-0/organisations"

// Defaults of Config. With them an API that never answers gives up after
// about MaxAttempts*(Timeout+MaxBackoff), under two minutes.
const (
	DefaultTimeout           = 20 * time.Second
	DefaultMaxAttempts       = 4
	DefaultMinBackoff        = 1 * time.Second
	DefaultMaxBackoff        = 8 * time.Second
	DefaultMaxRetryAfter     = 60 * time.Second
	DefaultRequestsPerSecond = 5 // the ODS service's fair-use request
	maxBody                  = 256 << 20
)

// Config configures a Client. Zero fields take the defaults.
type Config struct {
	URL       string // the search endpoint; DefaultURL if empty
	UserAgent string // e.g. "gp2gp/1.2.3"
	// Timeout bounds each request, reading its body included.
	Timeout time.Duration
	// MaxAttempts bounds the attempts of each page, the first included.
	MaxAttempts int
	// MinBackoff is the wait before the first retry; it doubles on each
	// further retry up to MaxBackoff.
	MinBackoff, MaxBackoff time.Duration
	// MaxRetryAfter is the longest Retry-After the client waits for; a
	// longer one ends the retries.
	MaxRetryAfter time.Duration
	// RequestsPerSecond bounds the request rate, retries included;
	// negative means no limit.
	RequestsPerSecond float64
	// HTTPClient is the client to use; its own Timeout is not used.
	HTTPClient *http.Client
}

// Query is one kind of organisation search: its name for messages and its
// exact query parameters, in order.
type Query struct {
	Name   string
	Params [][2]string
}

const limit = "1000"

// Practices is the practice search: active GP practices (RO177) with the
// GP practice non-primary role (RO76).
var Practices = Query{"practices", [][2]string{{"PrimaryRoleId", "RO177"}, {"Status", "Active"}, {"NonPrimaryRoleId", "RO76"}, {"Limit", limit}}}

// PracticesAndPrisons is the v4 ods-downloader's practice search, which
// also lists prison and other non-GP prescribing settings
// (docs/ods.md, v5).
var PracticesAndPrisons = Query{"practices and prescribing settings", [][2]string{{"Status", "Active"}, {"Roles", "RO177,RO82,RO257,RO251,RO260"}, {"Limit", limit}}}

// CCGs is the CCG search (RO98).
var CCGs = Query{"CCGs", [][2]string{{"PrimaryRoleId", "RO98"}, {"Status", "Active"}, {"Limit", limit}}}

// Members is the search for the organisations in an active RE4
// (is commissioned by) relationship with a CCG.
func Members(ccg string) Query {
	return Query{"practices of CCG " + ccg, [][2]string{{"RelTypeId", "RE4"}, {"RelStatus", "active"}, {"Limit", limit}, {"TargetOrgId", ccg}}}
}

// Client runs organisation searches. It is safe for concurrent use.
type Client struct {
	cfg  Config
	base *url.URL
	http *http.Client

	mu   sync.Mutex
	next time.Time // the earliest start of the next request

	requests, retries atomic.Int64
}

// New checks cfg and makes a client.
func New(cfg Config) (*Client, error) {
	if cfg.URL == "" {
		cfg.URL = DefaultURL
	}
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("search URL %q is not an http or https URL", cfg.URL)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = DefaultMaxAttempts
	}
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = DefaultMinBackoff
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = DefaultMaxBackoff
	}
	if cfg.MaxRetryAfter <= 0 {
		cfg.MaxRetryAfter = DefaultMaxRetryAfter
	}
	if cfg.RequestsPerSecond == 0 {
		cfg.RequestsPerSecond = DefaultRequestsPerSecond
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Transport: http.DefaultTransport}
	}
	return &Client{cfg: cfg, base: u, http: hc}, nil
}

// Stats counts the requests made and how many of them were retries.
type Stats struct{ Requests, Retries int }

// Stats returns the counts so far.
func (c *Client) Stats() Stats {
	return Stats{Requests: int(c.requests.Load()), Retries: int(c.retries.Load())}
}

// URL returns the search URL of q's first page.
func (c *Client) URL(q Query) string {
	u := *c.base
	var sb strings.Builder
	sb.WriteString(u.RawQuery)
	for _, p := range q.Params {
		if sb.Len() > 0 {
			sb.WriteByte('&')
		}
		sb.WriteString(url.QueryEscape(p[0]) + "=" + url.QueryEscape(p[1]))
	}
	u.RawQuery = sb.String()
	return u.String()
}

// Error is a search that failed: its query, the URL of the page and the
// last status or error.
type Error struct {
	Query    string
	URL      string
	Attempts int
	Err      error
}

func (e *Error) Error() string {
	if e.Attempts > 1 {
		return fmt.Sprintf("ORD %s search: GET %s: gave up after %d attempts: %v", e.Query, e.URL, e.Attempts, e.Err)
	}
	return fmt.Sprintf("ORD %s search: GET %s: %v", e.Query, e.URL, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// StatusError is a response other than 200.
type StatusError struct {
	Status string
	Body   string // the start of the body
}

func (e *StatusError) Error() string {
	if e.Body == "" {
		return "status " + e.Status
	}
	return fmt.Sprintf("status %s: %s", e.Status, e.Body)
}

// Search runs q and follows Next-Page, returning every page's
// organisations in order.
func (c *Client) Search(ctx context.Context, q Query) ([]ods.Organisation, error) {
	var all []ods.Organisation
	page := c.URL(q)
	for seen := map[string]bool{}; page != ""; {
		if seen[page] {
			return nil, &Error{Query: q.Name, URL: page, Attempts: 1, Err: errors.New("Next-Page repeats a page already read")}
		}
		seen[page] = true
		orgs, next, err := c.page(ctx, q.Name, page)
		if err != nil {
			return nil, err
		}
		all = append(all, orgs...)
		page = next
	}
	return all, nil
}

// page gets one page, with retries, and returns its organisations and the
// absolute URL of the next page, if any.
func (c *Client) page(ctx context.Context, name, page string) ([]ods.Organisation, string, error) {
	backoff := c.cfg.MinBackoff
	for attempt := 1; ; attempt++ {
		if attempt > 1 {
			c.retries.Add(1)
		}
		orgs, next, wait, err := c.get(ctx, page)
		if err == nil {
			return orgs, next, nil
		}
		var fatal *fatalError
		switch {
		case ctx.Err() != nil:
			return nil, "", &Error{Query: name, URL: page, Attempts: attempt, Err: ctx.Err()}
		case errors.As(err, &fatal):
			return nil, "", &Error{Query: name, URL: page, Attempts: attempt, Err: fatal.err}
		case attempt >= c.cfg.MaxAttempts:
			return nil, "", &Error{Query: name, URL: page, Attempts: attempt, Err: err}
		case wait > c.cfg.MaxRetryAfter:
			return nil, "", &Error{Query: name, URL: page, Attempts: attempt,
				Err: fmt.Errorf("%w, and its Retry-After (%s) is longer than the %s the client waits", err, wait, c.cfg.MaxRetryAfter)}
		}
		if wait <= 0 {
			wait = backoff
			backoff = min(2*backoff, c.cfg.MaxBackoff)
		}
		if err := sleep(ctx, wait); err != nil {
			return nil, "", &Error{Query: name, URL: page, Attempts: attempt, Err: err}
		}
	}
}

// fatalError is a failure that a retry would not mend.
type fatalError struct{ err error }

func (e *fatalError) Error() string { return e.err.Error() }

// response is the part of a search response that is used.
type response struct {
	Organisations *[]struct {
		Name  string `json:"Name"`
		OrgID string `json:"OrgId"`
	} `json:"Organisations"`
}

// get makes one request. A retryable failure is returned as is, with the
// wait the server asked for (Retry-After), if any; others as *fatalError.
func (c *Client) get(ctx context.Context, page string) (orgs []ods.Organisation, next string, wait time.Duration, err error) {
	if err := c.limit(ctx); err != nil {
		return nil, "", 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, page, nil)
	if err != nil {
		return nil, "", 0, &fatalError{err}
	}
	req.Header.Set("Accept", "application/json")
	if c.cfg.UserAgent != "" {
		req.Header.Set("User-Agent", c.cfg.UserAgent)
	}
	c.requests.Add(1)
	resp, err := c.http.Do(req)
	if err != nil {
		var ue *url.Error // "Get URL: ...": the URL is named once, by Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, "", 0, timeoutMessage(err, c.cfg.Timeout)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, "", 0, timeoutMessage(fmt.Errorf("reading the response: %w", err), c.cfg.Timeout)
	}
	if resp.StatusCode != http.StatusOK {
		serr := &StatusError{Status: resp.Status, Body: snippet(body)}
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
			return nil, "", retryAfter(resp.Header.Get("Retry-After")), serr
		}
		return nil, "", 0, &fatalError{serr}
	}
	var r response
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, "", 0, &fatalError{fmt.Errorf("the response is not the JSON of an organisation search: %v (it starts %q)", err, snippet(body))}
	}
	if r.Organisations == nil {
		return nil, "", 0, &fatalError{fmt.Errorf("the response has no Organisations (it starts %q)", snippet(body))}
	}
	orgs = make([]ods.Organisation, len(*r.Organisations))
	for i, o := range *r.Organisations {
		orgs[i] = ods.Organisation{Code: o.OrgID, Name: o.Name}
	}
	if h := resp.Header.Get("Next-Page"); h != "" {
		nu, err := req.URL.Parse(h) // absolute as given; a relative one resolved
		if err != nil {
			return nil, "", 0, &fatalError{fmt.Errorf("Next-Page %q is not a URL: %v", h, err)}
		}
		next = nu.String()
	}
	return orgs, next, 0, nil
}

// timeoutMessage says that a request that timed out did so after d.
func timeoutMessage(err error, d time.Duration) error {
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return fmt.Errorf("no complete response within %s: %w", d, err)
	}
	return err
}

// snippet is the start of a body on one line, for messages.
func snippet(b []byte) string {
	const n = 120
	s := strings.Join(strings.Fields(strings.ToValidUTF8(string(b[:min(len(b), 4*n)]), "\uFFFD")), " ")
	if r := []rune(s); len(r) > n {
		s = string(r[:n]) + "…"
	}
	return s
}

// retryAfter parses Retry-After: seconds or an HTTP date; 0 if absent or
// unreadable.
func retryAfter(h string) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	if s, err := strconv.Atoi(h); err == nil {
		if s < 0 {
			return 0
		}
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil {
		return max(time.Until(t), time.Millisecond)
	}
	return 0
}

// limit waits for the request's turn under the rate limit.
func (c *Client) limit(ctx context.Context) error {
	if c.cfg.RequestsPerSecond < 0 {
		return nil
	}
	interval := time.Duration(float64(time.Second) / c.cfg.RequestsPerSecond)
	c.mu.Lock()
	now := time.Now()
	start := c.next
	if now.After(start) {
		start = now
	}
	c.next = start.Add(interval)
	c.mu.Unlock()
	return sleep(ctx, start.Sub(now))
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
