# sio's build, test and demo entry points. `make help` lists them.
SHELL := /usr/bin/env bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --warn-undefined-variables --no-builtin-rules

STATICCHECK_VERSION := v0.8.2
STATICCHECK := go run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
DEMO_ADDR ?= 127.0.0.1:8000
FUZZTIME ?= 20s
CI ?=

.PHONY: help
help: ## Describe the targets
	@awk 'BEGIN {FS = ":.*?## "} /^[a-zA-Z_-]+:.*?## / {printf "  %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: deps
deps: interop/node_modules/.package-lock.json ## Install what the tests need (Node.js packages)

interop/node_modules/.package-lock.json: interop/package.json interop/package-lock.json
	@command -v node >/dev/null && command -v npm >/dev/null || { \
	  echo "make: node and npm are needed; installing Debian's nodejs and npm"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; }
	cd interop && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

.PHONY: test
test: deps lint check-generate ## Run every check and test (race detector on), as CI does
	go test -race -count=1 -timeout 15m ./...

.PHONY: lint
lint: ## go vet, staticcheck (pinned), gofmt, go mod tidy -diff
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	go vet ./...
	$(STATICCHECK) ./...
	go mod tidy -diff

.PHONY: generate
generate: ## Regenerate siogen output for every consumer in the module
	go run ./cmd/siogen ./...

.PHONY: check-generate
check-generate: ## Fail when a generated file is not what siogen writes now
	go run ./cmd/siogen -check ./...

.PHONY: fuzz
fuzz: ## Run every fuzz target for FUZZTIME each (default 20s)
	@for pkg in $$(go list ./...); do \
	  for f in $$(go test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "== $$pkg $$f"; go test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg; \
	  done; \
	done

.PHONY: bench
bench: ## Run the benchmarks
	go test -run '^$$' -bench . -benchmem ./...

.PHONY: demo
demo: deps ## Serve the demo on DEMO_ADDR (default 127.0.0.1:8000)
	go run ./examples/conformance -addr $(DEMO_ADDR)
