package pipeline

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/klauspost/compress/gzip"

	"github.com/nhsdigital/gp2gp/internal/metrics"
	"github.com/nhsdigital/gp2gp/internal/spine"
	"github.com/nhsdigital/gp2gp/internal/spinelog"
	"github.com/nhsdigital/gp2gp/internal/store"
)

// ExplainRequest asks for the classification of a few conversations.
type ExplainRequest struct {
	// Config is the run's configuration: the Spine and organisation buckets,
	// the anchor and the cutoff. OutputBucket is not used.
	Config
	// Input, when set, is a local Spine log (CSV, gzip-compressed or not)
	// read instead of the month's logs. The organisation metadata is then
	// read only if OrganisationBucket and Anchor are set, and the metric
	// month applies only if Anchor is set (a zero Anchor: no window).
	Input string
	// Keys, when set (and Input is not), are the Spine objects read
	// instead of the month's logs, in order: gp2gp classify's daily files.
	// No organisation metadata is read then, unless Anchor is set.
	Keys []string
	// Options, if not nil, are the classification's options, instead of
	// the monthly run's for Anchor and CutoffDays (gp2gp classify's).
	Options *spine.Options
	IDs     []string
}

// Explained is what Explain found.
type Explained struct {
	// Classifications are the conversations found, in the order requested.
	Classifications []*spine.Classification
	// Missing are the requested ids found in no input.
	Missing []string
	// Organisations is the metadata read, or nil.
	Organisations *metrics.Organisations
	Options       spine.Options
	// HasWindow is false when no metric month applies (see ExplainRequest.Input).
	HasWindow bool
	Inputs    []string // what was read
	// RowsRejected counts unreadable rows skipped.
	RowsRejected int
}

// classifyOptions are the classification options of the run anchored as
// l says: the same for Run and Explain.
func classifyOptions(cutoffDays int, l Layout) spine.Options {
	return spine.Options{
		Cutoff:      spine.Time(cutoffDays) * spine.Day,
		WindowStart: l.Metric.Start(),
		WindowEnd:   l.Overflow.Start(),
	}
}

// Explain streams the month's Spine logs (or req.Input), keeping only the
// messages of the requested conversations, and classifies them exactly as
// Run does. Memory grows with the requested conversations only.
func Explain(ctx context.Context, req ExplainRequest) (*Explained, error) {
	want := make(map[string]bool, len(req.IDs))
	for _, id := range req.IDs {
		want[id] = true
	}
	g := spine.NewGrouper()
	keep := func(m *spine.Message) bool { return want[m.ConversationID] }
	res := &Explained{}
	hasAnchor := !req.Anchor.IsZero()
	layout := NewLayout(req.Anchor)
	res.HasWindow = hasAnchor
	res.Options = classifyOptions(req.CutoffDays, layout)
	if !hasAnchor {
		res.Options.WindowStart, res.Options.WindowEnd = spine.Time(minTime), spine.Time(maxTime)
	}
	if req.Options != nil {
		res.Options, res.HasWindow = *req.Options, true
	}

	opts := store.Options{EndpointURL: req.S3Endpoint}
	monthly := req.Input == "" && len(req.Keys) == 0
	if monthly || (req.OrganisationBucket != "" && hasAnchor) {
		orgB, err := store.Open(ctx, req.OrganisationBucket, opts)
		if err != nil {
			return nil, fmt.Errorf("organisation metadata bucket: %w", err)
		}
		defer orgB.Close()
		if err := checkInputs(ctx, []input{{"organisation metadata", orgB, layout.OrganisationKey()}}); err != nil {
			return nil, err
		}
		if res.Organisations, err = readOrganisations(ctx, orgB, layout.OrganisationKey()); err != nil {
			return nil, err
		}
	}

	if req.Input != "" {
		rej, err := readLocalLog(ctx, req.Input, g, keep)
		if err != nil {
			return nil, err
		}
		res.Inputs, res.RowsRejected = []string{req.Input}, rej
	} else {
		spineB, err := store.Open(ctx, req.SpineBucket, opts)
		if err != nil {
			return nil, fmt.Errorf("spine bucket: %w", err)
		}
		defer spineB.Close()
		inputs := []input{
			{"metric log", spineB, layout.MetricLogKey()},
			{"overflow log", spineB, layout.OverflowLogKey()},
		}
		if !monthly {
			inputs = inputs[:0]
			for _, k := range req.Keys {
				inputs = append(inputs, input{"daily Spine file", spineB, k})
			}
		}
		if err := checkInputs(ctx, inputs); err != nil {
			return nil, err
		}
		for _, in := range inputs {
			r, err := spineB.NewReader(ctx, in.key)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", in.name, err)
			}
			rej, err := streamLog(ctx, r, filepath.Base(in.key), g, keep)
			r.Close()
			if err != nil {
				return nil, logError(in.name, spineB.URL(in.key), err)
			}
			res.Inputs = append(res.Inputs, spineB.URL(in.key))
			res.RowsRejected += rej
		}
	}

	found := make(map[string]*spine.Classification, g.Len())
	for _, conv := range g.Conversations() {
		found[conv.ID] = spine.Classify(conv, res.Options)
	}
	seen := make(map[string]bool, len(req.IDs))
	for _, id := range req.IDs {
		if seen[id] {
			continue
		}
		seen[id] = true
		if c, ok := found[id]; ok {
			res.Classifications = append(res.Classifications, c)
		} else {
			res.Missing = append(res.Missing, id)
		}
	}
	return res, nil
}

// The widest window: every request started is in it.
const (
	minTime = -1 << 63
	maxTime = 1<<63 - 1
)

// readLocalLog streams a local log, gzip-compressed or plain CSV.
func readLocalLog(ctx context.Context, name string, g *spine.Grouper, keep func(*spine.Message) bool) (int, error) {
	f, err := os.Open(name)
	if err != nil {
		return 0, fmt.Errorf("input: %w", err)
	}
	defer f.Close()
	br := bufio.NewReader(f)
	var r io.Reader = br
	if magic, _ := br.Peek(2); len(magic) > 0 && string(magic) != "\x1f\x8b" {
		// spinelog reads gzip: compress plain CSV on the fly.
		pr, pw := io.Pipe()
		go func() {
			zw, _ := gzip.NewWriterLevel(pw, gzip.BestSpeed)
			_, err := io.Copy(zw, br)
			if err == nil {
				err = zw.Close()
			}
			pw.CloseWithError(err)
		}()
		defer pr.Close()
		r = pr
	}
	rej, err := streamLog(ctx, r, filepath.Base(name), g, keep)
	if err != nil {
		return 0, logError("input", name, err)
	}
	return rej, nil
}

// streamLog reads one log, adding to g only the messages keep accepts. It
// returns the number of rejected rows, which it skips.
func streamLog(ctx context.Context, r io.Reader, name string, g *spine.Grouper, keep func(*spine.Message) bool) (int, error) {
	lr, err := spinelog.NewReader(r, name)
	if err != nil {
		return 0, err
	}
	defer lr.Close()
	var m spine.Message
	for {
		err := lr.Read(&m)
		if err == io.EOF {
			break
		}
		var pe *spinelog.ParseError
		if errors.As(err, &pe) {
			continue
		}
		if err != nil {
			return 0, err
		}
		if keep(&m) {
			g.Add(m)
		}
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
	}
	return int(lr.Stats().Rejected), nil
}
