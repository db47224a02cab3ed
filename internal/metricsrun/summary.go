package metricsrun

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// WriteText writes the summary for people.
func (s *Summary) WriteText(w io.Writer) {
	fmt.Fprintf(w, "v12 metrics for %s (months %s)\n", s.Months[0], strings.Join(s.Months, ", "))
	fmt.Fprintf(w, "  read                 %d days of %s, %d transfers\n", s.DaysRead, s.Input, s.Transfers)
	fmt.Fprintf(w, "  national             %d transfers in %s\n", s.National, s.Months[0])
	fmt.Fprintf(w, "  practices            %d, in %d Sub-ICB locations\n", s.Practices, s.SICBLs)
	if s.WithoutODS > 0 {
		fmt.Fprintf(w, "  without ODS code     %d transfers: national only\n", s.WithoutODS)
	}
	if n := len(s.Dropped); n > 0 {
		fmt.Fprintf(w, "  dropped              %d practices (%d transfers) whose latest transfer has no Sub-ICB location: %s\n",
			n, s.DroppedCount, strings.Join(s.Dropped[:min(n, 10)], ", "))
	}
	if s.Outside > 0 {
		fmt.Fprintf(w, "  outside the months   %d transfers: in no month\n", s.Outside)
	}
	if len(s.Checks) > 0 {
		fmt.Fprintf(w, "Validation:\n")
		for _, c := range s.Checks {
			mark := "ok  "
			if !c.OK {
				mark = "FAIL"
			}
			fmt.Fprintf(w, "  %s %-27s %s\n", mark, c.Name, c.Detail)
		}
	}
	if !s.Published {
		fmt.Fprintf(w, "Nothing was published.\n")
		return
	}
	keys := make([]string, 0, len(s.Outputs))
	for k := range s.Outputs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "Wrote %s\n", k)
	}
	if s.Report != "" {
		fmt.Fprintf(w, "Report %s (open it in a browser)\n", s.Report)
	}
	if len(s.Parameters) > 0 {
		names := make([]string, 0, len(s.Parameters))
		for k := range s.Parameters {
			names = append(names, k)
		}
		slices.Sort(names)
		for _, k := range names {
			fmt.Fprintf(w, "SSM   %s = %s\n", k, s.Parameters[k])
		}
	}
}
