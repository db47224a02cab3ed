package ods

import (
	"strconv"
	"time"
)

// Format is the shape of the output file.
type Format string

const (
	// V2 is the 2021 ods-downloader's shape (docs/ods.md, "Output"), which gp2gp run
	// reads: generated_on, practices, ccgs.
	V2 Format = "v2"
	// V5 is the later ods-downloader's shape (docs/ods.md, v5):
	// generated_on, year, month, practices, sicbls.
	V5 Format = "v5"
)

// ParseFormat checks a format name.
func ParseFormat(s string) (Format, bool) {
	switch Format(s) {
	case V2, V5:
		return Format(s), true
	}
	return "", false
}

// Key returns the output key of the metadata for year and month, not
// zero-padded: v2/2020/1/organisationMetadata.json.
func (f Format) Key(year, month int) string {
	return string(f) + "/" + strconv.Itoa(year) + "/" + strconv.Itoa(month) + "/organisationMetadata.json"
}

// Encode writes md as Python's json.dumps wrote it (one line, separators
// ", " and ": ", non-ASCII escaped as \uXXXX, keys in order) in format f.
// generatedOn is written as Python's isoformat() writes it; year and month
// are used by V5 only.
func Encode(md *Metadata, f Format, generatedOn time.Time, year, month int) []byte {
	b := make([]byte, 0, 128+len(md.Practices)*96+len(md.CCGs)*64)
	b = append(b, `{"generated_on": `...)
	b = appendString(b, IsoFormat(generatedOn))
	if f == V5 {
		b = append(b, `, "year": `...)
		b = strconv.AppendInt(b, int64(year), 10)
		b = append(b, `, "month": `...)
		b = strconv.AppendInt(b, int64(month), 10)
	}
	b = append(b, `, "practices": [`...)
	for i, p := range md.Practices {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, `{"ods_code": `...)
		b = appendString(b, p.Code)
		b = append(b, `, "name": `...)
		b = appendString(b, p.Name)
		b = append(b, `, "asids": `...)
		b = appendStrings(b, p.ASIDs)
		b = append(b, '}')
	}
	if f == V5 {
		b = append(b, `], "sicbls": [`...)
	} else {
		b = append(b, `], "ccgs": [`...)
	}
	for i, c := range md.CCGs {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, `{"ods_code": `...)
		b = appendString(b, c.Code)
		b = append(b, `, "name": `...)
		b = appendString(b, c.Name)
		b = append(b, `, "practices": `...)
		b = appendStrings(b, c.Practices)
		b = append(b, '}')
	}
	return append(b, "]}"...)
}

func appendStrings(b []byte, ss []string) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string the way Python's json.dumps
// (ensure_ascii=True) writes it: printable ASCII as is except `"` and `\`;
// \n, \r, \t, \b, \f by name; every other character as \uxxxx in lower
// case hex, characters above U+FFFF as a UTF-16 surrogate pair. Invalid
// UTF-8 is written as U+FFFD.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	for _, r := range s { // invalid UTF-8 ranges as utf8.RuneError
		switch {
		case r == '"':
			b = append(b, `\"`...)
		case r == '\\':
			b = append(b, `\\`...)
		case r == '\n':
			b = append(b, `\n`...)
		case r == '\r':
			b = append(b, `\r`...)
		case r == '\t':
			b = append(b, `\t`...)
		case r == '\b':
			b = append(b, `\b`...)
		case r == '\f':
			b = append(b, `\f`...)
		case r >= ' ' && r <= '~':
			b = append(b, byte(r))
		case r > 0xFFFF:
			r -= 0x10000
			b = appendU(b, 0xD800|(r>>10)&0x3FF)
			b = appendU(b, 0xDC00|r&0x3FF)
		default:
			b = appendU(b, r)
		}
	}
	return append(b, '"')
}

func appendU(b []byte, r rune) []byte {
	return append(b, '\\', 'u', hexDigits[r>>12&0xF], hexDigits[r>>8&0xF], hexDigits[r>>4&0xF], hexDigits[r&0xF])
}

// IsoFormat formats t in UTC as Python's datetime.isoformat() writes an
// aware UTC datetime: 2021-06-18T10:11:12.123456+00:00, without the
// fraction when the microseconds are zero.
func IsoFormat(t time.Time) string { return PyIsoFormat(t.UTC(), true) }

// PyIsoFormat formats t, in its own offset, as Python's isoformat() does:
// six fractional digits unless the microseconds are zero, and the offset
// as +HH:MM when zoned is set (an aware datetime; a naive one has none).
func PyIsoFormat(t time.Time, zoned bool) string {
	layout := "2006-01-02T15:04:05"
	if t.Nanosecond()/1000 != 0 {
		t = t.Truncate(time.Microsecond)
		layout += ".000000"
	}
	if zoned {
		layout += "-07:00"
	}
	return t.Format(layout)
}
