# Certificates, keys and kubeconfigs for the local cluster, made with openssl. Sourced by up.sh.
# Follows the identities kubeadm and hack/local-up-cluster.sh use: the Node authorizer needs the
# kubelet as system:node:<name> in system:nodes, the controller manager and scheduler need their
# system: users, and the admin is in system:masters.

# sign NAME SUBJECT [SAN]: a client or serving certificate signed by the cluster CA.
sign() {
  local name=$1 subject=$2 san=${3:-}
  local dir=$STATE/pki
  openssl genrsa -out "$dir/$name.key" 2048 2>/dev/null
  openssl req -new -key "$dir/$name.key" -subj "$subject" -out "$dir/$name.csr" 2>/dev/null
  local ext="$dir/$name.ext"
  if [[ -n "$san" ]]; then
    printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=%s\n' "$san" > "$ext"
  else
    printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n' > "$ext"
  fi
  openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial \
    -days 365 -sha256 -extfile "$ext" -out "$dir/$name.crt" 2>/dev/null
  rm -f "$dir/$name.csr" "$ext"
}

# kubeconfig FILE NAME: a kubeconfig that authenticates with the certificate NAME.
kubeconfig() {
  local file=$1 name=$2 dir=$STATE/pki
  cat > "$file" <<KUBECONFIG
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
  chmod 600 "$file"
}

make_pki() {
  local dir=$STATE/pki
  [[ -f "$dir/done" ]] && return 0
  log "generating certificates and kubeconfigs"
  mkdir -p "$dir"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$dir/ca.key" -out "$dir/ca.crt" \
    -days 365 -subj "/CN=podlens-cluster-ca" 2>/dev/null
  local san="DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc"
  san+=",DNS:kubernetes.default.svc.cluster.local,DNS:$NODE_NAME,IP:127.0.0.1,IP:$NODE_IP,IP:$SERVICE_IP"
  sign apiserver "/CN=kube-apiserver" "$san"
  sign admin "/O=system:masters/CN=podlens-admin"
  sign controller-manager "/CN=system:kube-controller-manager"
  sign scheduler "/CN=system:kube-scheduler"
  sign kubelet "/O=system:nodes/CN=system:node:$NODE_NAME"
  sign apiserver-kubelet-client "/CN=kube-apiserver-kubelet-client"
  openssl genrsa -out "$dir/sa.key" 2048 2>/dev/null
  openssl rsa -in "$dir/sa.key" -pubout -out "$dir/sa.pub" 2>/dev/null
  kubeconfig "$STATE/admin.kubeconfig" admin
  kubeconfig "$STATE/controller-manager.kubeconfig" controller-manager
  kubeconfig "$STATE/scheduler.kubeconfig" scheduler
  kubeconfig "$STATE/kubelet.kubeconfig" kubelet
  touch "$dir/done"
}
