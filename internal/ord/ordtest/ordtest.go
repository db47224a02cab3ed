// Package ordtest is a fake ORD organisation search for tests. It serves
// a data set as the golden case ods-small's README describes: the
// practice query gets the practices, the CCG query the CCGs, the per-CCG
// query (TargetOrgId=X) the members of X; pages of Limit organisations,
// the rest reached through an absolute Next-Page URL carrying Offset; each
// organisation with summary fields a client must ignore. Any other query
// is answered 400.
package ordtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
)

// Path is where the fake serves the search, as the real service does.
const Path = "/ORD/2-0-0/organisations"

// Org is an organisation as ord.json holds it.
type Org struct {
	Name  string `json:"Name"`
	OrgID string `json:"OrgId"`
}

// Data is what the fake serves: ord.json.
type Data struct {
	Practices []Org            `json:"practices"`
	CCGs      []Org            `json:"ccgs"`
	Members   map[string][]Org `json:"members"`
}

// Load reads an ord.json.
func Load(t testing.TB, path string) *Data {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var d Data
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return &d
}

// Request is a request the fake received.
type Request struct {
	N         int    // 1 for the first request
	RawQuery  string // exactly as sent
	UserAgent string
}

// Server is a running fake.
type Server struct {
	*httptest.Server
	Data *Data
	// PageSize, if set, caps the page size below the query's Limit, to
	// page small data sets.
	PageSize int
	// Fault, if set, is called for each request first (n counts from 1);
	// returning true means it answered the request itself.
	Fault func(n int, w http.ResponseWriter, r *http.Request) bool

	mu       sync.Mutex
	requests []Request
}

// New starts a fake serving d, closed when the test ends.
func New(t testing.TB, d *Data) *Server {
	s := &Server{Data: d}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// SearchURL is the URL to give the client (SEARCH_URL).
func (s *Server) SearchURL() string { return s.URL + Path }

// Requests returns the requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	n := len(s.requests) + 1
	s.requests = append(s.requests, Request{N: n, RawQuery: r.URL.RawQuery, UserAgent: r.UserAgent()})
	s.mu.Unlock()
	if s.Fault != nil && s.Fault(n, w, r) {
		return
	}
	if r.Method != http.MethodGet || r.URL.Path != Path {
		http.Error(w, "no such resource", http.StatusNotFound)
		return
	}
	q := r.URL.Query()
	offset := 0
	if v := q.Get("Offset"); v != "" {
		var err error
		if offset, err = strconv.Atoi(v); err != nil || offset < 0 {
			http.Error(w, "bad Offset", http.StatusBadRequest)
			return
		}
	}
	orgs, ok := s.match(q)
	if !ok {
		http.Error(w, fmt.Sprintf("unexpected query %q", r.URL.RawQuery), http.StatusBadRequest)
		return
	}
	limit, _ := strconv.Atoi(q.Get("Limit"))
	if s.PageSize > 0 && s.PageSize < limit {
		limit = s.PageSize
	}
	end := min(offset+limit, len(orgs))
	start := min(offset, end)
	page := make([]map[string]string, 0, end-start)
	for _, o := range orgs[start:end] {
		page = append(page, map[string]string{
			"Name": o.Name, "OrgId": o.OrgID, "Status": "Active", "OrgRecordClass": "RC1",
			"PostCode": "LS1 4HR", "LastChangeDate": "2020-01-02", "PrimaryRoleId": q.Get("PrimaryRoleId"),
			"PrimaryRoleDescription": "SOME ROLE", "OrgLink": "https://directory.spineservices.nhs.uk/ORD/2-0-0/organisations/" + o.OrgID,
		})
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Total-Count", strconv.Itoa(len(orgs)))
	if end < len(orgs) {
		next := url.Values{}
		for k, v := range q {
			next[k] = v
		}
		next.Set("Offset", strconv.Itoa(end))
		w.Header().Set("Next-Page", s.URL+Path+"?"+next.Encode())
	}
	json.NewEncoder(w).Encode(map[string]any{"Organisations": page})
}

// match returns the organisations a query asks for, if it is one of the
// known queries, with exactly their parameters (and Offset).
func (s *Server) match(q url.Values) ([]Org, bool) {
	keys := make([]string, 0, len(q))
	for k, v := range q {
		if len(v) != 1 {
			return nil, false
		}
		if k != "Offset" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	is := func(want map[string]string) bool {
		if len(keys) != len(want) {
			return false
		}
		for k, v := range want {
			if k != "TargetOrgId" && q.Get(k) != v {
				return false
			}
			if _, ok := q[k]; !ok {
				return false
			}
		}
		return true
	}
	switch {
	case is(map[string]string{"PrimaryRoleId": "RO177", "Status": "Active", "NonPrimaryRoleId": "RO76", "Limit": "1000"}):
		return s.Data.Practices, true
	case is(map[string]string{"Status": "Active", "Roles": "RO177,RO82,RO257,RO251,RO260", "Limit": "1000"}):
		return s.Data.Practices, true
	case is(map[string]string{"PrimaryRoleId": "RO98", "Status": "Active", "Limit": "1000"}):
		return s.Data.CCGs, true
	case is(map[string]string{"RelTypeId": "RE4", "RelStatus": "active", "Limit": "1000", "TargetOrgId": ""}):
		return s.Data.Members[q.Get("TargetOrgId")], true
	}
	return nil, false
}
