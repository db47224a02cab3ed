package convstore

import "testing"

// TestCompactRoundTrip checks the compact record form on awkward values:
// non-UUID and lower-case ids, empty and raw refs, absent suppliers.
func TestCompactRoundTrip(t *testing.T) {
	for _, s := range []string{"", "x", "49DA8567-F256-9635-A14D-8A3275899B9D", "49da8567-f256-9635-a14d-8a3275899b9d", "49DA8567-F256-9635-A14D-8A3275899B9", "49DA8567xF256-9635-A14D-8A3275899B9D"} {
		u, ok := parseUUID([]byte(s))
		if ok != (s == "49DA8567-F256-9635-A14D-8A3275899B9D") {
			t.Errorf("parseUUID(%q) ok = %v", s, ok)
		}
		if ok && string(appendUUIDText(nil, u[:])) != s {
			t.Errorf("UUID %q came back as %q", s, appendUUIDText(nil, u[:]))
		}
	}
}

// FuzzParseUUID checks the word-at-a-time parseUUID against a byte-by-byte
// table lookup.
func FuzzParseUUID(f *testing.F) {
	for _, s := range []string{"49DA8567-F256-9635-A14D-8A3275899B9D", "49da8567-f256-9635-a14d-8a3275899b9d",
		"00000000-0000-0000-0000-000000000000", "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF", "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
		"49DA8567-F256-9635-A14D-8A3275899B9\xff", "/9:@AFG`-F256-9635-A14D-8A3275899B9D"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, ok := parseUUID(b)
		want, wantOK := parseUUIDByTable(b)
		if ok != wantOK || (ok && got != want) {
			t.Fatalf("parseUUID(%q) = %x, %v; want %x, %v", b, got, ok, want, wantOK)
		}
	})
}

// parseUUIDByTable is parseUUID a digit at a time.
func parseUUIDByTable(b []byte) (u [16]byte, ok bool) {
	if len(b) != 36 || b[8] != '-' || b[13] != '-' || b[18] != '-' || b[23] != '-' {
		return u, false
	}
	val := func(c byte) (byte, bool) {
		switch {
		case '0' <= c && c <= '9':
			return c - '0', true
		case 'A' <= c && c <= 'F':
			return c - 'A' + 10, true
		}
		return 0, false
	}
	for j, i := range [16]int{0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34} {
		hi, ok1 := val(b[i])
		lo, ok2 := val(b[i+1])
		if !ok1 || !ok2 {
			return u, false
		}
		u[j] = hi<<4 | lo
	}
	return u, true
}

func BenchmarkParseUUID(b *testing.B) {
	id := []byte("49DA8567-F256-9635-A14D-8A3275899B9D")
	for b.Loop() {
		if _, ok := parseUUID(id); !ok {
			b.Fatal("not a UUID")
		}
	}
}
