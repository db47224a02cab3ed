// Package ods builds the organisation metadata that gp2gp run reads from
// ORD organisation searches and a Spine Directory ASID export, and encodes
// it as the ods-downloader wrote it, v2 or v5 (docs/ods.md). It is pure:
// no I/O, standard library only.
package ods

// Organisation is one organisation of an ORD search result: only its code
// (OrgId) and Name are used.
type Organisation struct {
	Code string
	Name string
}

// Source is what the rules read: the three ORD searches and the ASID export.
type Source struct {
	// Practices is the practice search's result, in API order.
	Practices []Organisation
	// CCGs is the CCG search's result, in API order.
	CCGs []Organisation
	// Members returns a CCG's practices, the per-CCG search's result in
	// API order. It is called once per distinct CCG, in order; an error
	// stops Build and is returned as is.
	Members func(ccgCode string) ([]Organisation, error)
	// ASIDs maps an ODS code to its ASIDs in export file order.
	ASIDs map[string][]string
}

// Practice is a practice of the metadata.
type Practice struct {
	Code  string
	Name  string
	ASIDs []string
}

// CCG is a CCG (v5: a SICBL) of the metadata with its member practices.
type CCG struct {
	Code      string
	Name      string
	Practices []string
}

// Metadata is the organisation metadata, in output order.
type Metadata struct {
	Practices []Practice
	CCGs      []CCG
}

// Report says what the rules dropped, for the run's summary.
type Report struct {
	PracticesFetched int // organisations of the practice search
	CCGsFetched      int // organisations of the CCG search
	// DuplicatePractices and DuplicateCCGs are the repeated codes dropped
	// (rule 1 and 3), one entry per dropped occurrence, in API order.
	DuplicatePractices []string
	DuplicateCCGs      []string
	// WithoutASIDs are the codes of the practices dropped by rule 2, in
	// API order.
	WithoutASIDs []string
	// CCGsKept and CCGsEmpty count the distinct CCGs kept and dropped by
	// rule 4 (EmptyCCGs lists the latter's codes).
	CCGsKept  int
	EmptyCCGs []string
	// MemberLinks is the number of practices the per-CCG searches
	// returned, and MembersDropped those not in the practice list.
	MemberLinks, MembersDropped int
}

// Build applies the rules of docs/ods.md to src.
func Build(src Source) (*Metadata, *Report, error) {
	rep := &Report{PracticesFetched: len(src.Practices), CCGsFetched: len(src.CCGs)}
	md := &Metadata{Practices: []Practice{}, CCGs: []CCG{}}

	// Rules 1 and 2: first occurrence of a code; those with ASIDs.
	practices, dups := unique(src.Practices)
	rep.DuplicatePractices = dups
	kept := make(map[string]bool, len(practices))
	for _, p := range practices {
		asids, ok := src.ASIDs[p.Code]
		if !ok || len(asids) == 0 {
			rep.WithoutASIDs = append(rep.WithoutASIDs, p.Code)
			continue
		}
		kept[p.Code] = true
		md.Practices = append(md.Practices, Practice{Code: p.Code, Name: p.Name, ASIDs: asids})
	}

	// Rules 3 and 4: first occurrence of a CCG; its surviving practices,
	// not deduplicated; a CCG left without practices is dropped.
	ccgs, dups := unique(src.CCGs)
	rep.DuplicateCCGs = dups
	for _, c := range ccgs {
		members, err := src.Members(c.Code)
		if err != nil {
			return nil, nil, err
		}
		rep.MemberLinks += len(members)
		codes := []string{}
		for _, m := range members {
			if kept[m.Code] {
				codes = append(codes, m.Code)
			} else {
				rep.MembersDropped++
			}
		}
		if len(codes) == 0 {
			rep.EmptyCCGs = append(rep.EmptyCCGs, c.Code)
			continue
		}
		rep.CCGsKept++
		md.CCGs = append(md.CCGs, CCG{Code: c.Code, Name: c.Name, Practices: codes})
	}
	return md, rep, nil
}

// unique keeps the first occurrence of each code, in order, and returns
// the codes of the occurrences dropped.
func unique(orgs []Organisation) (out []Organisation, dups []string) {
	seen := make(map[string]bool, len(orgs))
	for _, o := range orgs {
		if seen[o.Code] {
			dups = append(dups, o.Code)
			continue
		}
		seen[o.Code] = true
		out = append(out, o)
	}
	return out, dups
}
