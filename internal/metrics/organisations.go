package metrics

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Organisations is the organisation metadata (docs/inputs.md).
type Organisations struct {
	GeneratedOn string // as written in the metadata; informational only
	Practices   []Practice
	CCGs        []CCG
}

// Practice is a GP practice and the Spine ASIDs it owns.
type Practice struct {
	ODSCode string
	Name    string
	ASIDs   []string
}

// CCG is a clinical commissioning group and the ODS codes of its practices.
type CCG struct {
	ODSCode   string
	Name      string
	Practices []string
}

// The wire form of the metadata. Pointers tell a missing key from an empty
// value; unknown keys are ignored.
type orgsJSON struct {
	GeneratedOn *string         `json:"generated_on"`
	Practices   *[]practiceJSON `json:"practices"`
	CCGs        *[]ccgJSON      `json:"ccgs"`
}

type practiceJSON struct {
	ODSCode *string   `json:"ods_code"`
	Name    *string   `json:"name"`
	ASIDs   *[]string `json:"asids"`
}

type ccgJSON struct {
	ODSCode   *string   `json:"ods_code"`
	Name      *string   `json:"name"`
	Practices *[]string `json:"practices"`
}

// ParseOrganisations reads organisation metadata JSON. The practices and
// ccgs arrays are required, as are every entry's ods_code, name and
// asids/practices; unknown keys are ignored.
func ParseOrganisations(r io.Reader) (*Organisations, error) {
	dec := json.NewDecoder(r)
	var raw orgsJSON
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("parse organisation metadata: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("parse organisation metadata: unexpected data after the top-level object")
	}
	if raw.Practices == nil {
		return nil, errors.New("parse organisation metadata: missing \"practices\" array")
	}
	if raw.CCGs == nil {
		return nil, errors.New("parse organisation metadata: missing \"ccgs\" array")
	}
	orgs := &Organisations{
		Practices: make([]Practice, 0, len(*raw.Practices)),
		CCGs:      make([]CCG, 0, len(*raw.CCGs)),
	}
	if raw.GeneratedOn != nil {
		orgs.GeneratedOn = *raw.GeneratedOn
	}
	for i, p := range *raw.Practices {
		if err := required(p.ODSCode != nil, p.Name != nil, p.ASIDs != nil, "asids"); err != nil {
			return nil, fmt.Errorf("parse organisation metadata: practices[%d]: %w", i, err)
		}
		orgs.Practices = append(orgs.Practices, Practice{ODSCode: *p.ODSCode, Name: *p.Name, ASIDs: *p.ASIDs})
	}
	for i, c := range *raw.CCGs {
		if err := required(c.ODSCode != nil, c.Name != nil, c.Practices != nil, "practices"); err != nil {
			return nil, fmt.Errorf("parse organisation metadata: ccgs[%d]: %w", i, err)
		}
		orgs.CCGs = append(orgs.CCGs, CCG{ODSCode: *c.ODSCode, Name: *c.Name, Practices: *c.Practices})
	}
	return orgs, nil
}

// required reports the first missing key of an entry.
func required(hasODS, hasName, hasList bool, listKey string) error {
	switch {
	case !hasODS:
		return errors.New("missing \"ods_code\"")
	case !hasName:
		return errors.New("missing \"name\"")
	case !hasList:
		return fmt.Errorf("missing %q array", listKey)
	}
	return nil
}

// PracticeByASID maps each ASID to the ODS code of the practice that owns it.
// If several practices list one ASID, the later practice wins, as in the
// reference.
func (o *Organisations) PracticeByASID() map[string]string {
	owner := make(map[string]string)
	for _, p := range o.Practices {
		for _, asid := range p.ASIDs {
			owner[asid] = p.ODSCode
		}
	}
	return owner
}
