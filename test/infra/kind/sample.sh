#!/usr/bin/env bash
# Applies the documented sample (examples/imageplatform.yaml) to the kind
# cluster in namespace NAMESPACE, with the Secrets its comment asks for made
# from .run/kind.env's RabbitMQ and MinIO, and image IMG; waits for Ready.
# Usage: test/infra/kind/sample.sh IMG [NAMESPACE]
source "$(dirname "$0")/lib.sh"

img="${1:?usage: sample.sh IMG [NAMESPACE]}" ns="${2:-photos}"
[[ -f "$KIND_ENV" ]] || die "no $KIND_ENV: run 'make kind-up' (or 'make kind-public') first"
# shellcheck disable=SC1091
source "$KIND_ENV"
kctl() { kubectl --kubeconfig "$KIND_KUBECONFIG" "$@"; }
secret() { # NAME LITERAL...
  local name="$1"; shift
  kctl -n "$ns" create secret generic "$name" "${@/#/--from-literal=}" --dry-run=client -o yaml | kctl apply -f - >/dev/null
}

kctl create namespace "$ns" --dry-run=client -o yaml | kctl apply -f - >/dev/null
secret photos-s3 "accessKeyId=$KIND_S3_ACCESS_KEY_ID" "secretAccessKey=$KIND_S3_SECRET_ACCESS_KEY"
secret photos-amqp "url=$KIND_AMQP_URL"
# One signing key per namespace, kept across runs so signed URLs stay valid.
key="$({ kctl -n "$ns" get secret photos-signing -o 'jsonpath={.data.keys}' 2>/dev/null || true; } | base64 -d)"
secret photos-signing "keys=${key:-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')}"
# The sample's bucket, through the MinIO Service's host route (the platform never creates buckets).
(cd "$REPO_ROOT" && S3_ENDPOINT="$KIND_S3_HOST_ENDPOINT" S3_KEY="$KIND_S3_ACCESS_KEY_ID" S3_SECRET="$KIND_S3_SECRET_ACCESS_KEY" \
  node --input-type=module -e "
    import { S3Client, CreateBucketCommand } from '@aws-sdk/client-s3';
    const s3 = new S3Client({ endpoint: process.env.S3_ENDPOINT, region: 'us-east-1', forcePathStyle: true,
      credentials: { accessKeyId: process.env.S3_KEY, secretAccessKey: process.env.S3_SECRET } });
    await s3.send(new CreateBucketCommand({ Bucket: 'photos' })).catch((e) => {
      if (e.name !== 'BucketAlreadyOwnedByYou' && e.name !== 'BucketAlreadyExists') throw e;
    });")
# The sample as documented, but with the image just built (it is loaded, never pulled).
sed -e "s|repository: ghcr.io/enlarger/enlarger|repository: ${img%:*}|" -e "s|tag: 0.1.0|tag: ${img##*:}|" \
  -e "s|pullPolicy: IfNotPresent|pullPolicy: Never|" "$REPO_ROOT/examples/imageplatform.yaml" | kctl -n "$ns" apply -f - >/dev/null
log "applied examples/imageplatform.yaml to namespace $ns; waiting for Ready"
kctl -n "$ns" wait --for=condition=Ready imageplatform/photos --timeout=300s >/dev/null
kctl -n "$ns" get imageplatform photos
