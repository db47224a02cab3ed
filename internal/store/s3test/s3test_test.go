package s3test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
)

func TestServer(t *testing.T) {
	srv := Start(t)
	srv.CreateBucket(t, "bkt1")
	ctx := context.Background()
	_, err := srv.Client().PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String("bkt1"), Key: aws.String("a/k.txt"), Body: strings.NewReader("hello"),
	})
	if err != nil {
		t.Fatalf("PutObject: %v", err)
	}
	env := strings.Join(srv.Env(), "\n")
	for _, want := range []string{"AWS_ACCESS_KEY_ID=" + srv.AccessKey, "AWS_SECRET_ACCESS_KEY=" + srv.SecretKey, "AWS_REGION=us-east-1", "S3_ENDPOINT_URL=" + srv.URL} {
		if !strings.Contains(env, want) {
			t.Errorf("Env() lacks %s", want)
		}
	}
}

func TestFaultyProxy(t *testing.T) {
	srv := Start(t)
	srv.CreateBucket(t, "bkt1")
	proxy := StartFaultyProxy(t, srv.URL, 2, http.StatusServiceUnavailable)
	client := srv.ClientAt(proxy.URL) // no retries
	ctx := context.Background()
	for i, wantCode := range []string{"SlowDown", "SlowDown", ""} {
		_, err := client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("bkt1")})
		var ae smithy.APIError
		switch {
		case wantCode == "" && err != nil:
			t.Errorf("request %d: %v, want success", i+1, err)
		case wantCode != "" && (!errors.As(err, &ae) || ae.ErrorCode() != wantCode):
			t.Errorf("request %d: %v, want %s", i+1, err, wantCode)
		}
	}
	if got := proxy.Requests(); got != 3 {
		t.Errorf("Requests() = %d, want 3", got)
	}

	p500 := StartFaultyProxy(t, srv.URL, 1, http.StatusInternalServerError)
	resp, err := http.Get(p500.URL + "/bkt1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 500 || !strings.Contains(string(body), "<Code>InternalError</Code>") {
		t.Errorf("got %d %s, want 500 InternalError", resp.StatusCode, body)
	}
}

func TestStartWithoutBinary(t *testing.T) {
	t.Setenv(BinaryEnv, "/nonexistent/versitygw")
	if _, err := FindBinary(); err == nil {
		t.Fatal("FindBinary found a nonexistent binary")
	}
}
