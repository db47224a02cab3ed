package metrics

import "strconv"

// Percentage is a rounded percentage that may be absent (null), when the
// total it is taken over is zero.
type Percentage struct {
	Value float64
	Valid bool
}

// Percent returns portion / total * 100, computed in float64 in exactly that
// order and rounded to digits decimal places as Python's round(x, digits)
// does, as the reference did; it is absent when total is 0.
func Percent(portion, total, digits int) Percentage {
	if total == 0 {
		return Percentage{}
	}
	return Percentage{Value: Round(float64(portion)/float64(total)*100, digits), Valid: true}
}

// Round rounds x to digits decimal places the way Python's round(x, digits)
// does: correctly rounded from the exact binary value of x, exact ties to
// even (12.25 → 12.2, while 2.675, stored as 2.67499…, → 2.67).
//
// strconv formats with exactly these semantics, and parsing the shortest
// decimal back gives the float nearest to it, as Python does.
func Round(x float64, digits int) float64 {
	r, err := strconv.ParseFloat(strconv.FormatFloat(x, 'f', digits, 64), 64)
	if err != nil { // unreachable: FormatFloat output always parses
		return x
	}
	return r
}
