package classifyrun

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/nhsdigital/gp2gp/internal/output"
	"github.com/nhsdigital/gp2gp/internal/store"
)

// v5Metadata is the part of organisationMetadata.json (v5) the enrichment
// reads (SPEC-SUCCESSOR §1.3).
type v5Metadata struct {
	Year      int `json:"year"`
	Month     int `json:"month"`
	Practices []struct {
		ODSCode string   `json:"ods_code"`
		Name    string   `json:"name"`
		ASIDs   []string `json:"asids"`
	} `json:"practices"`
	SICBLs []struct {
		ODSCode   string   `json:"ods_code"`
		Name      string   `json:"name"`
		Practices []string `json:"practices"`
	} `json:"sicbls"`
}

// lookup enriches practices by ASID from one month's metadata.
type lookup struct {
	month  Month // the JSON's year and month
	byASID map[string]practice
	sicbl  map[string]sicbl // by practice ODS code
}

type practice struct{ code, name string }
type sicbl struct{ code, name string }

// parseLookup reads v5 metadata. Where an ASID maps to two practices, or a
// practice sits in two Sub-ICB locations, the later wins.
func parseLookup(b []byte) (*lookup, error) {
	var m v5Metadata
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("not v5 organisation metadata: %w", err)
	}
	if m.Year == 0 || m.Month < 1 || m.Month > 12 {
		return nil, fmt.Errorf("not v5 organisation metadata: year %d, month %d", m.Year, m.Month)
	}
	l := &lookup{month: Month{m.Year, m.Month}, byASID: map[string]practice{}, sicbl: map[string]sicbl{}}
	for _, p := range m.Practices {
		for _, a := range p.ASIDs {
			l.byASID[a] = practice{p.ODSCode, p.Name}
		}
	}
	for _, s := range m.SICBLs {
		for _, p := range s.Practices {
			l.sicbl[p] = sicbl{s.ODSCode, s.Name}
		}
	}
	return l, nil
}

// practice enriches an ASID; known is false when the metadata lacks it.
func (l *lookup) practice(asid string) (p output.V11Practice, known bool) {
	p.ASID = asid
	pr, ok := l.byASID[asid]
	if !ok {
		return p, false
	}
	p.Known, p.ODSCode, p.Name = true, pr.code, pr.name
	if s, ok := l.sicbl[pr.code]; ok {
		p.InSICBL, p.SICBLCode, p.SICBLName = true, s.code, s.name
	}
	return p, true
}

// Enrichment is the ODS metadata that serves each day of a window, as Run
// reads it: for gp2gp explain --daily.
type Enrichment struct {
	window  Window
	lookups []*lookup
}

// ReadEnrichment reads the ODS metadata of cfg's window days from
// cfg.ODSBucket, each day's month's or, if missing, the month before's.
func ReadEnrichment(ctx context.Context, cfg Config) (*Enrichment, error) {
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	b, err := store.Open(ctx, cfg.ODSBucket, store.Options{EndpointURL: cfg.S3Endpoint})
	if err != nil {
		return nil, fmt.Errorf("ODS metadata bucket: %w", err)
	}
	defer b.Close()
	lookups, err := readODS(ctx, b, cfg.Window.Days, log)
	if err != nil {
		return nil, err
	}
	return &Enrichment{window: cfg.Window, lookups: lookups}, nil
}

// Practice gives the ODS code and name of the practice owning asid on the
// window day of t, or the nearest window day when t is outside the
// window; ok is false when that day's metadata does not know asid.
func (e *Enrichment) Practice(t time.Time, asid string) (odsCode, name string, ok bool) {
	if len(e.lookups) == 0 {
		return "", "", false
	}
	i := min(max(int(t.Sub(e.window.Start())/Day), 0), len(e.lookups)-1)
	if t.Before(e.window.Start()) {
		i = 0
	}
	p, ok := e.lookups[i].byASID[asid]
	return p.code, p.name, ok
}
