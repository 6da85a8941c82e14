#!/usr/bin/env bash
# The container engine and the egress guard for the kind cluster.
#   up:   start dockerd unless an engine already answers (behind a dead
#         proxy, so it can pull nothing, and with the runc
#         wrapper as default runtime only when this machine's capability
#         bounding set lacks CAP_SYS_RESOURCE), create the kind network with
#         a fixed subnet, and install the egress guard before anything runs.
#   down: remove the guard and the network; if `up` started dockerd, stop it
#         and remove what it left on the host (docker0, its iptables chains,
#         the ip_forward sysctl it flipped).
#   drops: print the guard's drop counter (packets).
source "$(dirname "$0")/lib.sh"

STATE="$KIND_RUN/docker.state"
# Nothing listens on port 9 (discard) on loopback: dockerd's pulls go nowhere.
DEAD_PROXY=http://127.0.0.1:9

cap_sys_resource_missing() {
  local bnd; bnd="$(awk '/^CapBnd:/ {print $2}' /proc/self/status)"
  (( (0x$bnd >> 24 & 1) == 0 ))   # CAP_SYS_RESOURCE is capability 24
}

# What tear-down restores. Written once, before the first dockerd we start:
# a later start (after dockerd died) would otherwise record Docker's own
# leftovers (docker0, the DROP policy) as the host's. If a dead dockerd left
# those behind before any state was written, they are Docker's, not the host's.
record_host_state() {
  [[ -f "$STATE" ]] && grep -qx started_dockerd=1 "$STATE" && return 0
  local docker0_existed=0 forward_policy
  forward_policy="$(iptables -S FORWARD 2>/dev/null | awk '$1 == "-P" {print $3}')"
  if iptables -n -L DOCKER >/dev/null 2>&1; then
    log "a dead dockerd left its chains behind: docker0 and the FORWARD policy are taken as Docker's"
    forward_policy=ACCEPT
  elif ip link show docker0 >/dev/null 2>&1; then
    docker0_existed=1
  fi
  {
    echo "ip_forward=$(cat /proc/sys/net/ipv4/ip_forward)"
    # dockerd sets the FORWARD policy to DROP when it turns on forwarding.
    echo "forward_policy=$forward_policy"
    echo "docker0_existed=$docker0_existed"
    echo "started_dockerd=1"
  } > "$STATE"
}

start_dockerd() {
  ensure_packages docker.io
  local args=(--host=unix:///var/run/docker.sock --pidfile="$KIND_RUN/dockerd.pid")
  if cap_sys_resource_missing; then
    # Privileged containers ask for every capability; runc can't grant one
    # missing from the bounding set. The wrapper drops just that one.
    local wrapper="$KIND_CACHE/bin/runc-no-sys-resource"
    mkdir -p "$(dirname "$wrapper")"
    install -m 0755 "$KIND_SCRIPTS/runc-wrapper.sh" "$wrapper"
    args+=(--add-runtime "enlarger-runc=$wrapper" --default-runtime enlarger-runc)
    log "CAP_SYS_RESOURCE is not in the bounding set: dockerd runs containers through $wrapper"
  fi
  record_host_state
  log "starting dockerd (log: $KIND_RUN/dockerd.log)"
  # The guard sees forwarded traffic only: a pull by dockerd itself leaves
  # through OUTPUT. A proxy on the discard port makes any such pull fail here,
  # at once, with "proxyconnect tcp: ... connection refused".
  setsid env HTTP_PROXY="$DEAD_PROXY" HTTPS_PROXY="$DEAD_PROXY" NO_PROXY="localhost,127.0.0.0/8,$KIND_SUBNET" \
    dockerd "${args[@]}" >"$KIND_RUN/dockerd.log" 2>&1 </dev/null &
  wait_for dockerd 60 docker info
}

# The guard: forwarded packets that enter from the docker or kind bridge and
# are not addressed to those networks are dropped and counted. The host's own
# addresses are not forwarded, so pods may still reach services bound there.
# A frame the kind bridge passes from one node to another (a pod's packet to
# another node's pod range) stays on it: with bridge-nf-call-iptables, which
# dockerd turns on, it still traverses FORWARD, in and out of that bridge.
install_guard() {
  local docker0_net; docker0_net="$(docker network inspect bridge -f '{{(index .IPAM.Config 0).Subnet}}')"
  iptables -N "$EGRESS_CHAIN" 2>/dev/null || iptables -F "$EGRESS_CHAIN"
  iptables -A "$EGRESS_CHAIN" -i "$KIND_BRIDGE" -o "$KIND_BRIDGE" -j RETURN
  iptables -A "$EGRESS_CHAIN" -d "$docker0_net" -j RETURN
  iptables -A "$EGRESS_CHAIN" -d "$KIND_SUBNET" -j RETURN
  iptables -A "$EGRESS_CHAIN" -m comment --comment "enlarger: nothing leaves this machine" -j DROP
  local br
  for br in docker0 "$KIND_BRIDGE"; do
    iptables -C DOCKER-USER -i "$br" -j "$EGRESS_CHAIN" 2>/dev/null || iptables -I DOCKER-USER -i "$br" -j "$EGRESS_CHAIN"
  done
  log "egress guard: DOCKER-USER -> $EGRESS_CHAIN drops forwarded traffic from docker0 and $KIND_BRIDGE to outside $docker0_net, $KIND_SUBNET"
}

remove_guard() {
  local br
  for br in docker0 "$KIND_BRIDGE"; do
    while iptables -D DOCKER-USER -i "$br" -j "$EGRESS_CHAIN" 2>/dev/null; do :; done
  done
  iptables -F "$EGRESS_CHAIN" 2>/dev/null && iptables -X "$EGRESS_CHAIN" || true
}

drops() {
  iptables -L "$EGRESS_CHAIN" -v -x -n | awk '$3 == "DROP" {print $1}'
}

create_network() {
  docker network inspect "$KIND_NETWORK" >/dev/null 2>&1 && return 0
  log "creating docker network $KIND_NETWORK ($KIND_SUBNET, bridge $KIND_BRIDGE)"
  docker network create -d bridge --subnet "$KIND_SUBNET" --gateway "$KIND_GATEWAY" \
    -o com.docker.network.bridge.name="$KIND_BRIDGE" \
    -o com.docker.network.bridge.enable_ip_masquerade=true \
    -o com.docker.network.driver.mtu=1500 "$KIND_NETWORK" >/dev/null
}

up() {
  # The guard below needs iptables even when someone else's engine runs.
  ensure_packages iptables
  if docker info >/dev/null 2>&1; then
    log "a container engine is already running: using it"
    [[ -f "$STATE" ]] || echo "started_dockerd=0" > "$STATE"
  else
    start_dockerd
  fi
  # Before any container of ours runs.
  install_guard
  create_network
}

# in_nets IP CIDR...: whether IP is inside one of the CIDRs.
in_nets() {
  local ip="$1" cidr; shift
  ip_int() { local IFS=.; read -r a b c d <<<"$1"; echo $(( (a << 24) | (b << 16) | (c << 8) | d )); }
  for cidr in "$@"; do
    local bits="${cidr#*/}" mask
    mask=$(( bits == 0 ? 0 : (0xffffffff << (32 - bits)) & 0xffffffff ))
    (( ($(ip_int "$ip") & mask) == ($(ip_int "${cidr%/*}") & mask) )) && return 0
  done
  return 1
}

# Removes what dockerd leaves behind when it stops: its chains and rules in
# the filter and nat tables, the docker0 bridge, the ip_forward it set and the
# FORWARD policy. (The then empty filter and nat tables stay: iptables can't
# delete a table, and an empty one with ACCEPT policies filters nothing.)
clean_dockerd_leftovers() {
  local c
  while iptables -D FORWARD -j DOCKER-USER 2>/dev/null; do :; done
  while iptables -D FORWARD -j DOCKER-ISOLATION-STAGE-1 2>/dev/null; do :; done
  iptables -S FORWARD | grep -E -- '-o (docker0|br-[0-9a-f]+)|-i (docker0|br-[0-9a-f]+)' | sed 's/^-A /-D /' |
    while read -r rule; do eval "iptables $rule"; done
  for c in DOCKER DOCKER-ISOLATION-STAGE-1 DOCKER-ISOLATION-STAGE-2 DOCKER-USER; do
    iptables -F "$c" 2>/dev/null && iptables -X "$c" 2>/dev/null || true
  done
  while iptables -t nat -D PREROUTING -m addrtype --dst-type LOCAL -j DOCKER 2>/dev/null; do :; done
  while iptables -t nat -D OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER 2>/dev/null; do :; done
  # Only the masquerading Docker set up for its own networks: docker0's, the
  # kind network's and any other bridge it made (br-*); someone else's NAT stays.
  local nets=("$KIND_SUBNET") docker0_net
  docker0_net="$(ip -4 -o addr show docker0 2>/dev/null | awk '{print $4}')"
  [[ -n "$docker0_net" ]] && nets+=("$docker0_net")
  iptables -t nat -S POSTROUTING | grep -- '-j MASQUERADE' | while read -r rule; do
    local src; src="$(awk '{for (i = 1; i < NF; i++) if ($i == "-s") print $(i + 1)}' <<<"$rule")"
    if grep -qE -- "-o (docker0|br-[0-9a-f]+|$KIND_BRIDGE)( |$)" <<<"$rule" || { [[ -n "$src" ]] && in_nets "${src%/*}" "${nets[@]}"; }; then
      eval "iptables -t nat ${rule/#-A /-D }"
    fi
  done
  iptables -t nat -F DOCKER 2>/dev/null && iptables -t nat -X DOCKER 2>/dev/null || true
  # shellcheck disable=SC1090
  source "$STATE"
  if [[ "${docker0_existed:-0}" == 0 ]] && ip link show docker0 >/dev/null 2>&1; then ip link delete docker0; fi
  [[ -n "${ip_forward:-}" ]] && sysctl -qw net.ipv4.ip_forward="$ip_forward"
  iptables -P FORWARD "${forward_policy:-ACCEPT}"
}

down() {
  docker network rm "$KIND_NETWORK" >/dev/null 2>&1 || true
  remove_guard
  [[ -f "$STATE" ]] || return 0
  # shellcheck disable=SC1090
  source "$STATE"
  if [[ "${started_dockerd:-0}" == 1 ]]; then
    local pid; pid="$(cat "$KIND_RUN/dockerd.pid" 2>/dev/null || true)"
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
      log "stopping dockerd (pid $pid)"
      kill -TERM "$pid"
      for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      # Clean-up below must not race a dockerd still tearing down its rules.
      if kill -0 "$pid" 2>/dev/null; then
        log "dockerd did not exit within 30 s: SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      fi
    fi
    clean_dockerd_leftovers
  fi
  rm -f "$STATE"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  drops) drops ;;
  *) die "usage: $0 up|down|drops" ;;
esac
