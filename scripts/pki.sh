#!/usr/bin/env bash
# Certificates and the service-account key of a local control plane, in DIR:
# a CA, the apiserver's serving cert, an admin client cert (system:masters)
# and sa.key/sa.pub. Does nothing when DIR already has them.
# Usage: scripts/pki.sh DIR   (scripts/cluster.sh and the fault tests' own control planes)
set -euo pipefail
PKI="${1:?usage: $0 DIR}"
[[ -f "$PKI/admin.crt" ]] && exit 0
mkdir -p "$PKI"; cd "$PKI"
openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -keyout ca.key -out ca.crt -subj "/CN=enlarger-local-ca" 2>/dev/null
cat > apiserver.ext <<EXT
subjectAltName=IP:127.0.0.1,IP:10.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local
extendedKeyUsage=serverAuth
EXT
openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr -subj "/CN=kube-apiserver" 2>/dev/null
openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 -extfile apiserver.ext -out apiserver.crt 2>/dev/null
# system:masters: the test harness and the controllers act as cluster admin.
openssl req -newkey rsa:2048 -nodes -keyout admin.key -out admin.csr -subj "/O=system:masters/CN=enlarger-admin" 2>/dev/null
printf 'extendedKeyUsage=clientAuth\n' > client.ext
openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 -extfile client.ext -out admin.crt 2>/dev/null
openssl genrsa -out sa.key 2048 2>/dev/null
openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
