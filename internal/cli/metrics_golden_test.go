package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nhsdigital/gp2gp/internal/golden"
	"github.com/nhsdigital/gp2gp/internal/v11table/v11tabletest"
)

// metricsCase is what the metrics golden cases' case.json say.
type metricsCase struct {
	TransfersFormat struct {
		ParquetSchema [][2]string `json:"parquet_schema"`
	} `json:"transfers_format"`
	Runs []struct {
		Name         string            `json:"name"`
		Env          map[string]string `json:"env"`
		LocalEnvDrop []string          `json:"local_env_drop"`
		Uploads      map[string]map[string]struct {
			JSON string `json:"json"`
		} `json:"uploads"`
		Expected         map[string]string            `json:"expected"`
		ExpectedMetadata map[string]map[string]string `json:"expected_metadata"`
		ExpectedSSM      map[string]string            `json:"expected_ssm"`
	} `json:"runs"`
}

// fakeSSM is an SSM endpoint that answers PutParameter, as the SDK speaks
// to it (the JSON protocol), and records the parameters.
type fakeSSM struct {
	URL string
	mu  sync.Mutex
	put map[string]map[string]any // name -> the request body
	bad []string
}

func startFakeSSM(t *testing.T) *fakeSSM {
	f := &fakeSSM{put: map[string]map[string]any{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		body, _ := io.ReadAll(r.Body)
		var req map[string]any
		if target := r.Header.Get("X-Amz-Target"); target != "AmazonSSM.PutParameter" || json.Unmarshal(body, &req) != nil ||
			!strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 ") {
			f.bad = append(f.bad, target+" "+string(body))
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"__type":"ValidationException","message":"unexpected request"}`)
			return
		}
		name, _ := req["Name"].(string)
		f.put[name] = req
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		io.WriteString(w, `{"Tier":"Standard","Version":1}`)
	}))
	t.Cleanup(srv.Close)
	f.URL = srv.URL
	return f
}

// buildTransfers writes each upload's JSON columns as the Parquet object
// the case's driver wrote, with the types its case.json names.
func buildTransfers(t *testing.T, gc golden.Case, schema [][2]string, uploads map[string]struct {
	JSON string `json:"json"`
}, dir string) {
	t.Helper()
	for key, up := range uploads {
		b, err := os.ReadFile(gc.Path(t, filepath.FromSlash(up.JSON)))
		if err != nil {
			t.Fatal(err)
		}
		var data map[string][]any
		if err := json.Unmarshal(b, &data); err != nil {
			t.Fatalf("%s: %v", up.JSON, err)
		}
		var cols []v11tabletest.Column
		for _, f := range schema {
			vals, ok := data[f[0]]
			if !ok {
				t.Fatalf("%s: no column %s", up.JSON, f[0])
			}
			cols = append(cols, v11tabletest.Column{Name: f[0], Type: f[1], Values: vals})
		}
		pq, err := v11tabletest.Encode(cols)
		if err != nil {
			t.Fatalf("%s: %v", up.JSON, err)
		}
		p := filepath.Join(dir, filepath.FromSlash(key))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, pq, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

var generatedOnV12 = regexp.MustCompile(`^\{"generatedOn": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00", `)

// TestMetricsGolden runs gp2gp metrics on each metrics golden case, as a
// separate process configured only by the case's environment (local
// folders for its buckets, a fake SSM endpoint), and compares the outputs
// as parsed JSON without generatedOn, the user metadata (from the
// summary: a local folder keeps none) and the SSM parameters exactly.
func TestMetricsGolden(t *testing.T) {
	for _, gc := range golden.Cases(t, golden.Metrics) {
		t.Run(gc.Name, func(t *testing.T) {
			var mc metricsCase
			gc.Decode(t, &mc)
			for _, run := range mc.Runs {
				t.Run(run.Name, func(t *testing.T) {
					in, out := t.TempDir(), t.TempDir()
					buildTransfers(t, gc, mc.TransfersFormat.ParquetSchema, run.Uploads["transfers"], in)
					ssm := startFakeSSM(t)
					drop := map[string]bool{}
					for _, k := range run.LocalEnvDrop {
						drop[k] = true
					}
					env := []string{"AWS_ENDPOINT_URL_SSM=" + ssm.URL, "AWS_ACCESS_KEY_ID=testing", "AWS_SECRET_ACCESS_KEY=testing",
						"AWS_REGION=eu-west-2", "AWS_CONFIG_FILE=" + filepath.Join(in, "no-aws-config"),
						"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(in, "no-aws-credentials"), "AWS_EC2_METADATA_DISABLED=true"}
					for k, v := range run.Env {
						switch {
						case drop[k]:
						case k == "INPUT_TRANSFER_DATA_BUCKET":
							env = append(env, k+"="+in)
						case k == "OUTPUT_METRICS_BUCKET":
							env = append(env, k+"="+out)
						default:
							env = append(env, k+"="+v)
						}
					}
					cmd := gp2gpCommand(env, "metrics", "--json")
					var stdout, stderr bytes.Buffer
					cmd.Stdout, cmd.Stderr = &stdout, &stderr
					if err := cmd.Run(); err != nil {
						var ee *exec.ExitError
						if !errors.As(err, &ee) {
							t.Fatal(err)
						}
						t.Fatalf("exit %d\n%s", ee.ExitCode(), stderr.String())
					}
					for key, exp := range run.Expected {
						gotB, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(key)))
						if err != nil {
							t.Fatal(err)
						}
						if !generatedOnV12.Match(gotB) {
							t.Errorf("%s: does not start with generatedOn with six fractional digits: %.80s", key, gotB)
						}
						got, want := parseWithout(t, gotB, "generatedOn"), parseWithout(t, mustRead(t, gc.Path(t, filepath.FromSlash(exp))), "generatedOn")
						if d := cmp.Diff(want, got); d != "" {
							t.Errorf("%s differs from the reference's (-want +got):\n%s", key, d)
						}
					}
					var sum struct {
						Outputs    map[string]map[string]string `json:"outputs"`
						Parameters map[string]string            `json:"ssm_parameters"`
					}
					if err := json.Unmarshal(stdout.Bytes(), &sum); err != nil {
						t.Fatalf("summary: %v\n%s", err, stdout.String())
					}
					wantMeta := map[string]map[string]string{}
					for k, m := range run.ExpectedMetadata {
						wantMeta[filepath.Join(out, filepath.FromSlash(k))] = m
					}
					if d := cmp.Diff(wantMeta, sum.Outputs); d != "" {
						t.Errorf("user metadata (-want +got):\n%s", d)
					}
					if d := cmp.Diff(run.ExpectedSSM, sum.Parameters); d != "" {
						t.Errorf("summary's SSM parameters (-want +got):\n%s", d)
					}
					ssm.mu.Lock()
					defer ssm.mu.Unlock()
					if len(ssm.bad) > 0 {
						t.Errorf("the fake SSM got unexpected requests: %q", ssm.bad)
					}
					got := map[string]string{}
					for name, req := range ssm.put {
						got[name], _ = req["Value"].(string)
						if req["Type"] != "String" || req["Overwrite"] != true {
							t.Errorf("SSM %s: Type %v, Overwrite %v; want String, true", name, req["Type"], req["Overwrite"])
						}
					}
					if d := cmp.Diff(run.ExpectedSSM, got); d != "" {
						t.Errorf("SSM parameters put (-want +got):\n%s", d)
					}
				})
			}
		})
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// parseWithout parses a JSON object and removes a top-level key.
func parseWithout(t *testing.T, b []byte, key string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, key)
	return m
}
