// Package report renders report.html: a self-contained page of one month's
// results (national figures, SLA bands, failure reasons, practices, CCGs
// and the run's data quality) from the run's JSON outputs. It is pure: the
// same outputs always give the same page, with no external references.
package report

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Data is what the report shows, parsed from the run's outputs.
type Data struct {
	National National
	Practice PracticeMetrics
	// Summary is runSummary.json; nil when it is not available.
	Summary *Summary
}

// National is nationalMetrics.json's one month.
type National struct {
	GeneratedOn   string
	TransferCount int        `json:"transferCount"`
	Integrated    Integrated `json:"integrated"`
	Failed        Share      `json:"failed"`
	Pending       Share      `json:"pending"`
	PaperFallback Share      `json:"paperFallback"`
	Year          int        `json:"year"`
	Month         int        `json:"month"`
}

// Integrated is the national integrated figures.
type Integrated struct {
	TransferCount int      `json:"transferCount"`
	Percentage    *float64 `json:"transferPercentage"`
	Within3Days   int      `json:"within3Days"`
	Within8Days   int      `json:"within8Days"`
	Beyond8Days   int      `json:"beyond8Days"`
}

// Share is a count and its percentage of all transfers (nil: no transfers).
type Share struct {
	TransferCount int      `json:"transferCount"`
	Percentage    *float64 `json:"transferPercentage"`
}

// PracticeMetrics is practiceMetrics.json.
type PracticeMetrics struct {
	GeneratedOn string     `json:"generatedOn"`
	Practices   []Practice `json:"practices"`
	CCGs        []CCG      `json:"ccgs"`
}

// Practice is one practice's integrated transfers as requester.
type Practice struct {
	ODSCode string `json:"odsCode"`
	Name    string `json:"name"`
	Metrics []struct {
		Year      int `json:"year"`
		Month     int `json:"month"`
		Requester struct {
			Integrated PracticeIntegrated `json:"integrated"`
		} `json:"requester"`
	} `json:"metrics"`
}

// PracticeIntegrated is a practice's integrated count and band percentages.
type PracticeIntegrated struct {
	TransferCount int      `json:"transferCount"`
	Within3Days   *float64 `json:"within3DaysPercentage"`
	Within8Days   *float64 `json:"within8DaysPercentage"`
	Beyond8Days   *float64 `json:"beyond8DaysPercentage"`
}

// Integrated is the practice's figures for the month (zero if absent).
func (p *Practice) Integrated() PracticeIntegrated {
	if len(p.Metrics) == 0 {
		return PracticeIntegrated{}
	}
	return p.Metrics[0].Requester.Integrated
}

// CCG is a clinical commissioning group and its practices' ODS codes.
type CCG struct {
	ODSCode   string   `json:"odsCode"`
	Name      string   `json:"name"`
	Practices []string `json:"practices"`
}

// Summary is the part of runSummary.json the report shows.
type Summary struct {
	GeneratedOn                string         `json:"generatedOn"`
	MetricMonth                string         `json:"metricMonth"`
	DateAnchor                 string         `json:"dateAnchor"`
	CutoffDays                 int            `json:"cutoffDays"`
	RowsRead                   int            `json:"rowsRead"`
	RowsAccepted               int            `json:"rowsAccepted"`
	RowsRejected               int            `json:"rowsRejected"`
	Messages                   map[string]int `json:"messages"`
	Conversations              int            `json:"conversations"`
	ConversationsNoRequest     int            `json:"conversationsWithoutRequestStarted"`
	ConversationsOutsideWindow int            `json:"conversationsOutsideWindow"`
	Transfers                  int            `json:"transfers"`
	NegativeSLAsClamped        int            `json:"negativeSlasClamped"`
	Statuses                   map[string]int `json:"statuses"`
	FailureReasons             map[string]int `json:"failureReasons"`
	UnknownRequestingASIDs     struct {
		Transfers int      `json:"transfers"`
		Distinct  int      `json:"distinct"`
		Examples  []string `json:"examples"`
	} `json:"unknownRequestingAsids"`
}

// Parse reads the outputs: nationalMetrics.json, practiceMetrics.json and
// runSummary.json (nil when there is none).
func Parse(national, practice, summary []byte) (*Data, error) {
	var n struct {
		GeneratedOn string     `json:"generatedOn"`
		Metrics     []National `json:"metrics"`
	}
	if err := json.Unmarshal(national, &n); err != nil {
		return nil, fmt.Errorf("parse national metrics: %w", err)
	}
	if len(n.Metrics) == 0 {
		return nil, errors.New("parse national metrics: no metrics")
	}
	d := &Data{National: n.Metrics[0]}
	d.National.GeneratedOn = n.GeneratedOn
	if err := json.Unmarshal(practice, &d.Practice); err != nil {
		return nil, fmt.Errorf("parse practice metrics: %w", err)
	}
	if summary != nil {
		d.Summary = &Summary{}
		if err := json.Unmarshal(summary, d.Summary); err != nil {
			return nil, fmt.Errorf("parse run summary: %w", err)
		}
	}
	return d, nil
}
