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
NPM_CI := npm ci --no-audit --no-fund --loglevel=error
NEED_NODE := command -v node >/dev/null && command -v npm >/dev/null || { \
	  echo "make: node and npm are needed; installing Debian's nodejs and npm"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; }

.PHONY: help
help: ## Describe the targets
	@awk 'BEGIN {FS = ":.*?## "} /^[a-zA-Z0-9_-]+:.*?## / {printf "  %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: deps
deps: interop/node_modules/.package-lock.json siogen-deps e2e-deps redis-deps proxy-deps ## Install what the tests need (Node.js packages, Chromium, redis-server, proxies)

.PHONY: redis-deps
redis-deps: ## Install redis-server for the Redis adapter tests (apt-get, when missing)
	@command -v redis-server >/dev/null || { \
	  echo "make: installing Debian's redis-server for the Redis adapter tests (apt-get)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server; }

# The reverse proxies whose documented configurations (docs/proxy/) the
# interop tests run (interop/proxy_test.go), from Debian.
.PHONY: proxy-deps
proxy-deps: ## Install nginx, haproxy and caddy for the proxy tests (apt-get, when missing)
	@missing=""; \
	  for p in nginx haproxy caddy; do \
	    PATH="$$PATH:/usr/sbin:/sbin" command -v $$p >/dev/null || missing="$$missing $$p"; \
	  done; \
	  if [ -n "$$missing" ]; then \
	    echo "make: installing Debian's$$missing for the proxy tests (apt-get)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  fi

interop/node_modules/.package-lock.json: interop/package.json interop/package-lock.json
	@$(NEED_NODE)
	cd interop && $(NPM_CI)
	@touch $@

# siogen's TypeScript and AsyncAPI outputs are checked with tsc, the
# socket.io-client typings, @asyncapi/parser and ajv (cmd/siogen/internal/gen's
# TestContractOutputs).
SIOGEN_NPM := cmd/siogen/internal/gen/testdata/npm

.PHONY: siogen-deps
siogen-deps: $(SIOGEN_NPM)/node_modules/.package-lock.json ## Install the npm packages siogen's output tests need

$(SIOGEN_NPM)/node_modules/.package-lock.json: $(SIOGEN_NPM)/package.json $(SIOGEN_NPM)/package-lock.json
	@$(NEED_NODE)
	cd $(SIOGEN_NPM) && $(NPM_CI)
	@touch $@

.PHONY: test
test: deps lint check-generate ## Run every check and test (race detector on), as CI does
	go test -race -count=1 -timeout 15m ./...

.PHONY: lint
# gofmt skips the generator's syntax-error golden case, which must not parse,
# and its CRLF case, whose committed output keeps Windows line endings.
lint: ## go vet, staticcheck (pinned), gofmt, go mod tidy -diff
	@out=$$(gofmt -l $$(git ls-files '*.go' ':!:cmd/siogen/testdata/errors_syntax/*' ':!:cmd/siogen/testdata/crlf/sio_gen.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	go vet ./...
	$(STATICCHECK) ./...
	go mod tidy -diff

# The chat example's contract: the TypeScript declarations its web client is
# typed with, and its AsyncAPI document. Its own siogen run, so that they
# hold the chat's consumer alone.
CHAT_CONTRACT := -ts examples/chat/web/src/events.ts -asyncapi examples/chat/asyncapi.yaml ./examples/chat/chat
# The chat example's generated typed Go client (examples/chat/chatclient).
CHAT_CLIENT := -client examples/chat/chatclient/client_sio_gen.go ./examples/chat/chat

.PHONY: generate
generate: ## Regenerate siogen output for every consumer in the module, and the chat's contract and compiled client
	go run ./cmd/siogen ./...
	go run ./cmd/siogen $(CHAT_CONTRACT)
	go run ./cmd/siogen $(CHAT_CLIENT)
	$(MAKE) --no-print-directory chat-web

# The compiled chat client (app.js, events.js) is checked by
# examples/chat/web's tests, which run tsc.
.PHONY: check-generate
check-generate: ## Fail when a generated file is not what siogen writes now
	go run ./cmd/siogen -check ./...
	go run ./cmd/siogen -check $(CHAT_CONTRACT)
	go run ./cmd/siogen -check $(CHAT_CLIENT)

.PHONY: chat-web
chat-web: examples/chat/web/node_modules/.package-lock.json ## Compile the chat's TypeScript client (examples/chat/web/src) to app.js and events.js
	cd examples/chat/web && node_modules/.bin/tsc -p .

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

# The side-by-side load benchmark (bench/, issue 13): sio against Node's
# socket.io 4.8, pinned to a CPU each when there are two. Not part of `make
# test`; LOADTEST_FLAGS sets its scale (bin/loadtest -h lists the flags).
LOADTEST_FLAGS ?=

.PHONY: bench-deps
bench-deps: bench/node/node_modules/.package-lock.json ## Install the load benchmark's Node.js peer (socket.io 4.8, npm ci)

bench/node/node_modules/.package-lock.json: bench/node/package.json bench/node/package-lock.json
	@$(NEED_NODE)
	cd bench/node && $(NPM_CI)
	@touch $@

.PHONY: loadtest
loadtest: bench-deps ## Run the load benchmark, sio and Node side by side (LOADTEST_FLAGS, e.g. -rounds 5 -duration 10s)
	go build -o bin/siopeer ./bench/siopeer
	go build -o bin/loadtest ./bench/loadtest
	bin/loadtest -sio bin/siopeer -node-dir bench/node $(LOADTEST_FLAGS)

.PHONY: demo
# The demo builds the chat into bin/ and runs it in place of the recipe's
# shell (exec), not with `go run`: go run exits 1 after an interrupt even when
# the program stopped cleanly, and make would then report "Error 1" on Ctrl-C.
demo: examples/chat/web/node_modules/.package-lock.json ## Serve the chat example on DEMO_ADDR (default 127.0.0.1:8000)
	go build -o bin/chat ./examples/chat
	exec bin/chat -addr $(DEMO_ADDR)

# The browser tests (e2e/) need Chromium at /usr/bin/chromium (Debian's
# package; playwright-core drives it, no browser is downloaded) and the npm
# packages of e2e/ (playwright-core, and @socket.io/admin-ui for the Admin
# UI's built files) and examples/chat/web. Each step does nothing when its
# result is already there.

.PHONY: e2e-deps
e2e-deps: /usr/bin/chromium e2e/node_modules/.package-lock.json examples/chat/web/node_modules/.package-lock.json ## Install what the browser tests need (Chromium, npm packages)

/usr/bin/chromium:
	@echo "make: installing Debian's chromium for the browser tests (apt-get)"
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

e2e/node_modules/.package-lock.json: e2e/package.json e2e/package-lock.json
	@$(NEED_NODE)
	cd e2e && $(NPM_CI)
	@touch $@

examples/chat/web/node_modules/.package-lock.json: examples/chat/web/package.json examples/chat/web/package-lock.json
	@$(NEED_NODE)
	cd examples/chat/web && $(NPM_CI)
	@touch $@
