package pipeline

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/nhsdigital/gp2gp/internal/spine"
)

// Summary accounts for every input row of a run (SPEC §9): written as
// runSummary.json beside the outputs and printed at the end of a run.
type Summary struct {
	GeneratedOn    string  `json:"generatedOn"`
	ElapsedSeconds float64 `json:"elapsedSeconds"`
	MetricMonth    string  `json:"metricMonth"`
	OverflowMonth  string  `json:"overflowMonth"`
	DateAnchor     string  `json:"dateAnchor"`
	CutoffDays     int     `json:"cutoffDays"`

	Inputs []InputSummary `json:"inputs"`

	RowsRead            int     `json:"rowsRead"`
	RowsAccepted        int     `json:"rowsAccepted"`
	RowsRejected        int     `json:"rowsRejected"`
	MaxRejectedFraction float64 `json:"maxRejectedFraction"`

	// Messages counts accepted messages by where they ended up; the counts
	// add up to RowsAccepted.
	Messages map[string]int `json:"messages"`

	Conversations              int `json:"conversations"`
	ConversationsNoRequest     int `json:"conversationsWithoutRequestStarted"`
	ConversationsOutsideWindow int `json:"conversationsOutsideWindow"`
	Transfers                  int `json:"transfers"`
	NegativeSLAsClamped        int `json:"negativeSlasClamped"`

	Statuses       map[string]int `json:"statuses"`
	FailureReasons map[string]int `json:"failureReasons"`

	UnknownRequestingASIDs UnknownASIDs `json:"unknownRequestingAsids"`
}

// InputSummary accounts for the rows of one input file.
type InputSummary struct {
	Input        string `json:"input"` // "metric log" or "overflow log"
	Object       string `json:"object"`
	RowsRead     int    `json:"rowsRead"`
	RowsAccepted int    `json:"rowsAccepted"`
	RowsRejected int    `json:"rowsRejected"`
}

// UnknownASIDs are requesting ASIDs of integrated transfers that no practice
// of the organisation metadata lists.
type UnknownASIDs struct {
	Transfers int      `json:"transfers"` // integrated transfers attributed to no practice
	Distinct  int      `json:"distinct"`
	Examples  []string `json:"examples"`
}

// dispositionTally counts messages by disposition: an array, not the
// map of Summary.Messages, as every message of the month is counted.
type dispositionTally []int

func newDispositionTally() dispositionTally {
	return make(dispositionTally, len(spine.Dispositions()))
}

// addMessages adds the counts of t to s.Messages.
func (s *Summary) addMessages(t dispositionTally) {
	for d, n := range t {
		s.Messages[spine.Disposition(d).String()] += n
	}
}

func newSummary() *Summary {
	s := &Summary{
		Messages:       make(map[string]int),
		Statuses:       make(map[string]int),
		FailureReasons: make(map[string]int),
	}
	for _, d := range spine.Dispositions() {
		s.Messages[d.String()] = 0
	}
	return s
}

// addInput adds one input file's row counts.
func (s *Summary) addInput(in InputSummary) {
	s.Inputs = append(s.Inputs, in)
	s.RowsRead += in.RowsRead
	s.RowsAccepted += in.RowsAccepted
	s.RowsRejected += in.RowsRejected
}

// add counts one classified conversation, its messages in t (folded into
// s.Messages by addMessages).
func (s *Summary) add(c *spine.Classification, t dispositionTally) {
	s.Conversations++
	for _, d := range c.Disposition {
		if int(d) < len(t) {
			t[d]++
		}
	}
	switch c.Skip {
	case spine.SkipNoRequest:
		s.ConversationsNoRequest++
		return
	case spine.SkipOutsideWindow:
		s.ConversationsOutsideWindow++
		return
	}
	s.Transfers++
	s.Statuses[string(c.Transfer.Status)]++
	if r := c.Transfer.FailureReason; r != "" {
		s.FailureReasons[r]++
	}
	if c.Facts.SLAClamped {
		s.NegativeSLAsClamped++
	}
}

// WriteText writes the short human summary of a run.
func (s *Summary) WriteText(w io.Writer) {
	var b strings.Builder
	fmt.Fprintf(&b, "gp2gp: metric month %s (overflow %s), cutoff %s\n", s.MetricMonth, s.OverflowMonth, cutoffText(s.CutoffDays))
	for _, in := range s.Inputs {
		fmt.Fprintf(&b, "  %-13s %9d rows read, %9d accepted, %d rejected  (%s)\n", in.Input+":", in.RowsRead, in.RowsAccepted, in.RowsRejected, in.Object)
	}
	fmt.Fprintf(&b, "  conversations %9d: %d transfers in the month, %d outside it, %d without a request started\n",
		s.Conversations, s.Transfers, s.ConversationsOutsideWindow, s.ConversationsNoRequest)
	fmt.Fprintf(&b, "  messages:     ")
	for i, d := range spine.Dispositions() {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %d", d, s.Messages[d.String()])
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "  statuses:     %s\n", countsText(s.Statuses))
	fmt.Fprintf(&b, "  reasons:      %s\n", countsText(s.FailureReasons))
	u := s.UnknownRequestingASIDs
	fmt.Fprintf(&b, "  unknown requesting ASIDs: %d distinct, %d integrated transfers", u.Distinct, u.Transfers)
	if len(u.Examples) > 0 {
		fmt.Fprintf(&b, " (e.g. %s)", strings.Join(u.Examples, ", "))
	}
	fmt.Fprintf(&b, "\n  elapsed %s\n", time.Duration(s.ElapsedSeconds*float64(time.Second)).Round(time.Millisecond))
	io.WriteString(w, b.String())
}

func cutoffText(days int) string {
	if days == 0 {
		return "none"
	}
	return fmt.Sprintf("%d days", days)
}

// countsText lists counts largest first, ties by name.
func countsText(m map[string]int) string {
	if len(m) == 0 {
		return "none"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}
