package golden

import (
	"compress/gzip"
	"encoding/csv"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// ManifestRow is one conversation of a synthetic golden case's
// manifest.csv.gz: the scenario family it was built from.
type ManifestRow struct {
	ConversationID, Family string
}

// Manifest reads the case's manifest.csv.gz, in file order; it
// returns nil when the case has none (the reference's own cases).
func (c Case) Manifest(t testing.TB) []ManifestRow {
	t.Helper()
	caseDir := c.Dir(t)
	f, err := os.Open(filepath.Join(caseDir, "manifest.csv.gz"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("read manifest of %s: %v", caseDir, err)
	}
	rows, err := csv.NewReader(zr).ReadAll()
	if err != nil || len(rows) == 0 || len(rows[0]) < 2 || rows[0][0] != "conversation_id" || rows[0][1] != "family" {
		t.Fatalf("read manifest of %s: %v", caseDir, err)
	}
	out := make([]ManifestRow, 0, len(rows)-1)
	for _, r := range rows[1:] {
		out = append(out, ManifestRow{r[0], r[1]})
	}
	return out
}
