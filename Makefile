# Developer tasks (the reference's, in Go). `make help` lists them.
SHELL := /bin/bash
GO    ?= go
# go.mod's toolchain line names the Go release to build with (one with the
# standard library's security fixes); auto lets an older local Go fetch it
# from the module proxy, where a distribution's go.env says local.
export GOTOOLCHAIN ?= auto
TOOLS := $(CURDIR)/.tools
STATICCHECK := $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: help test e2e-test race validate validate-static format lint check-deps image bench pgo demo build pqcheck

help: ## list the tasks
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

build: ## build ./gp2gp
	$(GO) build -trimpath -o gp2gp ./cmd/gp2gp

demo: ## run the demo (a synthetic month in ./gp2gp-demo)
	$(GO) run ./cmd/gp2gp demo

test: ## unit, golden and CLI tests (S3 and DuckDB checks skip if their tools are absent)
	$(GO) test ./...

# tools/pqcheck, DuckDB's reader of the Parquet for the tests, is a module of
# its own (cgo), outside ./... of gp2gp's.
PQCHECK_DIR := tools/pqcheck

pqcheck: ## build the tests' DuckDB Parquet checker (tools/pqcheck, cgo: needs gcc) into .tools/pqcheck, for GP2GP_PQCHECK
	scripts/build-pqcheck.sh $(TOOLS)/pqcheck

e2e-test: pqcheck ## every test, with a real S3 server (versitygw), DuckDB (tools/pqcheck) and chromium: nothing skips. Installs chromium with apt-get (as root) unless a Chrome/Chromium is on PATH; NO_BROWSER=1 skips the browser test instead
	scripts/install-versitygw.sh
	$(if $(NO_BROWSER),,scripts/install-chromium.sh)
	cd $(PQCHECK_DIR) && $(GO) test -count=1 ./...
	CI=true GP2GP_PQCHECK=$(TOOLS)/pqcheck $(if $(NO_BROWSER),GP2GP_SKIP_BROWSER=1) PATH="$$PATH:$$($(GO) env GOPATH)/bin" $(GO) test -count=1 ./...

format: ## gofmt the code
	gofmt -w $$(git ls-files '*.go')

lint: ## staticcheck
	$(STATICCHECK) ./...

validate-static: ## format check, vet, lint, go.mod tidy (gp2gp's module and tools/pqcheck's)
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(STATICCHECK) ./...
	$(GO) mod tidy -diff
	cd $(PQCHECK_DIR) && $(GO) vet ./... && $(STATICCHECK) ./... && $(GO) mod tidy -diff

# Every package that starts goroutines (grep for `go ` and `.Go(`): the
# decompressor (spinelog), the spill writer (convstore), the classifying
# workers and progress ticker (pipeline), the S3 test server (s3test);
# output's Parquet writer is checked too.
race: ## the tests of every package that starts goroutines (internal/layering checks the list), under the race detector, as CI runs them
	$(GO) test -race ./internal/spinelog/ ./internal/convstore/ ./internal/pipeline/ ./internal/output/ ./internal/store/ ./internal/store/s3test/ ./internal/metricsrun/ ./internal/classifyrun/

validate: validate-static test ## format check, vet, lint, tests

check-deps: ## govulncheck, offline (golang.org/x/vulndb): fails on vulnerable modules; warns on the Go toolchain's
	scripts/check-deps.sh

image: ## daemonless OCI image tarball out/gp2gp-image.tar (ko); `docker build .` uses the Dockerfile
	scripts/build-image.sh

BENCH_FLAGS ?= --repeat 3

bench: ## time `gp2gp run` on cached synthetic months (100k, 1M conversations) against the gunzip floor, 3 rounds, medians; BENCH_FLAGS="--repeat 3 --huge" adds 5M
	$(GO) build -trimpath -o gp2gp ./cmd/gp2gp
	./gp2gp bench $(BENCH_FLAGS)

PGO_MONTH = ./gp2gp-bench/1000000

pgo: ## refresh cmd/gp2gp/default.pgo (the CPU profile go build optimises for) from a run on the cached 1M-conversation bench month
	$(GO) build -trimpath -o gp2gp ./cmd/gp2gp
	./gp2gp bench --conversations 1000000 >/dev/null
	GP2GP_CPUPROFILE=cmd/gp2gp/default.pgo GP2GP_PROGRESS=off \
	INPUT_SPINE_DATA_BUCKET=$(PGO_MONTH)/spine ORGANISATION_METADATA_BUCKET=$(PGO_MONTH)/org \
	OUTPUT_TRANSFER_DATA_BUCKET=$(PGO_MONTH)/output DATE_ANCHOR=2020-01-15T00:00:00Z CONVERSATION_CUTOFF_DAYS=14 \
	./gp2gp run
