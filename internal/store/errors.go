package store

import (
	"errors"
	"fmt"
	"net/http"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
)

// ErrNotFound is wrapped by errors for objects (or buckets) that do not exist.
var ErrNotFound = errors.New("object not found")

// ErrAccessDenied is wrapped by errors for requests the store refused because
// of the credentials or permissions.
var ErrAccessDenied = errors.New("access denied (check the AWS credentials and the bucket's permissions)")

// accessCodes are S3 error codes that mean the caller's credentials are
// wrong, expired or not allowed.
var accessCodes = map[string]bool{
	"AccessDenied":          true,
	"Forbidden":             true,
	"InvalidAccessKeyId":    true,
	"SignatureDoesNotMatch": true,
	"InvalidToken":          true,
	"ExpiredToken":          true,
	"TokenRefreshRequired":  true,
	"AllAccessDisabled":     true,
	"AccountProblem":        true,
}

// wrapErr wraps err, from operation op on the object at url, once: as
// ErrNotFound, as ErrAccessDenied (keeping the store's own one-line reason), or
// as is.
func wrapErr(op, url string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, ErrBadKey) {
		return fmt.Errorf("%s %s: %w", op, url, err)
	}
	if wrongRegion(err) {
		return fmt.Errorf("%s %s: the bucket is in another region: set AWS_REGION to its region", op, url)
	}
	if isNoSuchBucket(err) {
		return fmt.Errorf("%s %s: %w (no such bucket)", op, url, ErrNotFound)
	}
	if isNotFound(err) {
		return fmt.Errorf("%s %s: %w", op, url, ErrNotFound)
	}
	if reason, ok := accessDenied(err); ok {
		return fmt.Errorf("%s %s: %w: %s", op, url, ErrAccessDenied, reason)
	}
	return fmt.Errorf("%s %s: %w", op, url, err)
}

// wrongRegion reports whether S3 redirected the request to the bucket's own
// region.
func wrongRegion(err error) bool {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "PermanentRedirect", "AuthorizationHeaderMalformed":
			return true
		}
	}
	var re *awshttp.ResponseError
	return errors.As(err, &re) && re.HTTPStatusCode() == http.StatusMovedPermanently
}

func isNoSuchBucket(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == "NoSuchBucket"
}

// isNotFound reports whether err means a missing object or bucket.
func isNotFound(err error) bool {
	if errors.Is(err, ErrNotFound) {
		return true
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "NoSuchKey", "NoSuchBucket", "NotFound":
			return true
		}
	}
	return false
}

// accessDenied reports whether err is a refusal for lack of rights, and the
// store's short reason.
func accessDenied(err error) (string, bool) {
	var ae smithy.APIError
	if errors.As(err, &ae) && accessCodes[ae.ErrorCode()] {
		if msg := ae.ErrorMessage(); msg != "" {
			return ae.ErrorCode() + ": " + msg, true
		}
		return ae.ErrorCode(), true
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		if c := re.HTTPStatusCode(); c == http.StatusUnauthorized || c == http.StatusForbidden {
			return fmt.Sprintf("HTTP %d %s", c, http.StatusText(c)), true
		}
	}
	return "", false
}
