package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/nhsdigital/gp2gp/internal/report"
	"github.com/nhsdigital/gp2gp/internal/spool"
	"github.com/nhsdigital/gp2gp/internal/store"
)

// renderReport renders report.html from the encoded JSON outputs, parsed
// back, so that Report on the published outputs gives the identical page.
func renderReport(files []encodedFile) ([]byte, error) {
	get := func(name string) []byte {
		for _, f := range files {
			if f.name == name {
				return f.Data
			}
		}
		return nil
	}
	d, err := report.Parse(get(NationalMetricsFile), get(PracticeMetricsFile), get(RunSummaryFile))
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	var buf bytes.Buffer
	if err := report.Render(&buf, d); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	return buf.Bytes(), nil
}

// Report renders report.html again from the month's outputs in the output
// bucket (runSummary.json is optional) and writes it beside them. It
// returns where it was written.
func Report(ctx context.Context, cfg Config) (string, error) {
	layout := NewLayout(cfg.Anchor)
	b, err := store.Open(ctx, cfg.OutputBucket, store.Options{EndpointURL: cfg.S3Endpoint})
	if err != nil {
		return "", fmt.Errorf("output bucket: %w", err)
	}
	defer b.Close()
	var files []encodedFile
	for _, name := range []string{NationalMetricsFile, PracticeMetricsFile, RunSummaryFile} {
		key := layout.OutputKey(name)
		data, err := b.ReadFile(ctx, key)
		if errors.Is(err, store.ErrNotFound) && name == RunSummaryFile {
			continue
		}
		if err != nil {
			return "", err // names the object
		}
		files = append(files, encodedFile{name, spool.Spool{Data: data}})
	}
	html, err := renderReport(files)
	if err != nil {
		return "", err
	}
	key := layout.OutputKey(ReportFile)
	err = b.WriteFile(ctx, key, func(w io.Writer) error {
		_, err := w.Write(html)
		return err
	})
	if err != nil {
		return "", err // the store's error names the object
	}
	return b.URL(key), nil
}
