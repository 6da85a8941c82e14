# Enlarger. `make help` lists the targets.
SHELL := /usr/bin/env bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

# Endpoints and credentials of the test infrastructure, written by `make deps`.
TEST_ENV := .run/test.env
KUBECONFIG_LOCAL := $(CURDIR)/.cluster/kubeconfig
with_env = set -a; [[ -f $(TEST_ENV) ]] && source $(TEST_ENV); set +a;

##@ General

.PHONY: help
help: ## Show this help.
	@awk 'BEGIN {FS = ":.*##"; printf "\nUsage:\n  make \033[36m<target>\033[0m\n"} /^[a-zA-Z_0-9-]+:.*?##/ { printf "  \033[36m%-18s\033[0m %s\n", $$1, $$2 } /^##@/ { printf "\n\033[1m%s\033[0m\n", substr($$0, 5) } ' $(MAKEFILE_LIST)

node_modules: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch node_modules

.PHONY: install-deps
install-deps: node_modules ## Install npm dependencies.

##@ Development

.PHONY: build
build: node_modules ## Compile TypeScript to dist/.
	npx tsc -p tsconfig.build.json

.PHONY: dev
dev: build ## Run media, converter and resizer in one process on ./data (no infrastructure needed).
	@# The pods' allocator (lib/process/malloc.ts); without the package dev runs on glibc's settings instead.
	-@scripts/packages.sh ensure libjemalloc2
	node dist/cli/main.js dev

.PHONY: dev-screenshots
dev-screenshots: node_modules browser ## Run the dev page's browser test and keep its screenshots in docs/ (README).
	DEV_PAGE_SCREENSHOTS=docs npx vitest run --project e2e e2e/dev-page.test.ts

.PHONY: fmt
fmt: node_modules ## Format the code with prettier.
	npx prettier --write .

# The proofs that operator and services agree: a rendered env var the service does not read, a CRD default
# that differs from the service's, a stale CRD manifest, an upward import between operator layers or a
# chart version that is not package.json's fails them. Unit tests (also in test-unit), run here too because they take seconds.
CONTRACT_TESTS := operator/api/components/contract.test.ts operator/api/crd.test.ts operator/layers.test.ts \
  scripts/release/version-stamp.test.ts

.PHONY: check
check: node_modules lint-workflows ## Lint (code and workflows), typecheck (tests included), circular imports, and the contract tests.
	npx eslint .
	npx prettier --check . >/dev/null || { npx prettier --check .; exit 1; }
	npx tsc -p tsconfig.json --noEmit
	npm run --silent cycles
	npx vitest run --project unit $(CONTRACT_TESTS)

##@ Test

.PHONY: test
test: node_modules check test-unit deps test-integration test-e2e kind-up test-e2e-kind kind-egress-check ## Everything: check, unit, integration and e2e on infrastructure it starts, then e2e on real pods in kind.

.PHONY: test-unit
test-unit: node_modules ## Unit tests (no infrastructure; installs the unit tier's Debian packages, scripts/debian-packages.tsv).
	scripts/packages.sh tier unit
	npx vitest run --project unit

.PHONY: test-integration
test-integration: node_modules ## Integration tests against RabbitMQ, S3 and kube-apiserver (run `make deps` first; installs the integration tier's Debian packages).
	scripts/packages.sh tier integration
	$(with_env) npx vitest run --project integration

.PHONY: test-faults
test-faults: node_modules ## The operator under control-plane faults, on an etcd + kube-apiserver of its own (stalled leader, apiserver killed, SIGSTOPped, etcd compacted, drift).
	scripts/build-tools.sh kube etcd
	npx vitest run --project integration test/integration/operator-control-plane-faults.test.ts
.PHONY: test-failover
test-failover: node_modules ## The broker-failover test alone: a 3-node RabbitMQ cluster of its own, the queue leader SIGKILLed mid-upload (BENCHMARKS.md).
	$(with_env) npx vitest run --project integration test/integration/broker-failover.test.ts

.PHONY: rabbitmq-cluster-up
rabbitmq-cluster-up: ## Start the failover test's 3-node RabbitMQ cluster (enlarger-q1..3@localhost, AMQP 5701-5703); prints AMQP_URL.
	scripts/rabbitmq-cluster.sh up

.PHONY: rabbitmq-cluster-down
rabbitmq-cluster-down: ## Stop that cluster and remove its data.
	scripts/rabbitmq-cluster.sh down

.PHONY: test-e2e
test-e2e: node_modules browser ## e2e: kubectl and the `enlarger` binary against the cluster in KUBECONFIG, the dev page in chromium (run `make deps` first).
	$(with_env) npx vitest run --project e2e

.PHONY: browser
browser: ## Install Debian's chromium for the dev page's browser test (idempotent; playwright-core drives it, no download).
	scripts/chromium.sh >/dev/null

# The soak's length in seconds; `make soak SOAK_SECONDS=120` for a short look.
SOAK_SECONDS ?= 600

.PHONY: soak
soak: node_modules ## Pass/fail system test (test/soak), not in `test`: load-and-fault soak, 2× resizer capacity + uploads for SOAK_SECONDS (600), RabbitMQ/MinIO/converter faults, on its own RabbitMQ and MinIO.
	npx tsx test/soak/run.ts --seconds $(SOAK_SECONDS)

##@ Infrastructure

.PHONY: tools
tools: ## Build the pinned infrastructure binaries (kube, etcd, kwok, minio, helm, actionlint, otelcol) into ~/.cache/enlarger.
	scripts/build-tools.sh

.PHONY: deps
deps: ## Install and start the test infrastructure: RabbitMQ, MinIO, the local control plane and Varnish.
	scripts/deps.sh up

.PHONY: deps-down
deps-down: ## Stop everything `make deps` started.
	scripts/deps.sh down

.PHONY: cluster-up
cluster-up: ## Start etcd, kube-apiserver, controller-manager, scheduler and kwok; kubeconfig in .cluster/.
	scripts/cluster.sh up

.PHONY: cluster-down
cluster-down: ## Stop the local control plane and remove its state.
	scripts/cluster.sh down

.PHONY: kind-up
kind-up: ## Real-pod cluster, offline (test/infra/kind): dockerd, egress guard, node image, three nodes in two zones, RabbitMQ and MinIO pods.
	KIND_CLUSTER=$(KIND_CLUSTER) test/infra/kind/cluster.sh up

.PHONY: kind-down
kind-down: ## Delete the kind cluster and undo kind-up on the host (dockerd it started, bridges, iptables, route).
	KIND_CLUSTER=$(KIND_CLUSTER) test/infra/kind/cluster.sh down

##@ Benchmarks

.PHONY: bench-media
bench-media: build ## Media RSS growth while streaming a 300 MB upload into the S3 server (run `make deps` first).
	$(with_env) npx tsx bench/media-rss.ts

# Images per sharp run and per ImageMagick run (both loops together) of bench-converter.
SHARP_COUNT ?= 24
MAGICK_COUNT ?= 8
# Renders per mode of bench-tracing.
TRACING_RENDERS ?= 200

.PHONY: bench-tracing
bench-tracing: node_modules ## Resizer render time with tracing off and on (spans to a dropping exporter), interleaved in one run (BENCHMARKS.md).
	npx tsx bench/tracing-overhead.ts $(TRACING_RENDERS)

.PHONY: bench-converter
bench-converter: node_modules ## Converter img/s, CPU and peak RSS vs ImageMagick on the 18 MP photo; BEFORE=<git ref> adds that commit's converter.
	npx tsx bench/converter.ts $(SHARP_COUNT) $(MAGICK_COUNT) $(BEFORE)

.PHONY: bench-gif-canvas
bench-gif-canvas: node_modules ## Peak RSS of two decodes of issue 31's 35-byte 144 MP GIF, bare and through the converter's admission.
	npx tsx bench/gif-canvas.ts

.PHONY: bench-resizer
bench-resizer: node_modules ## Resizer req/s and p50/p95/p99, cache misses and hits, on real photos, with sharp calibration.
	bench/resizer/run.sh

# Requests in each replay of bench-cdn.
CDN_REQUESTS ?= 2000
.PHONY: bench-cdn
bench-cdn: node_modules ## Hit ratio through Varnish, plain Vary: Accept vs the recipe VCL, beside the floor, and origin renders per miss (starts scripts/varnish.sh).
	scripts/varnish.sh up
	eval "$$(scripts/varnish.sh env)" && VARNISH_URL=$$VARNISH_URL VARNISH_WORKDIR=$$VARNISH_WORKDIR npx tsx bench/cdn/run.ts $(CDN_REQUESTS)
# make fuzz's bounds: it stops at CASES or MINUTES, whichever comes first; SEED makes a run repeatable.
SEED ?= 31
CASES ?= 20000
MINUTES ?= 30
# make fuzz's warm-up (minutes): its RSS slope is fitted from here on, and must be flat (MAX_SLOPE MiB/hour).
FUZZ_WARM_UP ?= 12
MAX_SLOPE ?= 50

.PHONY: fuzz
fuzz: node_modules ## Seeded format-aware mutation campaign against `enlarger dev` (SEED, CASES, MINUTES); RSS flat after FUZZ_WARM_UP (MAX_SLOPE MiB/h); findings kept in .run/fuzz.
	@# dev runs on jemalloc when the machine has it, as pods do; without it the RSS verdict would be glibc's.
	scripts/packages.sh ensure libjemalloc2
	npx tsx test/fuzz/run.ts --seed $(SEED) --cases $(CASES) --minutes $(MINUTES) --warm-up $(FUZZ_WARM_UP) --max-slope $(MAX_SLOPE) --out .run/fuzz

# bench-allocators' and soak-memory's length, and the part of it that counts as warm-up (minutes): the
# resizer's caches were full by minute 8-10 in soak-memory's fourth run, with the memory plan (BENCHMARKS.md).
ALLOC_MINUTES ?= 12
ALLOC_WARM_UP ?= 4
MEMORY_MINUTES ?= 40
MEMORY_WARM_UP ?= 20
# soak-memory's RabbitMQ and MinIO listen on this port and the four after it.
MEMORY_PORT_BASE ?= 5793

.PHONY: bench-allocators
bench-allocators: node_modules ## Same fuzz traffic into one `enlarger dev` per malloc (glibc defaults, MALLOC_ARENA_MAX, jemalloc untuned and as pods run it) at once: RSS vs heap, external, libvips.
	scripts/packages.sh ensure libjemalloc2
	npx tsx bench/memory/allocators.ts --minutes $(ALLOC_MINUTES) --warm-up $(ALLOC_WARM_UP) --seed $(SEED)

.PHONY: soak-memory
soak-memory: node_modules ## Media, converter, resizer as their pods run (own RabbitMQ/MinIO on MEMORY_PORT_BASE..+4), fuzz + real traffic for MEMORY_MINUTES: RSS slope MiB/h per service with its 95 % interval, flat / inconclusive / rising.
	scripts/packages.sh ensure libjemalloc2
	npx tsx bench/memory/soak.ts --minutes $(MEMORY_MINUTES) --warm-up $(MEMORY_WARM_UP) --seed $(SEED) --port-base $(MEMORY_PORT_BASE)

.PHONY: bench-peers
bench-peers: node_modules ## Resizer vs imgproxy/thumbor (IMGPROXY_URL, THUMBOR_URL) and sharp alone, same files, one table; BEFORE=<ref>, ROUNDS, FORMATS, PEERS, lever:<name> rows, PEERS_SEED_ONLY=1 (README).
	bench/peers/run.sh

.PHONY: bench-bytes
bench-bytes: node_modules ## Bytes at equal SSIMULACRA2 vs imgproxy (IMGPROXY_URL) per format and width, encoder levers and stored copies; BYTES_* knobs (README).
	bench/bytes/run.sh

.PHONY: bench-watermark
bench-watermark: node_modules ## Watermark cost in process: renders/s and CPU ms per render, off vs each way of stamping, interleaved.
	npx tsx bench/watermark.ts

.PHONY: bench-jxl
bench-jxl: node_modules ## JPEG XL (Debian's cjxl) vs the resizer's AVIF/WebP/JPEG: bytes at equal SSIMULACRA2 on real photos, a side measurement.
	scripts/bench-jxl.sh

##@ Operator

.PHONY: manifests
manifests: node_modules ## Regenerate crds/ from operator/api/ (a unit test fails when they are stale).
	npx tsx operator/api/generate-crd.ts
	npx prettier --write crds/ >/dev/null
	cp crds/*.yaml charts/enlarger/files/crds/

.PHONY: install
install: ## Install the CRDs into the cluster in KUBECONFIG (default: the local control plane).
	KUBECONFIG=$${KUBECONFIG:-$(KUBECONFIG_LOCAL)} kubectl apply --server-side --force-conflicts -f crds/
	KUBECONFIG=$${KUBECONFIG:-$(KUBECONFIG_LOCAL)} scripts/wait-crd.sh crd/imageplatforms.enlarger.dev

.PHONY: run
run: node_modules install ## Run the operator locally against KUBECONFIG (default: the local control plane).
	KUBECONFIG=$${KUBECONFIG:-$(KUBECONFIG_LOCAL)} POD_NAMESPACE=$${POD_NAMESPACE:-default} npx tsx operator/main.ts

.PHONY: bench-autoscale
bench-autoscale: build ## Resizer autoscaler under a step load: p95, replicas and decisions over time, plot in docs/autoscale.svg (run `make deps` first).
	$(with_env) npx tsx bench/autoscale/run.ts

.PHONY: bench-operator
bench-operator: build ## CR applied → all children present (median, p95) and 100 ImagePlatforms Ready: time and operator RSS (run `make deps` first).
	$(with_env) npx tsx bench/operator/run.ts

##@ Deploy

# The operator's image; the chart and `helm-install` take it apart at the last ':'. Tagged with VERSION.
IMG ?= ghcr.io/enlarger/enlarger:$(VERSION)
# The image's platform: empty is this machine's (linux/amd64); linux/arm64 builds the arm64 image here (`make image`).
PLATFORM ?=
# The arm64 image image-arm64-check builds and runs beside IMG.
IMG_ARM64 ?= enlarger.local/enlarger:arm64
RELEASE ?= enlarger
RELEASE_NAMESPACE ?= enlarger-system
# helm on PATH, else the one `make tools` built.
HELM ?= $(or $(shell command -v helm 2>/dev/null),$(lastword $(wildcard $(HOME)/.cache/enlarger/bin/helm-*/helm)),helm)
KIND_CLUSTER ?= enlarger-e2e
KIND_KUBECONFIG = $(CURDIR)/.run/kind-$(KIND_CLUSTER).kubeconfig
# The offline cluster's kind config, and where `kind-up` writes its endpoints.
KIND_CONFIG ?= $(CURDIR)/test/infra/kind/cluster.yaml
KIND_ENV ?= $(CURDIR)/.run/kind.env
export KIND_CONFIG KIND_ENV
# The drain scenario's cluster (docs/kind.md): its own name, config and endpoints file.
# The e2e-kind files test-e2e-kind runs; empty runs them all.
E2E_KIND_FILES ?=
# offline: the lab this machine assembles with no registry (CI); public: a laptop's own
# `kind create cluster`, with public images (docs/kind.md). The kind scripts read it.
KIND_SOURCE ?= offline
export KIND_SOURCE
# The cluster `kind create cluster` makes when given no name.
KIND_PUBLIC_CLUSTER ?= kind

.PHONY: docker-build
docker-build: ## Build the one image (`enlarger <component>`) as IMG (ghcr.io/enlarger/enlarger:VERSION). Needs Docker.
	docker build --build-arg ENLARGER_COMMIT=$(COMMIT) -t $(IMG) .

.PHONY: image
image: node_modules ## Build IMG with no registry: the Dockerfile's `prebuilt` target on a local Debian + Node base; PLATFORM=linux/arm64 for arm64.
	PLATFORM=$(PLATFORM) test/infra/kind/image.sh $(IMG)

.PHONY: image-arm64-check
image-arm64-check: node_modules ## Not in `test` (slow under qemu): IMG and IMG_ARM64 built, each running one upload's conversion and two renders; arm64 under qemu (BENCHMARKS.md).
	test/infra/kind/binfmt.sh arm64
	$(MAKE) --no-print-directory image IMG=$(IMG) PLATFORM=
	$(MAKE) --no-print-directory image IMG=$(IMG_ARM64) PLATFORM=linux/arm64
	npx tsx bench/image-arch.ts $(IMG) $(IMG_ARM64)

.PHONY: helm-install
helm-install: ## Install or upgrade charts/enlarger with image IMG into KUBECONFIG (default: the local control plane).
	@# The CRD is a template of the chart (docs/upgrades.md), so Helm upgrades it; --take-ownership adopts
	@# one that `make install`, or a release before 0.2.0 (crds/ plus kubectl apply), left without Helm's labels.
	img='$(IMG)'; KUBECONFIG=$${KUBECONFIG:-$(KUBECONFIG_LOCAL)} $(HELM) upgrade --install $(RELEASE) charts/enlarger \
	  --namespace $(RELEASE_NAMESPACE) --create-namespace --take-ownership \
	  --set image.repository="$${img%:*}" --set image.tag="$${img##*:}" $(if $(IMAGE_ID),--set-string 'podAnnotations.enlarger\.dev/image-id=$(IMAGE_ID)') --wait --timeout 180s

# Before the image build: a missing engine or cluster says so at once.
.PHONY: kind-check
kind-check: ## Whether the kind cluster answers (engine, KIND_ENV, apiserver); says "run make kind-up" when not.
	@KIND_CLUSTER=$(KIND_CLUSTER) test/infra/kind/cluster.sh check

.PHONY: kind-install
kind-install: node_modules kind-check image ## Build IMG, load it into the kind cluster and install the chart with it (KIND_SOURCE, KIND_CLUSTER).
	KIND_CLUSTER=$(KIND_CLUSTER) test/infra/kind/cluster.sh load $(IMG)
	$(if $(filter public,$(KIND_SOURCE)),command -v helm >/dev/null || scripts/build-tools.sh helm,scripts/build-tools.sh helm)
	@# The tag stays the same across builds, so a reused cluster would keep running the
	@# operator pods of the last build: the image's ID in a pod annotation rolls them.
	$(MAKE) --no-print-directory helm-install IMG=$(IMG) KUBECONFIG=$(KIND_KUBECONFIG) \
	  IMAGE_ID="$$(docker image inspect -f '{{.Id}}' $(IMG) | cut -d: -f2 | cut -c1-12)"

# The release the upgrade test (e2e/kind/upgrade.test.ts) starts from: a git ref, built by its own scripts.
PREVIOUS_REF ?= v0.1.0
PREVIOUS_ENV := $(CURDIR)/.run/kind/previous.env

.PHONY: kind-previous
kind-previous: kind-check ## PREVIOUS_REF's (v0.1.0) image, built by that tree's own `make image` (cached by commit) and loaded into kind.
	@mkdir -p $(dir $(PREVIOUS_ENV))
	KIND_CLUSTER=$(KIND_CLUSTER) test/infra/kind/previous.sh $(PREVIOUS_REF) > $(PREVIOUS_ENV).tmp
	@mv $(PREVIOUS_ENV).tmp $(PREVIOUS_ENV)

.PHONY: test-e2e-kind
test-e2e-kind: kind-install kind-previous ## e2e on real pods in the `make kind-up` cluster: chart, sample, real photos, autoscaling, failover, GC, a drain, an upgrade from PREVIOUS_REF.
	set -a; source $(KIND_ENV); source $(PREVIOUS_ENV); set +a; IMG=$(IMG) RELEASE=$(RELEASE) RELEASE_NAMESPACE=$(RELEASE_NAMESPACE) \
	  HELM=$(HELM) npx vitest run --project e2e-kind $(E2E_KIND_FILES)

.PHONY: kind-egress-check
kind-egress-check: ## The offline lab's own check, after its suites: its egress guard dropped no packet (nothing tried to leave the machine).
	@drops="$$(test/infra/kind/docker.sh drops)"; \
	  if [ "$$drops" = 0 ]; then echo "egress guard: 0 packets dropped"; \
	  else echo "egress guard dropped $$drops packets: something in the kind lab tried to reach outside (iptables -L ENLARGER-EGRESS -v)"; exit 1; fi

.PHONY: test-e2e-drain
test-e2e-drain: ## The drain alone (also in test-e2e-kind): a node drained under load, 0 failed requests, uploads ready, PDB held.
	$(MAKE) --no-print-directory test-e2e-kind E2E_KIND_FILES=e2e/kind/drain.test.ts

.PHONY: test-e2e-upgrade
test-e2e-upgrade: ## The operator upgrade alone (also in test-e2e-kind): PREVIOUS_REF's chart under load, helm upgrade to this tree, 0 failed requests.
	$(MAKE) --no-print-directory test-e2e-kind E2E_KIND_FILES=e2e/kind/upgrade.test.ts

.PHONY: kind-public
kind-public: ## Laptop with Docker and internet, after `kind create cluster`: public RabbitMQ and MinIO, IMG built and loaded, chart and sample installed.
	$(MAKE) --no-print-directory kind-up kind-install KIND_SOURCE=public KIND_CLUSTER=$(KIND_PUBLIC_CLUSTER)
	KIND_SOURCE=public KIND_CLUSTER=$(KIND_PUBLIC_CLUSTER) test/infra/kind/sample.sh $(IMG)

##@ Release

# The release version's one owner is package.json (docs/upgrades.md, "One version"): IMG's tag, the chart's
# version and appVersion, the examples' and the CRD's image tag (version-stamp), `enlarger --version` and
# enlarger_build_info all come from it.
ifndef VERSION
VERSION := $(shell node -p "require('./package.json').version")
endif
# The commit the image says it was built from (Dockerfile ARG ENLARGER_COMMIT → enlarger_build_info).
COMMIT ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
# Where chart-package writes enlarger-VERSION.tgz, and where chart-push sends it.
CHART_OUT ?= .run/charts
CHART_REGISTRY ?= oci://ghcr.io/enlarger/charts
# The release image's platforms (image-push).
PLATFORMS ?= linux/amd64,linux/arm64

.PHONY: version
version: ## Print the release version: package.json's, the one source of the image tag and the chart's versions.
	@echo $(VERSION)

.PHONY: version-stamp
version-stamp: node_modules ## After `npm version X`: write package.json's version into Chart.yaml, the examples and the CRD's image default.
	npx tsx scripts/release/main.ts stamp
	$(MAKE) --no-print-directory manifests

.PHONY: version-check
version-check: node_modules ## Fail unless package.json, Chart.yaml and the examples all say VERSION (the release workflow passes its tag).
	npx tsx scripts/release/main.ts check $(VERSION)

.PHONY: release-notes
release-notes: node_modules ## Print CHANGELOG.md's section for VERSION (VERSION=Unreleased too): a release's notes.
	@npx tsx scripts/release/main.ts notes $(VERSION)

.PHONY: chart-package
chart-package: ## Package charts/enlarger as CHART_OUT/enlarger-VERSION.tgz, version and appVersion VERSION.
	mkdir -p $(CHART_OUT)
	$(HELM) package charts/enlarger --version $(VERSION) --app-version $(VERSION) --destination $(CHART_OUT)

.PHONY: chart-push
chart-push: chart-package ## Push that package to CHART_REGISTRY (oci://ghcr.io/enlarger/charts); after `helm registry login`.
	$(HELM) push $(CHART_OUT)/enlarger-$(VERSION).tgz $(CHART_REGISTRY)

.PHONY: image-push
image-push: ## buildx IMG for PLATFORMS with an SBOM and provenance and push it; digest in .run/image-digest. Needs buildx, a registry login.
	mkdir -p .run
	docker buildx build --platform $(PLATFORMS) --build-arg ENLARGER_COMMIT=$(COMMIT) \
	  --label org.opencontainers.image.version=$(VERSION) --label org.opencontainers.image.revision=$(COMMIT) \
	  --sbom=true --provenance=mode=max --metadata-file .run/image-metadata.json --push -t $(IMG) .
	node -p "require('./.run/image-metadata.json')['containerimage.digest']" > .run/image-digest
	@echo "pushed $(IMG)@$$(cat .run/image-digest)"

.PHONY: image-sign
image-sign: ## cosign keyless signature of IMG's pushed digest (.run/image-digest): in the release workflow, with its OIDC token.
	img='$(IMG)'; cosign sign --yes "$${img%:*}@$$(cat .run/image-digest)"

.PHONY: lint-workflows
lint-workflows: ## actionlint on .github/workflows/ (built from the Go module proxy on first use, like `make tools`).
	scripts/lint-workflows.sh
