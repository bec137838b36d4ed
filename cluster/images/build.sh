#!/usr/bin/env bash
# Builds the cluster's images from Debian packages and this folder into OCI layouts under the cache:
#   docker.io/library/busybox:latest  busybox-static
#   docker.io/library/alpine:latest   a busybox-based stand-in (no apk): enough for the seed's examples
#   docker.io/library/nginx:latest    Debian's nginx serving /usr/share/nginx/html on port 80
#   registry.k8s.io/pause:$PAUSE_TAG  podlens' own static pause program (pause.c)
#   registry.k8s.io/coredns/coredns:$COREDNS_VERSION  CoreDNS from cluster/build-coredns.sh ($COREDNS_BIN)
#   registry.k8s.io/metrics-server/metrics-server:$METRICS_SERVER_VERSION  from cluster/build-metrics-server.sh
#     ($METRICS_SERVER_BIN)
# Each layout is rebuilt only when this folder or the versions change (a content hash names it).
# Usage: build.sh OUT_DIR   (prints nothing; layouts land in OUT_DIR/<name>)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib.sh"
out=$1
mkdir -p "$out"
epoch=1700000000

# rootfs_base DIR: the files every image needs (users, hosts, tmp) and busybox with ABSOLUTE applet
# links (Debian 12 merged /usr, so relative links from /usr/bin break).
rootfs_base() {
  local root=$1
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,tmp,root,var/run,proc,sys,dev}
  chmod 1777 "$root/tmp"
  cp /bin/busybox "$root/bin/busybox"
  local applet
  for applet in $(/bin/busybox --list-full); do
    [[ -e "$root/$applet" ]] || ln -s /bin/busybox "$root/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
  printf '127.0.0.1 localhost\n::1 localhost\n' > "$root/etc/hosts"
}

# layout NAME ROOTFS CONFIG_JSON: writes an OCI image layout with one uncompressed layer.
layout() {
  local name=$1 root=$2 config=$3
  local dir="$out/$name"
  rm -rf "$dir" && mkdir -p "$dir/blobs/sha256"
  tar --sort=name --numeric-owner --owner=0 --group=0 --mtime="@$epoch" -C "$root" -cf "$dir/layer.tar" .
  local layer_digest layer_size diff_id
  layer_digest=$(sha256sum "$dir/layer.tar" | cut -d' ' -f1)
  layer_size=$(stat -c %s "$dir/layer.tar")
  mv "$dir/layer.tar" "$dir/blobs/sha256/$layer_digest"
  echo "$config" | jq -c --arg d "sha256:$layer_digest" \
    '{architecture:"amd64",os:"linux",created:"2023-11-14T22:13:20Z",config:.,rootfs:{type:"layers",diff_ids:[$d]}}' \
    > "$dir/config.json"
  local config_digest config_size
  config_digest=$(sha256sum "$dir/config.json" | cut -d' ' -f1)
  config_size=$(stat -c %s "$dir/config.json")
  mv "$dir/config.json" "$dir/blobs/sha256/$config_digest"
  jq -nc --arg cd "sha256:$config_digest" --argjson cs "$config_size" \
    --arg ld "sha256:$layer_digest" --argjson ls "$layer_size" \
    '{schemaVersion:2,mediaType:"application/vnd.oci.image.manifest.v1+json",
      config:{mediaType:"application/vnd.oci.image.config.v1+json",digest:$cd,size:$cs},
      layers:[{mediaType:"application/vnd.oci.image.layer.v1.tar",digest:$ld,size:$ls}]}' > "$dir/manifest.json"
  local manifest_digest manifest_size
  manifest_digest=$(sha256sum "$dir/manifest.json" | cut -d' ' -f1)
  manifest_size=$(stat -c %s "$dir/manifest.json")
  mv "$dir/manifest.json" "$dir/blobs/sha256/$manifest_digest"
  jq -nc --arg md "sha256:$manifest_digest" --argjson ms "$manifest_size" \
    '{schemaVersion:2,manifests:[{mediaType:"application/vnd.oci.image.manifest.v1+json",digest:$md,size:$ms,
      annotations:{"org.opencontainers.image.ref.name":"latest"}}]}' > "$dir/index.json"
  echo '{"imageLayoutVersion":"1.0.0"}' > "$dir/oci-layout"
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# busybox and its stand-in alpine
rootfs_base "$tmp/busybox"
layout busybox "$tmp/busybox" '{"Cmd":["sh"],"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]}'
rootfs_base "$tmp/alpine"
printf 'podlens stand-in for alpine: busybox-static from Debian, no apk\n' > "$tmp/alpine/etc/alpine-release"
layout alpine "$tmp/alpine" '{"Cmd":["/bin/sh"],"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]}'

# nginx: Debian's binary with the libraries ldd names, a minimal config, and busybox for a shell
root="$tmp/nginx"
rootfs_base "$root"
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
[[ -x "$nginx_bin" ]] || die "nginx is not installed (apt-get install nginx-light)"
mkdir -p "$root/usr/sbin" "$root/etc/nginx" "$root/usr/share/nginx/html" "$root/var/log/nginx" \
  "$root/var/lib/nginx/body" "$root/var/cache/nginx" "$root/run"
cp "$nginx_bin" "$root/usr/sbin/nginx"
for lib in $(ldd "$nginx_bin" | grep -oE '/[^ ]+\.so[^ ]*'); do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
cp /etc/nginx/mime.types "$root/etc/nginx/mime.types"
cp "$here/nginx.conf" "$root/etc/nginx/nginx.conf"
cp "$here/nginx-index.html" "$root/usr/share/nginx/html/index.html"
printf 'root:x:0:0:root:/root:/bin/sh\nwww-data:x:33:33:www-data:/var/www:/bin/false\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$root/etc/passwd"
printf 'root:x:0:\nwww-data:x:33:\nnogroup:x:65534:\n' > "$root/etc/group"
layout nginx "$root" '{"Cmd":["nginx","-g","daemon off;"],"ExposedPorts":{"80/tcp":{}},"StopSignal":"SIGQUIT","Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]}'

# pause
mkdir -p "$tmp/pause"
gcc -static -Os -s -o "$tmp/pause/pause" "$here/pause.c"
layout pause "$tmp/pause" '{"Entrypoint":["/pause"],"User":"65535:65535"}'

# coredns: the static binary alone, as in CoreDNS's own (distroless) image, plus the files every
# image gets for user lookups. It runs as root with only NET_BIND_SERVICE (the pod's securityContext).
mkdir -p "$tmp/coredns/etc" "$tmp/coredns/tmp"
chmod 1777 "$tmp/coredns/tmp"
cp "${COREDNS_BIN:?COREDNS_BIN must name the binary from cluster/build-coredns.sh}" "$tmp/coredns/coredns"
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > "$tmp/coredns/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' > "$tmp/coredns/etc/group"
layout coredns "$tmp/coredns" '{"Entrypoint":["/coredns"],"ExposedPorts":{"53/tcp":{},"53/udp":{}}}'

# metrics-server: the static binary alone, as in its own (distroless) image; it runs as user 1000
# (the pod's securityContext) and writes its self-made serving certificate to /tmp (an emptyDir).
mkdir -p "$tmp/metrics-server/tmp"
chmod 1777 "$tmp/metrics-server/tmp"
cp "${METRICS_SERVER_BIN:?METRICS_SERVER_BIN must name the binary from cluster/build-metrics-server.sh}" \
  "$tmp/metrics-server/metrics-server"
layout metrics-server "$tmp/metrics-server" '{"Entrypoint":["/metrics-server"],"ExposedPorts":{"10250/tcp":{}}}'
