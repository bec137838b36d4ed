#!/usr/bin/env bash
# The project's registry where kind's nodes reach it: a second docker-registry over the same storage
# as the local cluster's (the cache), listening on kind's network gateway only. Images are pushed
# there by cluster/images/push.sh when the cache does not hold them yet. Stopped by dockerd.sh stop.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pid=$(cat "$KIND_STATE/registry.pid" 2>/dev/null || true)
if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then exit 0; fi
mkdir -p "$PODLENS_CACHE/registry"
cat > "$KIND_STATE/registry.yml" <<YAML
version: 0.1
log: { level: warn }
storage:
  filesystem: { rootdirectory: $PODLENS_CACHE/registry }
http: { addr: $KIND_REGISTRY_ADDR }
YAML
setsid docker-registry serve "$KIND_STATE/registry.yml" > "$KIND_STATE/registry.log" 2>&1 < /dev/null 9>&- &
echo $! > "$KIND_STATE/registry.pid"
for ((i = 0; i < 40; i++)); do
  curl -fsS "http://$KIND_REGISTRY_ADDR/v2/" > /dev/null 2>&1 && break
  kill -0 "$(cat "$KIND_STATE/registry.pid")" 2>/dev/null || die "the registry on $KIND_REGISTRY_ADDR did not start: $(tail -1 "$KIND_STATE/registry.log")" $EXIT_TAKEN
  sleep 0.25
done
PODLENS_REGISTRY_ADDR=$KIND_REGISTRY_ADDR bash "$cluster_dir/images/push.sh" || die "pushing the images to $KIND_REGISTRY_ADDR failed" $EXIT_BUILD
