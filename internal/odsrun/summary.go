package odsrun

import (
	"fmt"
	"io"
	"strings"
)

// WriteText writes the summary for people, as gp2gp ods prints it at the end.
func (s *Summary) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Organisation metadata (%s): %s\n", s.Format, s.Output)
	fallback := ""
	if s.ASIDFallback {
		fallback = " (the previous month's: this month's is missing)"
	}
	fmt.Fprintf(&b, "  ASID export          %s%s, %d rows\n", s.ASIDExport, fallback, s.ASIDRows)
	fmt.Fprintf(&b, "  fetched              %d practices, %d CCGs, %d CCG memberships\n", s.PracticesFetched, s.CCGsFetched, s.MembersFetched)
	fmt.Fprintf(&b, "  duplicates dropped   %d%s\n", s.DuplicatesDrop, list(s.DuplicateCodes, s.DuplicatesDrop))
	fmt.Fprintf(&b, "  without ASIDs        %d practices dropped%s\n", s.WithoutASIDs, list(s.WithoutExamples, s.WithoutASIDs))
	fmt.Fprintf(&b, "  written              %d practices, %d CCGs (%d CCGs dropped: no practice left)\n", s.Practices, s.CCGsKept, s.CCGsDropped)
	fmt.Fprintf(&b, "  ORD requests         %d (%d retries)\n", s.Requests, s.Retries)
	fmt.Fprintf(&b, "  elapsed              %.1fs\n", s.ElapsedSeconds)
	_, err := io.WriteString(w, b.String())
	return err
}

// list is ": A, B, C" with "…" when there are more than shown.
func list(codes []string, total int) string {
	if len(codes) == 0 {
		return ""
	}
	if len(codes) > maxExamples {
		codes = codes[:maxExamples]
	}
	s := ": " + strings.Join(codes, ", ")
	if total > len(codes) {
		s += ", …"
	}
	return s
}
