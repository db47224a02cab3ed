package output

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/nhsdigital/gp2gp/internal/metrics"
)

// WritePracticeMetrics writes practiceMetrics.json (docs/outputs.md) byte for byte
// as the reference's json.dumps wrote it: one line, ", " and ": "
// separators, non-ASCII escaped, floats with a decimal point, no trailing
// newline.
func WritePracticeMetrics(w io.Writer, m metrics.PracticeMetrics, generatedOn time.Time) error {
	var e pyJSON
	e.raw(`{"generatedOn": `)
	e.str(FormatGeneratedOn(generatedOn))
	e.raw(`, "practices": [`)
	for i, p := range m.Practices {
		e.sep(i)
		in := p.Integrated
		e.raw(`{"odsCode": `)
		e.str(p.ODSCode)
		e.raw(`, "name": `)
		e.str(p.Name)
		e.raw(`, "metrics": [{"year": `)
		e.int(m.Year)
		e.raw(`, "month": `)
		e.int(m.Month)
		e.raw(`, "requester": {"integrated": {"transferCount": `)
		e.int(in.TransferCount)
		e.raw(`, "within3DaysPercentage": `)
		e.percentage(in.Within3DaysPercentage)
		e.raw(`, "within8DaysPercentage": `)
		e.percentage(in.Within8DaysPercentage)
		e.raw(`, "beyond8DaysPercentage": `)
		e.percentage(in.Beyond8DaysPercentage)
		e.raw(`}}}]}`)
	}
	e.raw(`], "ccgs": [`)
	for i, c := range m.CCGs {
		e.sep(i)
		e.raw(`{"odsCode": `)
		e.str(c.ODSCode)
		e.raw(`, "name": `)
		e.str(c.Name)
		e.raw(`, "practices": [`)
		for j, ods := range c.Practices {
			e.sep(j)
			e.str(ods)
		}
		e.raw(`]}`)
	}
	e.raw(`]}`)
	return e.writeTo(w, "practice metrics")
}

// WriteNationalMetrics writes nationalMetrics.json (docs/outputs.md) byte for byte
// as the reference wrote it (see WritePracticeMetrics).
func WriteNationalMetrics(w io.Writer, m metrics.NationalMetrics, generatedOn time.Time) error {
	var e pyJSON
	e.raw(`{"generatedOn": `)
	e.str(FormatGeneratedOn(generatedOn))
	e.raw(`, "metrics": [{"transferCount": `)
	e.int(m.TransferCount)
	e.raw(`, "integrated": {"transferCount": `)
	e.int(m.Integrated.TransferCount)
	e.raw(`, "transferPercentage": `)
	e.percentage(m.Integrated.Percentage)
	e.raw(`, "within3Days": `)
	e.int(m.Integrated.Bands.Within3Days)
	e.raw(`, "within8Days": `)
	e.int(m.Integrated.Bands.Within8Days)
	e.raw(`, "beyond8Days": `)
	e.int(m.Integrated.Bands.Beyond8Days)
	e.raw(`}, "failed": `)
	e.share(m.Failed)
	e.raw(`, "pending": `)
	e.share(m.Pending)
	e.raw(`, "paperFallback": `)
	e.share(m.PaperFallback)
	e.raw(`, "year": `)
	e.int(m.Year)
	e.raw(`, "month": `)
	e.int(m.Month)
	e.raw(`}]}`)
	return e.writeTo(w, "national metrics")
}

// FormatGeneratedOn formats t in UTC as Python's datetime.isoformat() does
// for a UTC-aware datetime: 2021-07-29T10:00:00.123456+00:00, truncated to
// microseconds, and without the fraction when the microseconds are 0.
func FormatGeneratedOn(t time.Time) string {
	t = t.UTC()
	s := t.Format("2006-01-02T15:04:05")
	if us := t.Nanosecond() / 1000; us != 0 {
		s += fmt.Sprintf(".%06d", us)
	}
	return s + "+00:00"
}

// pyJSON builds JSON text as Python's json.dumps does with its defaults.
// The first error (a non-finite float, which json.dumps would write as
// invalid JSON) sticks.
type pyJSON struct {
	buf []byte
	err error
}

func (e *pyJSON) raw(s string) { e.buf = append(e.buf, s...) }

func (e *pyJSON) int(n int) { e.buf = strconv.AppendInt(e.buf, int64(n), 10) }

// sep writes the item separator before every item but the first.
func (e *pyJSON) sep(i int) {
	if i > 0 {
		e.raw(", ")
	}
}

func (e *pyJSON) share(s metrics.Share) {
	e.raw(`{"transferCount": `)
	e.int(s.TransferCount)
	e.raw(`, "transferPercentage": `)
	e.percentage(s.Percentage)
	e.raw(`}`)
}

func (e *pyJSON) percentage(p metrics.Percentage) {
	if !p.Valid {
		e.raw("null")
		return
	}
	s, err := pyFloat(p.Value)
	if err != nil && e.err == nil {
		e.err = err
	}
	e.raw(s)
}

// str writes s as json.dumps(ensure_ascii=True) does: `"` and `\` escaped,
// \b \f \n \r \t by name, every other byte outside space..~ as \u00xx or
// \uxxxx (lower-case hex; surrogate pairs beyond the BMP). Invalid UTF-8,
// which a Python str cannot hold, is written as \ufffd.
func (e *pyJSON) str(s string) {
	const hex = "0123456789abcdef"
	u4 := func(r rune) {
		e.buf = append(e.buf, '\\', 'u', hex[r>>12&0xf], hex[r>>8&0xf], hex[r>>4&0xf], hex[r&0xf])
	}
	e.buf = append(e.buf, '"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			e.buf = append(e.buf, '\\', byte(r))
		case r == '\b':
			e.raw(`\b`)
		case r == '\f':
			e.raw(`\f`)
		case r == '\n':
			e.raw(`\n`)
		case r == '\r':
			e.raw(`\r`)
		case r == '\t':
			e.raw(`\t`)
		case r >= ' ' && r <= '~':
			e.buf = append(e.buf, byte(r))
		case r > 0xffff:
			hi, lo := utf16Surrogates(r)
			u4(hi)
			u4(lo)
		default: // includes utf8.RuneError for invalid bytes
			u4(r)
		}
	}
	e.buf = append(e.buf, '"')
}

// utf16Surrogates splits a rune beyond the BMP into its UTF-16 pair.
func utf16Surrogates(r rune) (hi, lo rune) {
	r -= 0x10000
	return 0xd800 + r>>10&0x3ff, 0xdc00 + r&0x3ff
}

func (e *pyJSON) writeTo(w io.Writer, what string) error {
	if e.err != nil {
		return fmt.Errorf("encode %s: %w", what, e.err)
	}
	if _, err := w.Write(e.buf); err != nil {
		return fmt.Errorf("write %s: %w", what, err)
	}
	return nil
}

// pyFloat formats x as Python's repr(float) does: the shortest digits that
// read back as x, fixed notation with at least one decimal ("50.0") when
// the decimal exponent is in [-4, 16), otherwise exponent notation
// ("1e-05", "1e+16"). Non-finite values are an error: they are not JSON.
func pyFloat(x float64) (string, error) {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "", fmt.Errorf("non-finite number %v", x)
	}
	sci := strconv.FormatFloat(x, 'e', -1, 64)
	exp, err := strconv.Atoi(sci[strings.IndexByte(sci, 'e')+1:])
	if err != nil { // unreachable: FormatFloat always writes an exponent
		return "", fmt.Errorf("format %v: %w", x, err)
	}
	if exp < -4 || exp >= 16 {
		return sci, nil
	}
	s := strconv.FormatFloat(x, 'f', -1, 64)
	if !strings.ContainsRune(s, '.') {
		s += ".0"
	}
	return s, nil
}
