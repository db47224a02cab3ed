package spinelog

import (
	"strconv"

	"github.com/nhsdigital/gp2gp/internal/spine"
)

// Reasons a timestamp is rejected. They complete a sentence starting with
// the quoted value.
const (
	reasonTimeEmpty    = "is empty"
	reasonTimeShape    = "is not a timestamp like 2019-12-01T08:41:48.337+0000"
	reasonTimeMonth    = "has a month out of range"
	reasonTimeDay      = "has a day out of range for its month"
	reasonTimeHour     = "has an hour out of range"
	reasonTimeMinute   = "has a minute out of range"
	reasonTimeSecond   = "has a second out of range"
	reasonTimeNoOffset = "has no UTC offset"
	reasonTimeOffset   = "has an invalid UTC offset"
	reasonTimeZone     = "has an unknown time zone (want an offset, Z, UTC, GMT or BST)"
)

// TimeError is returned by ParseTime.
type TimeError struct {
	Value  string // the input, truncated to about MaxValueBytes
	Reason string
}

func (e *TimeError) Error() string {
	return "parse time " + strconv.Quote(e.Value) + ": " + e.Reason
}

// ParseTime parses a Spine log timestamp (docs/inputs.md) into UTC microseconds.
//
// The accepted form is YYYY-MM-DD, then T or a space, then hh:mm:ss, an
// optional fraction of any number of digits (the first six are kept, the rest
// dropped), an optional space, and a zone: Z, ±hh, ±hhmm, ±hh:mm, or one of
// the names UTC, GMT (+00:00) and BST (+01:00). A timestamp without a zone is
// an error: its instant is unknown.
func ParseTime(s string) (spine.Time, error) {
	t, reason := parseTime(s)
	if reason != "" {
		return 0, &TimeError{Value: truncate(s), Reason: reason}
	}
	return t, nil
}

// parseTime is ParseTime without allocation: it returns a constant reason
// instead of an error.
func parseTime(s string) (spine.Time, string) {
	if s == "" {
		return 0, reasonTimeEmpty
	}
	// 2019-12-01T08:41:48
	// 0123456789012345678
	if len(s) < 19 || s[4] != '-' || s[7] != '-' || s[13] != ':' || s[16] != ':' {
		return 0, reasonTimeShape
	}
	switch s[10] {
	case 'T', 't', ' ':
	default:
		return 0, reasonTimeShape
	}
	year, ok1 := digits(s[0:4])
	month, ok2 := digits(s[5:7])
	day, ok3 := digits(s[8:10])
	hour, ok4 := digits(s[11:13])
	minute, ok5 := digits(s[14:16])
	second, ok6 := digits(s[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) {
		return 0, reasonTimeShape
	}
	switch {
	case month < 1 || month > 12:
		return 0, reasonTimeMonth
	case day < 1 || day > daysIn(month, year):
		return 0, reasonTimeDay
	case hour > 23:
		return 0, reasonTimeHour
	case minute > 59:
		return 0, reasonTimeMinute
	case second > 59:
		return 0, reasonTimeSecond
	}

	micros, n, ok := parseFraction(s[19:])
	if !ok {
		return 0, reasonTimeShape
	}
	offset, reason := parseZone(s[19+n:])
	if reason != "" {
		return 0, reason
	}
	secs := daysFromCivil(year, month, day)*86_400 + int64(hour*3600+minute*60+second) - offset
	return spine.Time(secs*1_000_000 + micros), ""
}

// parseFraction parses the optional fraction of a second at the start of
// rest, a '.' and digits, and returns it in microseconds (digits past the
// sixth are dropped) and its length; ok is false for a '.' with no digit.
func parseFraction[T string | []byte](rest T) (micros int64, n int, ok bool) {
	if len(rest) == 0 || rest[0] != '.' {
		return 0, 0, true
	}
	i, scale := 1, int64(100_000)
	for ; i < len(rest) && isDigit(rest[i]); i++ {
		micros += int64(rest[i]-'0') * scale
		scale /= 10 // reaches 0 after six digits: later digits are dropped
	}
	return micros, i, i > 1
}

// parseZone parses what follows the seconds (and fraction) and returns the
// offset east of UTC in seconds.
func parseZone(z string) (int64, string) {
	if len(z) > 0 && z[0] == ' ' {
		z = z[1:]
	}
	if z == "" {
		return 0, reasonTimeNoOffset
	}
	switch z {
	case "Z", "z", "UTC", "GMT":
		return 0, ""
	case "BST":
		return 3600, ""
	}
	sign := int64(1)
	switch z[0] {
	case '+':
	case '-':
		sign = -1
	default:
		if isDigit(z[0]) || z[0] == '.' {
			return 0, reasonTimeShape
		}
		return 0, reasonTimeZone
	}
	z = z[1:]
	var hh, mm int
	var ok bool
	switch len(z) {
	case 2: // +01
		hh, ok = digits(z)
	case 4: // +0100
		hh, ok = digits(z[:2])
		if ok {
			mm, ok = digits(z[2:])
		}
	case 5: // +01:00
		hh, ok = digits(z[:2])
		if ok && z[2] == ':' {
			mm, ok = digits(z[3:])
		} else {
			ok = false
		}
	}
	if !ok || hh > 23 || mm > 59 {
		return 0, reasonTimeOffset
	}
	return sign * int64(hh*3600+mm*60), ""
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// digits parses a short run of ASCII digits.
func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysIn(month, year int) int {
	switch month {
	case 2:
		if isLeap(year) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil returns the number of days since 1970-01-01 of a proleptic
// Gregorian date (Howard Hinnant's algorithm). y is 0..9999.
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y
	if era < 0 {
		era -= 399
	}
	era /= 400
	yoe := y - era*400 // [0, 399]
	mp := (m + 9) % 12 // March = 0
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146_097 + int64(doe) - 719_468
}
