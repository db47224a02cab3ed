package metricsrun

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/nhsdigital/gp2gp/internal/store"
)

// ParameterStore sets string parameters.
type ParameterStore interface {
	Put(ctx context.Context, name, value string) error
}

// ssmStore is AWS Systems Manager's parameter store, through the SDK.
type ssmStore struct{ client *ssm.Client }

// NewSSM returns the parameter store of the AWS SDK's default
// configuration: credentials, region (store.DefaultRegion if none) and
// endpoint as the SDK reads them, AWS_ENDPOINT_URL_SSM included.
func NewSSM(ctx context.Context) (ParameterStore, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("SSM: %w", err)
	}
	if cfg.Region == "" {
		cfg.Region = store.DefaultRegion
	}
	return ssmStore{ssm.NewFromConfig(cfg)}, nil
}

// Put sets the parameter, as the reference did: a String, overwritten.
func (s ssmStore) Put(ctx context.Context, name, value string) error {
	_, err := s.client.PutParameter(ctx, &ssm.PutParameterInput{
		Name: aws.String(name), Value: aws.String(value), Type: types.ParameterTypeString, Overwrite: aws.Bool(true),
	})
	if err != nil {
		return fmt.Errorf("SSM put parameter %s: %w", name, err)
	}
	return nil
}
