#!/usr/bin/env bash
# Builds CoreDNS ($COREDNS_VERSION in versions.env) from its Go module with the plugins kubeadm's
# Corefile uses (cluster/coredns/main.go), once, into the cache. Prints the binary's path on stdout,
# so that other scripts (the local cluster's image, a kind node image) can take it:
#   coredns=$(bash cluster/build-coredns.sh)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
key=$(cat "$cluster_dir"/coredns/*.go | sha256sum | cut -c1-12)
out=$PODLENS_CACHE/bin/coredns-$COREDNS_VERSION-$key
if [[ ! -x $out/coredns ]]; then
  work=$PODLENS_CACHE/build/coredns-$COREDNS_VERSION-$key
  mkdir -p "$work" "$out"
  exec 8>"$work.lock"
  flock 8
  if [[ ! -x $out/coredns ]]; then
    cp "$cluster_dir"/coredns/*.go "$work/"
    printf 'module podlens.local/coredns\n\ngo 1.24.0\n\nrequire github.com/coredns/coredns %s\n' "$COREDNS_VERSION" > "$work/go.mod"
    log "building CoreDNS $COREDNS_VERSION (first time only: a few minutes)"
    (
      cd "$work"
      GOFLAGS=-mod=mod go mod tidy >/dev/null 2>&1 || GOFLAGS=-mod=mod go mod tidy
      CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X github.com/coredns/coredns/coremain.GitCommit=$COREDNS_VERSION" \
        -o "$out/coredns.tmp" .
    )
    mv "$out/coredns.tmp" "$out/coredns"
    log "built $out/coredns"
  fi
fi
echo "$out/coredns"
