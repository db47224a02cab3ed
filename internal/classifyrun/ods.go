package classifyrun

import (
	"encoding/json"
	"fmt"

	"github.com/nhsdigital/gp2gp/internal/output"
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
