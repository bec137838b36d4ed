# Certificates, keys and kubeconfigs for the local cluster, made with openssl. Sourced by up.sh.
# Follows the identities kubeadm and hack/local-up-cluster.sh use: the Node authorizer needs the
# kubelet as system:node:<name> in system:nodes, the controller manager and scheduler need their
# system: users, and the admin is in system:masters.

# sign NAME SUBJECT [SAN] [CA]: a client certificate (a serving and client one with SAN) signed by
# the cluster CA, or by CA (etcd-ca: etcd has a CA of its own, as kubeadm gives it). Made once: a
# certificate that exists is kept, so a running cluster gains new ones without losing the others.
sign() {
  local name=$1 subject=$2 san=${3:-} ca=${4:-ca}
  local dir=$STATE/pki
  [[ -f $dir/$name.crt ]] && return 0
  openssl genrsa -out "$dir/$name.key" 2048 2>/dev/null
  openssl req -new -key "$dir/$name.key" -subj "$subject" -out "$dir/$name.csr" 2>/dev/null
  local ext="$dir/$name.ext"
  if [[ -n "$san" ]]; then
    printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=%s\n' "$san" > "$ext"
  else
    printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n' > "$ext"
  fi
  openssl x509 -req -in "$dir/$name.csr" -CA "$dir/$ca.crt" -CAkey "$dir/$ca.key" -CAcreateserial \
    -days 365 -sha256 -extfile "$ext" -out "$dir/$name.crt.tmp" 2>/dev/null
  rm -f "$dir/$name.csr" "$ext"
  mv "$dir/$name.crt.tmp" "$dir/$name.crt"
}

# new_ca NAME SUBJECT: a self-signed CA, once.
new_ca() {
  local dir=$STATE/pki
  [[ -f $dir/$1.crt ]] && return 0
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$dir/$1.key" -out "$dir/$1.crt.tmp" \
    -days 365 -subj "$2" 2>/dev/null
  mv "$dir/$1.crt.tmp" "$dir/$1.crt"
}

# kubeconfig FILE NAME: a kubeconfig that authenticates with the certificate NAME (written once).
kubeconfig() {
  local file=$1 name=$2 dir=$STATE/pki
  [[ -f $file ]] && return 0
  cat > "$file.tmp" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
- name: podlens
  cluster:
    server: https://127.0.0.1:$APISERVER_PORT
    certificate-authority-data: $(base64 -w0 < "$dir/ca.crt")
users:
- name: $name
  user:
    client-certificate-data: $(base64 -w0 < "$dir/$name.crt")
    client-key-data: $(base64 -w0 < "$dir/$name.key")
contexts:
- name: podlens
  context:
    cluster: podlens
    user: $name
    namespace: default
current-context: podlens
KUBECONFIG
  chmod 600 "$file.tmp"
  mv "$file.tmp" "$file"
}

make_pki() {
  local dir=$STATE/pki
  [[ -f $dir/kube-proxy.crt ]] || log "generating the certificates and kubeconfigs that are missing"
  mkdir -p "$dir"
  new_ca ca "/CN=podlens-cluster-ca"
  local san="DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc"
  san+=",DNS:kubernetes.default.svc.cluster.local,DNS:$NODE_NAME,IP:127.0.0.1,IP:$NODE_IP,IP:$SERVICE_IP"
  sign apiserver "/CN=kube-apiserver" "$san"
  sign admin "/O=system:masters/CN=podlens-admin"
  sign controller-manager "/CN=system:kube-controller-manager"
  sign scheduler "/CN=system:kube-scheduler"
  sign kubelet "/O=system:nodes/CN=system:node:$NODE_NAME"
  # The kubelet's serving certificate, signed by the cluster CA (rather than the self-signed one a
  # kubelet makes without it), so that clients holding the CA (metrics-server) can verify it.
  sign kubelet-serving "/O=system:nodes/CN=system:node:$NODE_NAME" "DNS:$NODE_NAME,IP:$NODE_IP,IP:127.0.0.1"
  sign apiserver-kubelet-client "/CN=kube-apiserver-kubelet-client"
  # kube-proxy as the user the default RBAC binds to system:node-proxier.
  sign kube-proxy "/CN=system:kube-proxy"
  # etcd: its own CA; a serving certificate (also its peer one: one member, on loopback) and the
  # API server's client certificate, as kubeadm makes them (etcd/ca, etcd/server, apiserver-etcd-client).
  new_ca etcd-ca "/CN=podlens-etcd-ca"
  sign etcd-server "/CN=etcd-server" "DNS:localhost,IP:127.0.0.1" etcd-ca
  sign apiserver-etcd-client "/CN=kube-apiserver-etcd-client" "" etcd-ca
  # The aggregation layer (metrics.k8s.io): the API server proxies to extension API servers as
  # front-proxy-client, signed by a CA of its own, as kubeadm makes them (front-proxy-ca,
  # front-proxy-client); extension servers trust that CA for the user it names in its headers.
  new_ca front-proxy-ca "/CN=podlens-front-proxy-ca"
  sign front-proxy-client "/CN=front-proxy-client" "" front-proxy-ca
  if [[ ! -f $dir/sa.key ]]; then
    openssl genrsa -out "$dir/sa.key.tmp" 2048 2>/dev/null
    openssl rsa -in "$dir/sa.key.tmp" -pubout -out "$dir/sa.pub" 2>/dev/null
    mv "$dir/sa.key.tmp" "$dir/sa.key"
  fi
  kubeconfig "$STATE/admin.kubeconfig" admin
  kubeconfig "$STATE/controller-manager.kubeconfig" controller-manager
  kubeconfig "$STATE/scheduler.kubeconfig" scheduler
  kubeconfig "$STATE/kubelet.kubeconfig" kubelet
  kubeconfig "$STATE/kube-proxy.kubeconfig" kube-proxy
  rm -f "$dir/done"
}
