package store

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"gocloud.dev/blob"
	"gocloud.dev/blob/s3blob"
)

// Retry defaults for S3 requests.
const (
	DefaultMaxAttempts = 5
	DefaultMaxBackoff  = 2 * time.Second
	// DefaultRegion is used when neither the environment nor the shared
	// config names one, so that a local S3-compatible endpoint works.
	DefaultRegion = "us-east-1"

	// PartSize is the size of the parts of multipart uploads; objects
	// larger than that are uploaded in parts.
	PartSize = 8 << 20
	// abortTimeout bounds aborting a failed or cancelled multipart upload,
	// which runs even though the write's context is done.
	abortTimeout = 30 * time.Second
)

// openS3 opens bucket name with the AWS SDK's default credential and region
// chain.
// It also returns the function that makes the bucket's upload managers.
func openS3(ctx context.Context, name string, opts Options) (*blob.Bucket, func() *transfermanager.Client, error) {
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
		return nil, nil, err
	}
	if cfg.Region == "" {
		cfg.Region = DefaultRegion
	}
	var bopts s3blob.Options
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
	if opts.EndpointURL != "" {
		bopts.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
	}
	newTM := func() *transfermanager.Client {
		return transfermanager.New(client, func(o *transfermanager.Options) {
			o.PartSizeBytes = PartSize
			o.MultipartUploadThreshold = PartSize
			o.FailTimeout = abortTimeout
			if bopts.RequestChecksumCalculation != 0 {
				o.RequestChecksumCalculation = bopts.RequestChecksumCalculation
			}
		})
	}
	bb, err := s3blob.OpenBucket(ctx, client, name, &bopts)
	if err != nil {
		return nil, nil, err
	}
	return bb, newTM, nil
}
