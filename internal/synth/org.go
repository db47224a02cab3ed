package synth

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"time"
)

// Interaction ids; the first four are the GP2GP ones (see internal/spine),
// the rest are ids a conversation may contain that are not part of GP2GP.
var interactions = []string{
	"urn:nhs:names:services:gp2gp/RCMR_IN010000UK05",
	"urn:nhs:names:services:gp2gp/RCMR_IN030000UK06",
	"urn:nhs:names:services:gp2gp/MCCI_IN010000UK13",
	"urn:nhs:names:services:gp2gp/COPC_IN000001UK01",
	"urn:nhs:names:services:lrs/MCCI_IN010000UK13",
	"urn:nhs:names:services:pds/QUPA_IN040000UK32",
	"urn:nhs:names:services:gp2gp/PRPA_IN000202UK01",
}

const (
	interRequest uint8 = iota
	interEHR
	interAck
	interCOPC
	interLRSAck // an acknowledgement, but of another service
	firstUnknown
)

// suppliers are the GP system suppliers, with their share of ASIDs in
// parts per thousand.
var (
	suppliers      = []string{"EMIS", "SystmOne", "Vision", "Microtest"}
	supplierShares = []int{540, 360, 80, 20}
)

var (
	places = []string{
		"Abbey", "Ashford", "Banbury", "Beacon", "Bridgwater", "Brookside", "Castle", "Chapel Street",
		"Church View", "Clifton", "Dunstable", "Eastgate", "Elm Tree", "Fairfield", "Green Lane",
		"Harbour", "Highfield", "Hillside", "Jarrow", "Kingsway", "Lakeside", "Ludlow", "Market Street",
		"Meadowbank", "Mill Road", "Nantwich", "New Cross", "Northgate", "Oakwood", "Park Road",
		"Priory", "Queens Road", "Riverside", "Rosemary", "St John's", "St Mary's", "Station Road",
		"The Grange", "Valley", "Victoria", "Westway", "Willow", "Yarm", "Zennor",
	}
	practiceKinds = []string{
		"Surgery", "Medical Centre", "Medical Practice", "Health Centre", "Group Practice",
		"Family Practice", "& Partners",
	}
	// nonASCIINames are practice names that exercise UTF-8 handling.
	nonASCIINames = []string{
		"Llanfair Pwllgwyngyll Surgery – Tŷ Meddyg",
		"Åsgård Medical",
		"Meddygfa Llŷn",
		"Café Quarter Medical Practice",
		"Dr Ó Súilleabháin's Practice",
		"Bryn Hafod Surgery — Meddygfa’r Bryn",
		"Zoë & Partners",
	}
)

// tables are the ASIDs of a month: those of the organisation metadata, then
// some unknown to it.
type tables struct {
	asids    []string
	supplier []uint8 // per ASID, index into suppliers
	known    int     // asids[:known] belong to practices
}

type orgPractice struct {
	ODSCode string   `json:"ods_code"`
	Name    string   `json:"name"`
	ASIDs   []string `json:"asids"`
}

type orgCCG struct {
	ODSCode   string   `json:"ods_code"`
	Name      string   `json:"name"`
	Practices []string `json:"practices"`
}

type orgMetadata struct {
	GeneratedOn string        `json:"generated_on"`
	Practices   []orgPractice `json:"practices"`
	CCGs        []orgCCG      `json:"ccgs"`
}

// newOrganisations makes n practices with one or two ASIDs each, grouped in
// CCGs, and a pool of ASIDs no practice lists.
func newOrganisations(rng *rand.Rand, n int, generatedOn time.Time) (*orgMetadata, *tables) {
	tab := &tables{}
	seen := map[string]bool{}
	newASID := func() string {
		for {
			a := fmt.Sprintf("%012d", rng.Int64N(1_000_000_000_000))
			if !seen[a] {
				seen[a] = true
				tab.asids = append(tab.asids, a)
				tab.supplier = append(tab.supplier, pickSupplier(rng))
				return a
			}
		}
	}
	codes := map[string]bool{}
	md := &orgMetadata{GeneratedOn: generatedOn.UTC().Format("2006-01-02 15:04:05.000000")}
	for range n {
		var code string
		for code == "" || codes[code] {
			code = string(rune('A'+rng.IntN(25))) + strconv.Itoa(10000+rng.IntN(90000))
		}
		codes[code] = true
		p := orgPractice{ODSCode: code, Name: practiceName(rng)}
		for range 1 + rng.IntN(2) {
			p.ASIDs = append(p.ASIDs, newASID())
		}
		md.Practices = append(md.Practices, p)
	}
	tab.known = len(tab.asids)
	for range max(5, n/20) {
		newASID()
	}

	nCCG := max(1, n/40)
	ccgCodes := map[string]bool{}
	for i := range nCCG {
		var code string
		for code == "" || ccgCodes[code] {
			code = fmt.Sprintf("%02d%c", rng.IntN(100), 'A'+rng.IntN(26))
		}
		ccgCodes[code] = true
		name := places[(i+rng.IntN(len(places)))%len(places)]
		md.CCGs = append(md.CCGs, orgCCG{ODSCode: code, Name: "NHS " + name + " CCG", Practices: []string{}})
	}
	for _, p := range md.Practices {
		c := &md.CCGs[rng.IntN(nCCG)]
		c.Practices = append(c.Practices, p.ODSCode)
	}
	return md, tab
}

func practiceName(rng *rand.Rand) string {
	if rng.IntN(100) < 3 {
		return nonASCIINames[rng.IntN(len(nonASCIINames))]
	}
	return places[rng.IntN(len(places))] + " " + practiceKinds[rng.IntN(len(practiceKinds))]
}

func pickSupplier(rng *rand.Rand) uint8 {
	v := rng.IntN(1000)
	for i, s := range supplierShares {
		if v < s {
			return uint8(i)
		}
		v -= s
	}
	return 0
}

// write encodes the metadata as indented JSON, non-ASCII kept as UTF-8.
func (md *orgMetadata) write(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(md); err != nil {
		return fmt.Errorf("write organisation metadata: %w", err)
	}
	return nil
}
