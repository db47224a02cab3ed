package store

import (
	"context"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Retry defaults for S3 requests.
const (
	DefaultMaxAttempts = 5
	DefaultMaxBackoff  = 2 * time.Second
	// DefaultRegion is used when neither the environment nor the shared
	// config names one, so that a local S3-compatible endpoint works.
	DefaultRegion = "us-east-1"

	// PartSize is the size of the parts of multipart uploads; objects of
	// that size or more are uploaded in parts.
	PartSize = 8 << 20
	// abortTimeout bounds aborting a failed or cancelled multipart upload,
	// which runs even though the write's context is done.
	abortTimeout = 30 * time.Second
)

// s3Backend is an S3 bucket, read with the S3 client and written with the
// SDK's upload manager.
type s3Backend struct {
	bucket string
	client *s3.Client
	tm     *transfermanager.Client
}

// openS3 opens bucket name with the AWS SDK's default credential and region
// chain.
func openS3(ctx context.Context, name string, opts Options) (*s3Backend, error) {
	attempts := opts.MaxAttempts
	if attempts <= 0 {
		attempts = DefaultMaxAttempts
	}
	backoff := opts.MaxBackoff
	if backoff <= 0 {
		backoff = DefaultMaxBackoff
	}
	cfg, err := config.LoadDefaultConfig(ctx,
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = attempts
				o.MaxBackoff = backoff
			})
		}),
	)
	if err != nil {
		return nil, err
	}
	if cfg.Region == "" {
		cfg.Region = DefaultRegion
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		if opts.EndpointURL != "" {
			o.BaseEndpoint = aws.String(opts.EndpointURL)
			o.UsePathStyle = true
			// S3-compatible stores may not know AWS's newer default
			// checksums; send and check them only where S3 requires it.
			o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
			o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
		}
	})
	tm := transfermanager.New(client, func(o *transfermanager.Options) {
		o.PartSizeBytes = PartSize
		o.MultipartUploadThreshold = PartSize
		o.FailTimeout = abortTimeout
		if opts.EndpointURL != "" {
			// The upload manager's own setting overrides the client's.
			o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		}
	})
	return &s3Backend{bucket: name, client: client, tm: tm}, nil
}

func (s *s3Backend) newReader(ctx context.Context, key string) (io.ReadCloser, error) {
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &s.bucket, Key: &key})
	if err != nil {
		return nil, err
	}
	return out.Body, nil
}

func (s *s3Backend) size(ctx context.Context, key string) (int64, error) {
	out, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &s.bucket, Key: &key})
	if err != nil {
		return 0, err
	}
	return aws.ToInt64(out.ContentLength), nil
}

// write streams what write writes to the upload manager through a pipe. A
// write error reaches the upload manager as a read error, on which it sends
// nothing (an object under PartSize is sent whole once its body ends) or
// aborts the multipart upload.
func (s *s3Backend) write(ctx context.Context, key string, opts WriteOptions, write func(io.Writer) error) error {
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		_, err := s.tm.UploadObject(ctx, &transfermanager.UploadObjectInput{
			Bucket:      &s.bucket,
			Key:         &key,
			Body:        pr,
			ContentType: &opts.ContentType,
			Metadata:    opts.Metadata,
		})
		if err != nil {
			pr.CloseWithError(err) // so that writes fail once the upload has
		}
		done <- err
	}()
	if err := write(pw); err != nil {
		pw.CloseWithError(err)
		<-done
		return err
	}
	pw.Close()
	return <-done
}

func (s *s3Backend) delete(ctx context.Context, key string) error {
	_, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &s.bucket, Key: &key})
	return err
}
