#!/usr/bin/env bash
# Builds the images (when their sources changed) and pushes them to the running local registry.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
here=$cluster_dir/images
COREDNS_BIN=$("$cluster_dir/build-coredns.sh")
METRICS_SERVER_BIN=$("$cluster_dir/build-metrics-server.sh")
export COREDNS_BIN METRICS_SERVER_BIN
key=$(cat "$here"/* "$cluster_dir/versions.env" /bin/busybox "$(command -v nginx)" "$COREDNS_BIN" "$METRICS_SERVER_BIN" |
  sha256sum | cut -c1-16)
layouts=$PODLENS_CACHE/images/$key
marker=$PODLENS_CACHE/registry/pushed-$key
[[ -f $marker ]] && exit 0
if [[ ! -f $layouts/done ]]; then
  log "building images"
  "$here/build.sh" "$layouts"
  touch "$layouts/done"
fi
declare -A names=([busybox]=docker.io/library/busybox:latest [alpine]=docker.io/library/alpine:latest
  [nginx]=docker.io/library/nginx:latest [pause]=registry.k8s.io/pause:$PAUSE_TAG
  [coredns]=registry.k8s.io/coredns/coredns:$COREDNS_VERSION
  [metrics-server]=registry.k8s.io/metrics-server/metrics-server:$METRICS_SERVER_VERSION)
for image in "${!names[@]}"; do
  ref=${names[$image]}
  repo=${ref#*/}
  skopeo copy --quiet --dest-tls-verify=false "oci:$layouts/$image:latest" "docker://$REGISTRY_ADDR/$repo" \
    || die "pushing $ref to the local registry failed"
done
touch "$marker"
log "images pushed: ${names[*]}"
