package spinelog

import "github.com/nhsdigital/gp2gp/internal/spine"

// timeCache parses the timestamps of a log, remembering the instant of the
// last date, hour and minute seen ("2019-12-01T08:41"). A log is in time
// order and holds several rows a second, so nearly every row shares its
// first 16 bytes with the row before: only the seconds, fraction and zone
// are left to parse, sparing the date's validation and day arithmetic.
// Its results are exactly parseTime's: anything but a well-formed suffix
// after a remembered prefix goes to parseTime.
type timeCache struct {
	prefix [16]byte
	base   int64 // seconds since the epoch of prefix, at :00, as if UTC
	valid  bool
}

// parse is parseTime(string(b)), usually faster.
func (c *timeCache) parse(b []byte) (spine.Time, string) {
	if c.valid && len(b) >= 19 && string(b[:16]) == string(c.prefix[:]) {
		if t, ok := parseSeconds(c.base, b[16:]); ok {
			return t, ""
		}
		return parseTime(string(b)) // for the exact reason
	}
	t, reason := parseTime(string(b))
	if reason != "" {
		return t, reason
	}
	// The prefix is valid: parseTime accepted it.
	s := b[:16]
	year := int(s[0]-'0')*1000 + int(s[1]-'0')*100 + int(s[2]-'0')*10 + int(s[3]-'0')
	month := int(s[5]-'0')*10 + int(s[6]-'0')
	day := int(s[8]-'0')*10 + int(s[9]-'0')
	hour := int(s[11]-'0')*10 + int(s[12]-'0')
	minute := int(s[14]-'0')*10 + int(s[15]-'0')
	c.base = daysFromCivil(year, month, day)*86_400 + int64(hour*3600+minute*60)
	copy(c.prefix[:], s)
	c.valid = true
	return t, ""
}

// parseSeconds parses what follows the minute, ":ss" then the optional
// fraction and the zone, as parseTime does, and adds it to base. It
// reports false for anything parseTime would reject.
func parseSeconds(base int64, s []byte) (spine.Time, bool) {
	if s[0] != ':' || !isDigit(s[1]) || !isDigit(s[2]) {
		return 0, false
	}
	second := int64(s[1]-'0')*10 + int64(s[2]-'0')
	if second > 59 {
		return 0, false
	}
	micros, n, ok := parseFraction(s[3:])
	if !ok {
		return 0, false
	}
	rest := s[3+n:]
	var offset int64
	if string(rest) != "+0000" { // the zone of a Splunk export
		var reason string
		if offset, reason = parseZone(string(rest)); reason != "" {
			return 0, false
		}
	}
	return spine.Time((base+second-offset)*1_000_000 + micros), true
}
