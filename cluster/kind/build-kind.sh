#!/usr/bin/env bash
# Builds kind ($KIND_VERSION in versions.env) from its Go module into the cache, once.
# Its module (in the Go module cache afterwards) also holds the node image's files (images/base/files)
# that build-node-image.sh takes: kind's entrypoint, systemd units and containerd config.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
[[ -x $KIND_BIN ]] && exit 0
log "building kind $KIND_VERSION from its Go module (first time only)"
mkdir -p "$(dirname "$KIND_BIN")"
GOBIN=$(dirname "$KIND_BIN") CGO_ENABLED=0 GOFLAGS=-mod=mod go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kind@$KIND_VERSION" ||
  die "building kind $KIND_VERSION failed" $EXIT_BUILD
