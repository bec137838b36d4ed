#!/usr/bin/env bash
# Assembles kind's node image, kindest/node:$KUBE_VERSION, in the private dockerd, from what is built
# here (`kind build node-image` would download images, which these machines cannot):
#   - a Debian bookworm root made by debootstrap (Debian packages: systemd, iptables, runc, CNI plugins)
#   - kind's own node files from its Go module (images/base/files: entrypoint, systemd units, the
#     containerd config), set up as kind's images/base/Dockerfile does
#   - containerd $KIND_CONTAINERD_VERSION and crictl $KIND_CRICTL_VERSION from their Go modules
#   - kubeadm, kubelet, kubectl (the project's hyperkube, $KUBE_VERSION)
#   - the images kubeadm and kind run, imported into the node's containerd under the names kubeadm
#     v1.34 expects: kube-apiserver, kube-controller-manager, kube-scheduler, kube-proxy, etcd,
#     CoreDNS, pause, podlens-kindnet (cni/), kind's default CNI here, and rancher's local-path
#     provisioner, kind's default storage (both in /kind/manifests).
# The image carries a label with a hash of all of it; it is rebuilt only when that changes.
# Usage: build-node-image.sh [--inputs-only]   (needs the private dockerd running: dockerd.sh start,
# unless --inputs-only: then it builds only what goes into the image, into the cache)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
build=$KIND_CACHE/build
mkdir -p "$build"
trap 'die "building the node image failed (line $LINENO of $0)" $EXIT_BUILD' ERR

# --- inputs, each built once into the cache ---------------------------------------------------
bash "$cluster_dir/build-kube.sh" || die "building Kubernetes $KUBE_VERSION failed" $EXIT_BUILD
bash "$kind_dir/build-kind.sh"
coredns=$(bash "$cluster_dir/build-coredns.sh") || die "building CoreDNS failed" $EXIT_BUILD
kind_files=$(go env GOMODCACHE)/sigs.k8s.io/kind@$KIND_VERSION/images/base/files
[[ -d $kind_files ]] || die "kind's module is not in the Go module cache ($kind_files)" $EXIT_BUILD

# go_bin DIR MODULE VERSION PACKAGE...: builds the packages into DIR once. Through a wrapper module
# (go install pkg@version refuses containerd's go.mod, which has exclude directives): it requires the
# module at VERSION and repeats its excludes, so the build list is the one the module itself uses.
go_bin() {
  local dir=$1 mod=$2 ver=$3; shift 3
  [[ -f $dir/.done ]] && return 0
  log "building $mod $ver from its Go module (first time only)"
  local work=$build/go-${dir##*/} gomod
  mkdir -p "$work" "$dir"
  gomod=$(cd "$work" && GOFLAGS=-mod=mod go mod download -json "$mod@$ver" | jq -r .GoMod)
  { printf 'module podlens.local/build\n\ngo 1.24.0\n\nrequire %s %s\n\n' "$mod" "$ver"; awk '/^exclude \(/,/^\)/' "$gomod"; } > "$work/go.mod"
  (cd "$work" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -tags "no_aufs no_zfs no_btrfs no_devmapper" \
    -ldflags "-s -w -X $mod/version.Version=$ver" -o "$dir/" "$@") || die "building $mod $ver failed" $EXIT_BUILD
  touch "$dir/.done"
}
ctrd=$KIND_CACHE/bin/containerd-$KIND_CONTAINERD_VERSION
go_bin "$ctrd" github.com/containerd/containerd/v2 "$KIND_CONTAINERD_VERSION" \
  github.com/containerd/containerd/v2/cmd/containerd github.com/containerd/containerd/v2/cmd/ctr \
  github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2
crictl=$KIND_CACHE/bin/crictl-$KIND_CRICTL_VERSION
go_bin "$crictl" sigs.k8s.io/cri-tools "$KIND_CRICTL_VERSION" sigs.k8s.io/cri-tools/cmd/crictl
localpath=$KIND_CACHE/bin/local-path-provisioner-$KIND_LOCAL_PATH_VERSION
go_bin "$localpath" github.com/rancher/local-path-provisioner "$KIND_LOCAL_PATH_VERSION" github.com/rancher/local-path-provisioner
kindnet=$KIND_CACHE/bin/kindnet-$(cat "$kind_dir"/cni/* | sha256sum | cut -c1-12)
if [[ ! -x $kindnet/podlens-kindnet ]]; then
  log "building podlens-kindnet (first time only)"
  mkdir -p "$kindnet"
  (cd "$kind_dir/cni" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -ldflags "-s -w" -o "$kindnet/podlens-kindnet" .) ||
    die "building podlens-kindnet failed" $EXIT_BUILD
fi

# The Debian root: debootstrap once per package list (kind's base image packages, less the ones for
# network storage and rootless, plus runc and the CNI plugins, which kind builds from source).
packages=systemd,systemd-sysv,dbus,conntrack,iptables,nftables,iproute2,ethtool,util-linux,mount,kmod,libseccomp2,pigz,bash,ca-certificates,jq,procps,runc,containernetworking-plugins,socat,ebtables,rsync,fuse-overlayfs
rootfs=$build/rootfs-bookworm-$(echo "$packages" | sha256sum | cut -c1-12)
if [[ ! -f $rootfs.done ]]; then
  command -v debootstrap >/dev/null || die "debootstrap is not installed (cluster/install-deps.sh installs it)" $EXIT_BUILD
  log "debootstrap: a Debian bookworm root for the node (first time only)"
  rm -rf "$rootfs"
  debootstrap --variant=minbase --include="$packages" bookworm "$rootfs" http://deb.debian.org/debian > "$build/debootstrap.log" 2>&1 ||
    die "debootstrap failed (log: $build/debootstrap.log)" $EXIT_BUILD
  touch "$rootfs.done"
fi

# --inputs-only: stop here (no dockerd needed); npm test under CI builds the inputs while the live tests run.
[[ ${1:-} == --inputs-only ]] && exit 0

key=$( (cat "$kind_dir"/build-*.sh "$kind_dir"/lib.sh "$kind_dir"/manifests/* "$cluster_dir/versions.env" "$coredns" "$kindnet/podlens-kindnet" \
  "$KUBE_BIN/hyperkube" "$ctrd/containerd" "$crictl/crictl" "$localpath/local-path-provisioner" "$rootfs.done"; echo "$packages $KIND_REGISTRY_ADDR") | sha256sum | cut -c1-16)
current=$(docker image inspect "$NODE_IMAGE" --format '{{index .Config.Labels "dev.podlens.key"}}' 2>/dev/null || true)
[[ $current == "$key" ]] && exit 0
log "assembling the node image $NODE_IMAGE (key $key)"

work=$(mktemp -d "$build/node.XXXXXX")
ctrd_pid=''
cleanup() {
  [[ -n $ctrd_pid ]] && kill "$ctrd_pid" 2>/dev/null && wait "$ctrd_pid" 2>/dev/null
  grep -F " $work/" /proc/self/mountinfo | awk '{print $5}' | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
root=$work/root
cp -a "$rootfs" "$root"

# --- kind's base image steps (images/base/Dockerfile) ------------------------------------------
install -d -m 0755 "$root/kind" "$root/kind/bin" "$root/kind/manifests" "$root/LICENSES" "$root/etc/kubernetes/manifests"
cp -r "$kind_files/kind/." "$root/kind/" && chmod -R u+w,a+rX "$root/kind" && find "$root/kind" -type f -exec chmod 0644 {} +
chmod 0755 "$root"/kind/bin/*
install -m 0755 "$kind_files"/usr/local/bin/* "$root/usr/local/bin/"
install -m 0644 "$kind_files"/etc/crictl.yaml "$root/etc/"
install -D -m 0644 "$kind_files"/etc/containerd/config.toml "$root/etc/containerd/config.toml"
install -D -m 0644 "$kind_files"/etc/default/kubelet "$root/etc/default/kubelet"
install -m 0644 "$kind_files"/etc/sysctl.d/* "$root/etc/sysctl.d/"
install -m 0644 "$kind_files"/etc/systemd/system/*.service "$kind_files"/etc/systemd/system/*.slice "$root/etc/systemd/system/"
install -D -m 0644 -t "$root/etc/systemd/system/kubelet.service.d" "$kind_files"/etc/systemd/system/kubelet.service.d/*
find "$root/lib/systemd/system/sysinit.target.wants/" -name systemd-tmpfiles-setup.service -delete
rm -f "$root"/lib/systemd/system/multi-user.target.wants/* "$root"/etc/systemd/system/*.wants/* \
  "$root"/lib/systemd/system/local-fs.target.wants/* "$root"/lib/systemd/system/sockets.target.wants/*udev* \
  "$root"/lib/systemd/system/sockets.target.wants/*initctl* "$root"/lib/systemd/system/basic.target.wants/*
echo "ReadKMsg=no" >> "$root/etc/systemd/journald.conf"
chroot "$root" systemctl enable kubelet.service containerd.service undo-mount-hacks.service > /dev/null 2>&1
chroot "$root" systemctl mask systemd-binfmt.service > /dev/null 2>&1

# --- runtime and Kubernetes binaries ----------------------------------------------------------
install -m 0755 "$ctrd"/containerd "$ctrd"/ctr "$ctrd"/containerd-shim-runc-v2 "$crictl/crictl" "$root/usr/local/bin/"
ln -sf /usr/sbin/runc "$root/usr/local/sbin/runc" # Debian's runc 1.1 (kind builds 1.3 from source)
mkdir -p "$root/opt/cni/bin"
for plugin in host-local loopback ptp portmap; do ln -sf "/usr/lib/cni/$plugin" "$root/opt/cni/bin/$plugin"; done
"$ctrd/ctr" oci spec | jq '.hooks.createContainer[.hooks.createContainer | length] |= . + {"path": "/kind/bin/mount-product-files.sh"}' |
  jq 'del(.process.rlimits)' > "$root/etc/containerd/cri-base.json"
install -m 0755 "$KUBE_BIN/hyperkube" "$root/usr/bin/hyperkube"
for c in kubeadm kubelet kubectl; do ln -sf hyperkube "$root/usr/bin/$c"; done
echo "$KUBE_VERSION" > "$root/kind/version"
sed "s|docker.io/podlens/kindnet:.*|docker.io/podlens/kindnet:$KUBE_VERSION|" "$kind_dir/manifests/default-cni.yaml" > "$root/kind/manifests/default-cni.yaml"
sed "s|docker.io/podlens/local-path-provisioner:.*|docker.io/podlens/local-path-provisioner:$KIND_LOCAL_PATH_VERSION|" \
  "$kind_dir/manifests/default-storage.yaml" > "$root/kind/manifests/default-storage.yaml"

# containerd, for this VM and this project: the pause tag kubelet 1.34 uses; oom_score_adj restricted
# (the VM lacks CAP_SYS_RESOURCE, so a negative score, which the kubelet gives critical pods, fails);
# pulls of docker.io and registry.k8s.io go to the project's registry on kind's network gateway.
sed -i -e "s|sandbox_image = .*|sandbox_image = \"registry.k8s.io/pause:$PAUSE_TAG\"|" \
  -e 's/restrict_oom_score_adj = false/restrict_oom_score_adj = true/' "$root/etc/containerd/config.toml"
printf '\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n' >> "$root/etc/containerd/config.toml"
for registry in docker.io registry.k8s.io; do
  mkdir -p "$root/etc/containerd/certs.d/$registry"
  printf 'server = "https://%s"\n\n[host."http://%s"]\n  capabilities = ["pull", "resolve"]\n' \
    "$registry" "$KIND_REGISTRY_ADDR" > "$root/etc/containerd/certs.d/$registry/hosts.toml"
done

# --- the images kubeadm and kind run ------------------------------------------------------------
bash "$kind_dir/build-images.sh" "$work/images" "$coredns" "$kindnet/podlens-kindnet" "$localpath/local-path-provisioner"
log "importing the images into the node's containerd"
mkdir -p "$work/run"
cat > "$work/containerd.toml" <<TOML
version = 3
root = "$root/var/lib/containerd"
state = "$work/run/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.cri.v1.runtime", "io.containerd.cri.v1.images"]
[grpc]
  address = "$work/run/containerd.sock"
TOML
"$ctrd/containerd" --config "$work/containerd.toml" > "$work/containerd.log" 2>&1 &
ctrd_pid=$!
for ((i = 0; i < 40; i++)); do [[ -S $work/run/containerd.sock ]] && break; sleep 0.25; done
for tar in "$work"/images/*.tar; do
  "$ctrd/ctr" --address "$work/run/containerd.sock" -n k8s.io images import --snapshotter overlayfs "$tar" > /dev/null ||
    die "importing $(basename "$tar") into the node's containerd failed (log: $work/containerd.log)" $EXIT_BUILD
done
"$ctrd/ctr" --address "$work/run/containerd.sock" -n k8s.io images ls -q | grep -v '^sha256:' > "$work/images.txt"
kill "$ctrd_pid" && wait "$ctrd_pid" 2>/dev/null || true
ctrd_pid=''
log "images in the node: $(tr '\n' ' ' < "$work/images.txt")"

# --- the image ---------------------------------------------------------------------------------
log "importing the node image into the private dockerd"
tar --numeric-owner -C "$root" -c . | docker import - "$NODE_IMAGE-rootfs" > /dev/null ||
  die "docker import of the node image failed" $EXIT_BUILD
# What kind's image sets after squashing (images/base/Dockerfile); dockerd 20.10's import cannot set
# STOPSIGNAL, so a build FROM the imported root adds it (no context, nothing fetched).
printf 'FROM %s\nENV container=docker\nSTOPSIGNAL SIGRTMIN+3\nENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]\nLABEL dev.podlens.key=%s\n' \
  "$NODE_IMAGE-rootfs" "$key" | DOCKER_BUILDKIT=0 docker build -q -t "$NODE_IMAGE" - > "$work/build.log" 2>&1 ||
  die "docker build of the node image failed: $(tail -1 "$work/build.log")" $EXIT_BUILD
docker rmi "$NODE_IMAGE-rootfs" > /dev/null
docker image prune -f > /dev/null # the image this one replaces
log "built $NODE_IMAGE"
