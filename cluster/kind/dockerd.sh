#!/usr/bin/env bash
# The kind nodes' private dockerd: Debian's docker.io, started by this script (never as a service),
# with its socket, pid file and exec root under $KIND_STATE and its images under the cache.
# No default bridge and no NAT: kind's network is a bridge of dockerd's whose traffic stays local (the
# nodes need no internet; their pulls go to the project's registry on the gateway). dockerd's iptables
# rules stay on: its embedded DNS (node names, which kubeadm join uses) needs them; stop removes them.
#   dockerd.sh start   starts it (no-op when ours runs); exit 3 with one sentence when it cannot
#   dockerd.sh stop    stops it and its containerd, unmounts what it left, removes $KIND_STATE
set -euo pipefail
source "$(dirname "$0")/lib.sh"

start() {
  dockerd_alive && return 0
  command -v dockerd >/dev/null || die "dockerd is not installed (cluster/install-deps.sh installs docker.io)" $EXIT_DOCKERD
  mkdir -p "$KIND_STATE/exec" "$KIND_CACHE/docker"
  install -m 0755 "$kind_dir/runc-capfix" "$KIND_STATE/runc-capfix"
  log "starting a private dockerd ($DOCKER_SOCK)"
  # setsid: dockerd outlives npm; its log goes to the state directory.
  setsid dockerd --host "unix://$DOCKER_SOCK" --pidfile "$KIND_STATE/dockerd.pid" \
    --exec-root "$KIND_STATE/exec" --data-root "$KIND_CACHE/docker" \
    --bridge none --ip-masq=false \
    --add-runtime "capfix=$KIND_STATE/runc-capfix" --default-runtime capfix \
    --storage-driver overlay2 --log-driver json-file \
    > "$KIND_STATE/dockerd.log" 2>&1 < /dev/null 9>&- &
  local i
  for ((i = 0; i < 60; i++)); do
    docker version --format '{{.Server.Version}}' > /dev/null 2>&1 && return 0
    if ! kill -0 $! 2>/dev/null; then break; fi
    sleep 0.5
  done
  local why; why=$(grep -m1 -E 'level=(fatal|error)|failed to start' "$KIND_STATE/dockerd.log" | sed 's/.*msg="\([^"]*\)".*/\1/' || true)
  kill $! 2>/dev/null || true
  die "the private dockerd did not start${why:+: $why} (log: $KIND_STATE/dockerd.log)" $EXIT_DOCKERD
}

stop() {
  local pid; pid=$(dockerd_pid)
  if dockerd_alive; then
    kill "$pid"
    local i
    for ((i = 0; i < 60; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
  # dockerd's own containerd (and its shims) run with the exec root on their command lines.
  local p
  for p in $(pgrep -f -- "$KIND_STATE/" || true); do kill "$p" 2>/dev/null || true; done
  sleep 0.5
  for p in $(pgrep -f -- "$KIND_STATE/" || true); do kill -9 "$p" 2>/dev/null || true; done
  # Mounts dockerd left (netns files, overlay roots), deepest first.
  local m
  for m in $(awk -v s="$KIND_STATE" -v c="$KIND_CACHE/docker" '$5 ~ "^"s"(/|$)" || $5 ~ "^"c"(/|$)" {print $5}' /proc/self/mountinfo | sort -r); do
    umount -l "$m" 2>/dev/null || true
  done
  remove_iptables
  rm -rf "$KIND_STATE"
}

# remove_iptables: the chains dockerd made (DOCKER*) and the rules that jump to them or name its
# bridges; dockerd leaves them when it stops. Nothing else on this machine runs a dockerd with iptables.
remove_iptables() {
  local table rule chain
  for table in filter nat; do
    while read -r -a rule; do
      rule[0]=-D
      iptables -t "$table" "${rule[@]}" 2>/dev/null || true
    done < <(iptables -t "$table" -S | grep -E '^-A .*(DOCKER|br-[0-9a-f]{12})' | grep -v "^-A DOCKER" || true)
    for chain in $(iptables -t "$table" -S | awk '/^-N DOCKER/ {print $2}'); do
      iptables -t "$table" -F "$chain" 2>/dev/null || true
    done
    for chain in $(iptables -t "$table" -S | awk '/^-N DOCKER/ {print $2}'); do
      iptables -t "$table" -X "$chain" 2>/dev/null || true
    done
  done
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  *) die "usage: dockerd.sh start|stop" 2 ;;
esac
