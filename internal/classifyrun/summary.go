package classifyrun

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/nhsdigital/gp2gp/internal/output"
	"github.com/nhsdigital/gp2gp/internal/spine"
)

// Summary accounts for a run: every row read (per file), every
// conversation and message (per day and in total), and which ODS
// metadata month served each day.
type Summary struct {
	Window     []string       `json:"window"`   // the days, YYYY-MM-DD
	Overflow   []string       `json:"overflow"` // the overflow days read
	CutoffDays int            `json:"cutoff_days"`
	UK07       bool           `json:"uk07_core_ehr"`
	Inputs     []InputSummary `json:"inputs"`
	RowsRead   int            `json:"rows_read"`
	// RowsAccepted became messages; RowsRejected were skipped.
	RowsAccepted int  `json:"rows_accepted"`
	RowsRejected int  `json:"rows_rejected"`
	Spilled      bool `json:"spilled"`
	// ClassifiedWhileReading: the run classified conversations and
	// encoded days as they became final, while reading the files (see
	// docs/classify.md); so many conversations and days were, the rest
	// after the read.
	ClassifiedWhileReading              bool `json:"classified_while_reading"`
	ConversationsClassifiedWhileReading int  `json:"conversations_classified_while_reading"`
	DaysEncodedWhileReading             int  `json:"days_encoded_while_reading"`
	// Conversations = Transfers + NoRequest + OutsideWindow.
	Conversations              int `json:"conversations"`
	ConversationsNoRequest     int `json:"conversations_without_request_started"`
	ConversationsOutsideWindow int `json:"conversations_requested_outside_window"`
	Transfers                  int `json:"transfers"`
	// Messages counts every accepted row by where it ended up (its
	// disposition): they add up to RowsAccepted.
	Messages map[string]int `json:"messages"`
	// UnknownASIDTransfers counts the practices (two a transfer) whose
	// ASID the day's ODS metadata does not know.
	UnknownASIDTransfers int `json:"unknown_asid_practices"`
	// IntegratedWithoutSenderMessage counts the integrated transfers with
	// no sending-practice message at or before the final ack (†: null
	// last_sender_message_timestamp; the reference crashed).
	IntegratedWithoutSenderMessage int          `json:"integrated_without_sender_message"`
	Days                           []DaySummary `json:"days"`
	Published                      bool         `json:"published"`
	ElapsedSeconds                 float64      `json:"elapsed_seconds"`
}

// InputSummary is one daily file read.
type InputSummary struct {
	Object       string `json:"object"`
	RowsRead     int    `json:"rows_read"`
	RowsAccepted int    `json:"rows_accepted"`
	RowsRejected int    `json:"rows_rejected"`
}

// DaySummary is one window day's table.
type DaySummary struct {
	Day              string            `json:"day"`
	ODSMetadataMonth string            `json:"ods_metadata_month"`
	Transfers        int               `json:"transfers"`
	Statuses         map[string]int    `json:"statuses"` // the day's transfers by status, as the table spells it
	Messages         map[string]int    `json:"messages"` // the day's transfers' messages, by disposition
	Output           string            `json:"output,omitempty"`
	Metadata         map[string]string `json:"metadata,omitempty"` // the object's user metadata
}

func newSummary(cfg *Config) *Summary {
	s := &Summary{CutoffDays: cfg.CutoffDays, UK07: cfg.UK07CoreEHR, Messages: map[string]int{}}
	for _, d := range cfg.Window.Days {
		s.Window = append(s.Window, d.Format(time.DateOnly))
		s.Days = append(s.Days, DaySummary{Day: d.Format(time.DateOnly), Statuses: map[string]int{}, Messages: map[string]int{}})
	}
	for _, d := range cfg.Window.Overflow {
		s.Overflow = append(s.Overflow, d.Format(time.DateOnly))
	}
	return s
}

func (s *Summary) addInput(in InputSummary) {
	s.Inputs = append(s.Inputs, in)
	s.RowsRead += in.RowsRead
	s.RowsAccepted += in.RowsAccepted
	s.RowsRejected += in.RowsRejected
}

// addPartition adds a partition's counts.
func (s *Summary) addPartition(p *partition) {
	s.Conversations += p.conversations
	s.ConversationsNoRequest += p.noRequest
	s.ConversationsOutsideWindow += p.outside
	s.UnknownASIDTransfers += p.unknownASIDs
	s.IntegratedWithoutSenderMessage += p.integratedNoSender
	addMessages(s.Messages, p.messages)
	for day, dt := range p.byDay {
		d := &s.Days[day]
		s.Transfers += dt.transfers
		d.Transfers += dt.transfers
		for st, n := range dt.statuses {
			d.Statuses[v11Status(st)] += n
		}
		addMessages(d.Messages, dt.messages)
	}
}

// v11Status is a status as the day's table spells it.
func v11Status(st spine.Status) string {
	if v, err := output.V11Status(st); err == nil {
		return v
	}
	return string(st) // a status the table cannot have: shown as it is
}

func addMessages(m map[string]int, counts []int) {
	for d, n := range counts {
		if n > 0 {
			m[spine.Disposition(d).String()] += n
		}
	}
}

// WriteText writes the summary for people, on stderr.
func (s *Summary) WriteText(w io.Writer) {
	fmt.Fprintf(w, "gp2gp classify: %d day(s) %s, cutoff %d day(s), %d overflow day(s)\n", len(s.Window), span(s.Window), s.CutoffDays, len(s.Overflow))
	fmt.Fprintf(w, "  files read        %d: %d rows, %d accepted, %d rejected\n", len(s.Inputs), s.RowsRead, s.RowsAccepted, s.RowsRejected)
	fmt.Fprintf(w, "  conversations     %d: %d transfers, %d without a request started, %d requested outside the window\n",
		s.Conversations, s.Transfers, s.ConversationsNoRequest, s.ConversationsOutsideWindow)
	fmt.Fprintf(w, "  messages          %s\n", counts(s.Messages))
	if s.ConversationsClassifiedWhileReading > 0 {
		fmt.Fprintf(w, "  while reading     %d conversations classified, %d days encoded\n", s.ConversationsClassifiedWhileReading, s.DaysEncodedWhileReading)
	}
	if s.UnknownASIDTransfers > 0 {
		fmt.Fprintf(w, "  unknown ASIDs     %d practice(s) of transfers have null ODS columns\n", s.UnknownASIDTransfers)
	}
	if s.IntegratedWithoutSenderMessage > 0 {
		fmt.Fprintf(w, "  integrated, no sender message at or before the ack: %d (null last_sender_message_timestamp)\n", s.IntegratedWithoutSenderMessage)
	}
	for _, d := range s.Days {
		fmt.Fprintf(w, "  %s  ODS %-7s %6d transfers  %s\n", d.Day, d.ODSMetadataMonth, d.Transfers, counts(d.Statuses))
	}
	if s.Published {
		fmt.Fprintf(w, "  published %d table(s) in %.1fs\n", len(s.Days), s.ElapsedSeconds)
	}
}

func span(days []string) string {
	switch len(days) {
	case 0:
		return "(none)"
	case 1:
		return days[0]
	}
	return days[0] + " to " + days[len(days)-1]
}

func counts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}
