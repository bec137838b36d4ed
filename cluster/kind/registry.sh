#!/usr/bin/env bash
# The project's registry where kind's nodes reach it: a second docker-registry over the same storage
# as the local cluster's (the cache), listening on kind's network gateway only, unless the local
# cluster already serves its registry there (cluster/lib.sh registry_gateway). Images are pushed
# by cluster/images/push.sh when the cache does not hold them yet. Stopped by dockerd.sh stop.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
serving() { curl -fsS -m 2 "http://$KIND_REGISTRY_ADDR/v2/" > /dev/null 2>&1; }
if ! serving; then
  mkdir -p "$PODLENS_CACHE/registry"
  cat > "$KIND_STATE/registry.yml" <<YAML
version: 0.1
log: { level: warn }
storage:
  filesystem: { rootdirectory: $PODLENS_CACHE/registry }
http: { addr: $KIND_REGISTRY_ADDR }
YAML
  setsid docker-registry serve "$KIND_STATE/registry.yml" > "$KIND_STATE/registry.log" 2>&1 < /dev/null 9>&- &
  pid=$!
  until serving; do
    kill -0 "$pid" 2>/dev/null || die "the registry on $KIND_REGISTRY_ADDR did not start: $(tail -1 "$KIND_STATE/registry.log")" $EXIT_TAKEN
    sleep 0.25
  done
fi
PODLENS_REGISTRY_ADDR=$KIND_REGISTRY_ADDR bash "$cluster_dir/images/push.sh" ||
  die "pushing the images to $KIND_REGISTRY_ADDR failed" $EXIT_BUILD
