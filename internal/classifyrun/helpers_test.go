package classifyrun

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nhsdigital/gp2gp/internal/output/outputtest"
	"github.com/nhsdigital/gp2gp/internal/synth"
)

const csvHeader = `"_time",conversationID,GUID,interactionID,messageSender,messageRecipient,messageRef,jdiEvent,toSystem,fromSystem`

// synthMonth is a generated month: its two monthly logs and v2 metadata.
type synthMonth struct {
	metric, overflow, org []byte
}

func generate(t testing.TB, cfg synth.Config) synthMonth {
	t.Helper()
	var m, o, org bytes.Buffer
	if _, err := synth.Generate(cfg, &m, &o, &org, nil); err != nil {
		t.Fatal(err)
	}
	return synthMonth{m.Bytes(), o.Bytes(), org.Bytes()}
}

// writeFile writes body at dir/key.
func writeFile(t testing.TB, dir, key string, body []byte) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(key))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, body, 0o644); err != nil {
		t.Fatal(err)
	}
}

// splitDaily splits gzipped monthly logs into the daily files of days
// (each row by its date, as written: the generator writes UTC), writing
// every day's file, header-only when it has no rows.
func splitDaily(t testing.TB, dir string, days []time.Time, logs ...[]byte) {
	t.Helper()
	byDay := map[string]*bytes.Buffer{}
	for _, d := range days {
		byDay[d.Format(time.DateOnly)] = bytes.NewBufferString(csvHeader + "\n")
	}
	for _, l := range logs {
		zr, err := gzip.NewReader(bytes.NewReader(l))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(zr)
		sc.Buffer(nil, 1<<20)
		first := true
		for sc.Scan() {
			line := sc.Text()
			if first {
				first = false
				continue
			}
			if b := byDay[line[1:11]]; b != nil {
				b.WriteString(line + "\n")
			}
		}
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range days {
		writeFile(t, dir, SpineKey(d), gz(t, byDay[d.Format(time.DateOnly)].Bytes()))
	}
}

func gz(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// v5Of turns v2 organisation metadata into v5 for month m.
func v5Of(t testing.TB, v2 []byte, m Month) []byte {
	t.Helper()
	var in struct {
		GeneratedOn string            `json:"generated_on"`
		Practices   []json.RawMessage `json:"practices"`
		CCGs        []json.RawMessage `json:"ccgs"`
	}
	if err := json.Unmarshal(v2, &in); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(map[string]any{"generated_on": in.GeneratedOn, "year": m.Year, "month": m.Month,
		"practices": in.Practices, "sicbls": in.CCGs})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func readAllFile(t testing.TB, p string) []byte {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

type v11Read = outputtest.V11

func readV11(p string) (*v11Read, error) { return outputtest.ReadV11(p) }
