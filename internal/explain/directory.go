package explain

import "github.com/nhsdigital/gp2gp/internal/metrics"

// Practice is the practice that owns an ASID.
type Practice struct {
	ODSCode string
	Name    string
}

// Directory maps ASIDs to the practices that own them. A nil Directory
// knows no ASID.
type Directory map[string]Practice

// NewDirectory indexes the organisation metadata by ASID; if several
// practices list one ASID, the later wins, as in the metrics.
func NewDirectory(orgs *metrics.Organisations) Directory {
	if orgs == nil {
		return nil
	}
	d := make(Directory)
	for _, p := range orgs.Practices {
		for _, asid := range p.ASIDs {
			d[asid] = Practice{ODSCode: p.ODSCode, Name: p.Name}
		}
	}
	return d
}
