#!/usr/bin/env bash
# Builds the hyperkube binary (etcd + Kubernetes components) from the Go module proxy into the cache.
# The go.mod is generated here from versions.env so that the version is pinned in one place.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
out=$KUBE_BIN
if [[ -x "$out/hyperkube" ]]; then exit 0; fi
# One build directory per source hash (as the binary), locked: worktrees that build different
# hyperkube sources at the same time must not share a go.mod.
work="$PODLENS_CACHE/build/hyperkube-${KUBE_BIN##*/}"
mkdir -p "$work" "$out"
exec 8>"$work.lock"
flock 8
if [[ -x "$out/hyperkube" ]]; then exit 0; fi
cp "$here"/hyperkube/*.go "$work/"
staging_version="v0.${KUBE_VERSION#v1.}"
kube_mod=$(cd "$work" && GOFLAGS=-mod=mod go mod download -json "k8s.io/kubernetes@$KUBE_VERSION" | jq -r .GoMod)
{
  echo "module podlens.local/hyperkube"
  echo
  echo "go 1.24.0"
  echo
  echo "require k8s.io/kubernetes $KUBE_VERSION"
  echo
  echo "replace ("
  grep -E '=> \./staging/' "$kube_mod" | awk -v v="$staging_version" '{print "\t" $1 " => " $1 " " v}'
  echo ")"
} > "$work/go.mod"
cd "$work"
log "resolving Go modules for Kubernetes $KUBE_VERSION"
GOFLAGS=-mod=mod go mod tidy >/dev/null
pkg=k8s.io/component-base/version
ldflags="-s -w -X $pkg.gitVersion=$KUBE_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$(echo "$KUBE_VERSION" | cut -d. -f2)"
ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
log "building hyperkube $KUBE_VERSION (first time only: several minutes)"
CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$out/hyperkube.tmp" .
mv "$out/hyperkube.tmp" "$out/hyperkube"
for c in etcd kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubeadm kubectl; do ln -sf hyperkube "$out/$c"; done
log "built $out/hyperkube"
