#!/usr/bin/env bash
# The images kubeadm v1.34 and kind run, built here, written as docker-archive tars for `ctr import`:
#   registry.k8s.io/kube-{apiserver,controller-manager,scheduler,proxy}:$KUBE_VERSION and
#   registry.k8s.io/etcd:3.6.5-0   one shared layer: the project's hyperkube (etcd included, as the
#                                  local cluster runs it) and iptables for kube-proxy
#   registry.k8s.io/coredns/coredns:$COREDNS_VERSION   CoreDNS (cluster/build-coredns.sh)
#   registry.k8s.io/pause:$PAUSE_TAG                    the project's pause (cluster/images)
#   docker.io/podlens/kindnet:$KUBE_VERSION             podlens-kindnet, kind's default CNI here
#   docker.io/podlens/local-path-provisioner:$KIND_LOCAL_PATH_VERSION   kind's default storage
# Names and tags are those kubeadm v1.34 asks for (k8s.io/kubernetes/cmd/kubeadm/app/constants).
# Usage: build-images.sh OUT_DIR COREDNS_BINARY KINDNET_BINARY LOCAL_PATH_BINARY   (uses the private dockerd)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
out=$1 coredns=$2 kindnet=$3 localpath=$4
ETCD_TAG=3.6.5-0 # kubeadm's SupportedEtcdVersion for 1.34
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
env_path='ENV PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

# layer DIR TAR: a reproducible tar of DIR (identical content gives an identical layer, so the five
# images made from the kube layer share it in the node's containerd).
layer() { tar --sort=name --numeric-owner --owner=0 --group=0 --mtime=@0 -C "$1" -cf "$2" .; }
# image TAR NAME CHANGE...: docker import with Dockerfile-style changes
image() {
  local tar=$1 name=$2; shift 2
  local changes=() c
  for c in "$@"; do changes+=(--change "$c"); done
  docker import "${changes[@]}" "$tar" "$name" > /dev/null
  names+=("$name")
}
names=()

# the kube layer: hyperkube and its names, iptables (nft, as kind's nodes select here) with its libraries
k=$tmp/kube
mkdir -p "$k/usr/local/bin" "$k/usr/sbin" "$k/etc" "$k/tmp" "$k/var/run"
chmod 1777 "$k/tmp"
cp "$KUBE_BIN/hyperkube" "$k/usr/local/bin/"
for c in kube-apiserver kube-controller-manager kube-scheduler kube-proxy etcd; do ln -s hyperkube "$k/usr/local/bin/$c"; done
cp /usr/sbin/xtables-nft-multi "$k/usr/sbin/"
for c in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore; do
  ln -s xtables-nft-multi "$k/usr/sbin/$c"
done
mkdir -p "$k/usr/lib/x86_64-linux-gnu" && cp -r /usr/lib/x86_64-linux-gnu/xtables "$k/usr/lib/x86_64-linux-gnu/"
# the libraries of iptables and of its extensions (libxt_statistic needs libm, for one)
for lib in $(ldd /usr/sbin/xtables-nft-multi /usr/lib/x86_64-linux-gnu/xtables/*.so | awk '/=> \// {print $3} /^\t\// {print $1}' | sort -u); do
  [[ -e $k$lib ]] || { mkdir -p "$k$(dirname "$lib")" && cp -L "$lib" "$k$lib"; }
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$k/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$k/etc/group"
layer "$k" "$tmp/kube.tar"
for c in kube-apiserver kube-controller-manager kube-scheduler kube-proxy; do
  image "$tmp/kube.tar" "registry.k8s.io/$c:$KUBE_VERSION" "$env_path" "ENTRYPOINT [\"/usr/local/bin/$c\"]"
done
image "$tmp/kube.tar" "registry.k8s.io/etcd:$ETCD_TAG" "$env_path" 'ENTRYPOINT ["/usr/local/bin/etcd"]'

# CoreDNS
mkdir -p "$tmp/coredns/etc"
cp "$coredns" "$tmp/coredns/coredns"
printf 'root:x:0:0:root:/root:/bin/sh\nnonroot:x:65532:65532:nonroot:/home/nonroot:/bin/false\n' > "$tmp/coredns/etc/passwd"
layer "$tmp/coredns" "$tmp/coredns.tar"
image "$tmp/coredns.tar" "registry.k8s.io/coredns/coredns:$COREDNS_VERSION" 'ENTRYPOINT ["/coredns"]' 'EXPOSE 53 53/udp'

# pause: the project's own (cluster/images/pause.c), as the local cluster runs it
mkdir -p "$tmp/pause"
gcc -static -Os -s -o "$tmp/pause/pause" "$cluster_dir/images/pause.c"
layer "$tmp/pause" "$tmp/pause.tar"
image "$tmp/pause.tar" "registry.k8s.io/pause:$PAUSE_TAG" 'ENTRYPOINT ["/pause"]' 'USER 65535:65535'

# podlens-kindnet
mkdir -p "$tmp/kindnet/etc"
cp "$kindnet" "$tmp/kindnet/podlens-kindnet"
layer "$tmp/kindnet" "$tmp/kindnet.tar"
image "$tmp/kindnet.tar" "docker.io/podlens/kindnet:$KUBE_VERSION" 'ENTRYPOINT ["/podlens-kindnet"]'

# rancher's local-path provisioner (its helper pods run busybox, pulled from the project's registry)
mkdir -p "$tmp/local-path/usr/local/bin" "$tmp/local-path/etc"
cp "$localpath" "$tmp/local-path/usr/local/bin/local-path-provisioner"
layer "$tmp/local-path" "$tmp/local-path.tar"
image "$tmp/local-path.tar" "docker.io/podlens/local-path-provisioner:$KIND_LOCAL_PATH_VERSION" "$env_path" \
  'ENTRYPOINT ["/usr/local/bin/local-path-provisioner"]'

docker save -o "$out/images.tar" "${names[@]}"
docker rmi "${names[@]}" > /dev/null
