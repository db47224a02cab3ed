package spinelog

import (
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzReader feeds arbitrary CSV, gzip-compressed and optionally truncated
// (cut > 0) or not compressed at all (cut == rawInput). Reading must end
// without panicking, with only the documented results, and accepted messages
// must satisfy the row rules.
func FuzzReader(f *testing.F) {
	const rawInput = 0xffff
	f.Add([]byte(header+row), uint16(0))
	f.Add([]byte(header+row+row), uint16(40))
	f.Add([]byte(header+row), uint16(rawInput))
	f.Add([]byte("\uFEFF"+header+jdiRow("ERROR")+timeRow("2019-12-02 09:41:48.337 BST")), uint16(0))
	f.Fuzz(func(t *testing.T, in []byte, cut uint16) {
		data := gz(t, string(in))
		switch {
		case cut == rawInput:
			data = in
		case cut > 0:
			data = data[:int(cut)%len(data)]
		}
		res := readAll(t, data)
		s := res.stats
		if s.Records != s.Accepted+s.Rejected || s.Accepted != int64(len(res.msgs)) || s.Rejected != int64(len(res.perrs)) {
			t.Errorf("stats %+v for %d messages and %d bad rows", s, len(res.msgs), len(res.perrs))
		}
		if s.CompressedBytes > int64(len(data)) {
			t.Errorf("consumed %d bytes of %d", s.CompressedBytes, len(data))
		}
		for _, m := range res.msgs {
			if m.ConversationID == "" || m.GUID == "" || m.MessageRef == "NotProvided" ||
				!utf8.ValidString(m.GUID+m.ConversationID+m.Interaction+m.Sender+m.Recipient+m.MessageRef+m.ToSystem.String+m.FromSystem.String) {
				t.Errorf("accepted %+v", m)
			}
		}
		for _, pe := range res.perrs {
			if pe.Line < 2 || len(pe.Value) > MaxValueBytes+len("…") || pe.Reason == "" || (pe.Column > 0) != (pe.Field != "") {
				t.Errorf("bad ParseError %#v", pe)
			}
		}
	})
}

// FuzzParseTime checks that ParseTime never panics and agrees with package
// time on which dates and times of day exist.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{
		"2019-12-01T08:41:48.337+0000", "2019-12-01 09:41:48.337 BST", "2020-02-29T23:59:59.9999999-05:00",
		"2019-02-29T00:00:00Z", "2019-12-01T08:41:48", "2019-12-01T24:00:00+01",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseTime(s)
		if err != nil || len(s) < 19 {
			return
		}
		local, gerr := time.Parse("2006-01-02T15:04:05", s[:10]+"T"+s[11:19])
		if gerr != nil {
			t.Fatalf("ParseTime(%q) = %d, but package time rejects its date: %v", s, got, gerr)
		}
		// got = local - offset + fraction, the offset being whole minutes
		// under a day and the fraction under a second.
		diff := int64(got) - local.UnixMicro()
		if frac := ((diff % 60e6) + 60e6) % 60e6; frac >= 1e6 || diff <= -86_400e6 || diff >= 86_400e6 {
			t.Fatalf("ParseTime(%q) = %d, %d µs from its local time", s, got, diff)
		}
	})
}

// FuzzTimeCache checks that parsing a timestamp after another, through the
// cache of the previous one's date, hour and minute, gives exactly what
// parseTime gives.
func FuzzTimeCache(f *testing.F) {
	for _, p := range [][2]string{
		{"2019-12-01T08:41:48.337+0000", "2019-12-01T08:41:59.9+0000"},
		{"2019-12-01T08:41:48.337+0000", "2019-12-01T08:41:60.000+0000"},
		{"2019-12-01T08:41:48.337+0000", "2019-12-01T08:41:4x.000+0000"},
		{"2019-12-01T08:41:48.337+0000", "2019-12-01T08:41:48.+0000"},
		{"2019-12-01T08:41:48.337+0000", "2019-12-01T08:41:48.1234567 BST"},
		{"2019-12-01T08:41:48.337+0000", "2019-12-01T08:41:48"},
		{"2019-12-01T08:41:48.337+0000", "2019-12-01T08:41-48.337+0000"},
		{"2020-02-29 23:59:00Z", "2020-02-29 23:59:01-05:30"},
	} {
		f.Add(p[0], p[1])
	}
	f.Fuzz(func(t *testing.T, first, second string) {
		var c timeCache
		c.parse([]byte(first))
		got, gotReason := c.parse([]byte(second))
		want, wantReason := parseTime(second)
		if got != want || gotReason != wantReason {
			t.Fatalf("after %q, parse(%q) = %d, %q; parseTime: %d, %q", first, second, got, gotReason, want, wantReason)
		}
	})
}
