#!/usr/bin/env bash
# Builds metrics-server ($METRICS_SERVER_VERSION in versions.env) from its Go module, once, into the
# cache. Prints the binary's path on stdout, so that the local cluster's image can take it:
#   metrics_server=$(bash cluster/build-metrics-server.sh)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
out=$PODLENS_CACHE/bin/metrics-server-$METRICS_SERVER_VERSION
if [[ ! -x $out/metrics-server ]]; then
  mkdir -p "$out"
  exec 8>"$out.lock"
  flock 8
  if [[ ! -x $out/metrics-server ]]; then
    log "building metrics-server $METRICS_SERVER_VERSION (first time only: a few minutes)"
    GOBIN=$out.tmp CGO_ENABLED=0 GOFLAGS=-mod=mod go install -trimpath -ldflags "-s -w" \
      "sigs.k8s.io/metrics-server/cmd/metrics-server@$METRICS_SERVER_VERSION" ||
      die "building metrics-server $METRICS_SERVER_VERSION failed"
    mv "$out.tmp/metrics-server" "$out/metrics-server"
    rmdir "$out.tmp"
    log "built $out/metrics-server"
  fi
fi
echo "$out/metrics-server"
