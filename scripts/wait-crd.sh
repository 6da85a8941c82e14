#!/usr/bin/env bash
# Waits until a CRD is served (its Established condition True), in the cluster
# of KUBECONFIG. Polled rather than `kubectl wait --for=condition=Established`:
# that fails at once ("accessor error: <nil> is of the type <nil>") on a CRD
# created so recently that the apiserver has written no status yet, which is
# every first install on a new cluster.
# Usage: scripts/wait-crd.sh crd/NAME [TIMEOUT_SECONDS=30]
source "$(dirname "$0")/lib.sh"
crd="${1:?usage: wait-crd.sh crd/NAME [TIMEOUT_SECONDS]}" timeout="${2:-30}"
established() {
  [[ "$(kubectl get "$crd" -o jsonpath='{.status.conditions[?(@.type=="Established")].status}' 2>/dev/null)" == True ]]
}
poll_until "$timeout" established || die "$crd is not Established after ${timeout}s"
