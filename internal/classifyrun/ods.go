package classifyrun

import (
	"context"
	"encoding/json"
	"errors"
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
	month  Month                          // the JSON's year and month
	byASID map[string]*output.V11Practice // shared by the transfers
}

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
	type sicbl struct{ code, name string }
	sicbls := map[string]sicbl{} // by practice ODS code
	for _, s := range m.SICBLs {
		for _, p := range s.Practices {
			sicbls[p] = sicbl{s.ODSCode, s.Name}
		}
	}
	// Each ASID's enrichment whole, its Sub-ICB location resolved: one
	// lookup a practice, twice a transfer.
	l := &lookup{month: Month{m.Year, m.Month}, byASID: map[string]*output.V11Practice{}}
	for _, p := range m.Practices {
		e := output.V11Practice{Known: true, ODSCode: p.ODSCode, Name: p.Name}
		if s, ok := sicbls[p.ODSCode]; ok {
			e.InSICBL, e.SICBLCode, e.SICBLName = true, s.code, s.name
		}
		for _, a := range p.ASIDs {
			e.ASID = a
			l.byASID[a] = new(e)
		}
	}
	return l, nil
}

// practice enriches an ASID; known is false when the metadata lacks it.
// The practice is shared: it must not be changed.
func (l *lookup) practice(asid string) (*output.V11Practice, bool) {
	p, ok := l.byASID[asid]
	if !ok {
		return &output.V11Practice{ASID: asid}, false
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
	p, ok := e.lookups[i].byASID[asid]
	if !ok {
		return "", "", false
	}
	return p.ODSCode, p.Name, true
}

// readODS reads the metadata of the window days' months, or of the month
// before one that is missing, and returns each day's lookup: its month's,
// else the previous month's (SPEC-SUCCESSOR §1.3, the per-day fallback †).
func readODS(ctx context.Context, b *store.Bucket, days []time.Time, log *slog.Logger) ([]*lookup, error) {
	loaded := map[Month]*lookup{} // by the JSON's year and month
	tried := map[Month]bool{}
	load := func(m Month) error {
		if tried[m] {
			return nil
		}
		tried[m] = true
		body, err := b.ReadFile(ctx, ODSKey(m))
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("ODS metadata: %w", err)
		}
		l, err := parseLookup(body)
		if err != nil {
			return fmt.Errorf("ODS metadata %s: %w", b.URL(ODSKey(m)), err)
		}
		loaded[l.month] = l
		return nil
	}
	out := make([]*lookup, len(days))
	for i, d := range days {
		m := MonthOf(d)
		if err := load(m); err != nil {
			return nil, err
		}
		if l := loaded[m]; l != nil {
			out[i] = l
			continue
		}
		if err := load(m.Previous()); err != nil {
			return nil, err
		}
		l := loaded[m.Previous()]
		if l == nil {
			log.Error("no ODS metadata for the day's month or the month before", "event", "MISSING_PREVIOUS_MONTH_ODS_METADATA", "day", d.Format(time.DateOnly))
			return nil, fmt.Errorf("ODS metadata for %s: neither %s nor %s exists", d.Format(time.DateOnly), b.URL(ODSKey(m)), b.URL(ODSKey(m.Previous())))
		}
		log.Warn("the day's ODS metadata is missing: using the previous month's", "day", d.Format(time.DateOnly), "missing", b.URL(ODSKey(m)), "used", b.URL(ODSKey(m.Previous())))
		out[i] = l
	}
	return out, nil
}
