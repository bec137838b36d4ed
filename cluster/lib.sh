# Shared settings and helpers for the cluster scripts. Sourced, not run.
cluster_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.env
source "$cluster_dir/versions.env"
PODLENS_CACHE=${PODLENS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/podlens}
log() { printf '[cluster] %s\n' "$*" >&2; }
die() { printf '[cluster] error: %s\n' "$*" >&2; exit 1; }
