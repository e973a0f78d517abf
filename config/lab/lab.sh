#!/usr/bin/env bash
# The jlvs lab: network namespaces joined by a bridge, on one machine.
#
#   jlvs-cli  198.18.0.100  client
#   jlvs-dir  (no kernel address) the director: DPDK on veth dir0 (net_af_packet); DIP 198.18.0.2, VIP 198.18.0.10
#   jlvs-rs1..3  198.18.0.11..13  real servers, HTTP on :80, VIP on lo with arp_ignore/arp_announce (DR)
#   jlvs-sw   bridge br0 joining them
#
# 198.18.0.0/15 is the range RFC 2544 sets aside for benchmark networks; nothing here leaves the namespaces.
#   lab.sh up | down | status
set -euo pipefail

LAB_PREFIX=${LAB_PREFIX:-jlvs}
SW=$LAB_PREFIX-sw
CLI=$LAB_PREFIX-cli
DIR=$LAB_PREFIX-dir
NET=198.18.0
VIP=$NET.10
CLIENT_IP=$NET.100
RS_COUNT=${RS_COUNT:-3}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RUN=/run/jlvs-lab
PYTHON=/usr/bin/python3

ns() { ip netns exec "$1" "${@:2}"; }

quiet_offloads() {
  # Checksums and segmentation done in software, so af_packet hands DPDK finished frames.
  ns "$1" ethtool -K "$2" tso off gso off gro off tx off rx off >/dev/null 2>&1 || true
}

link_to_switch() { # ns, ifname-in-ns, port-name-on-switch
  ip link add "$3" type veth peer name "$2" numtxqueues 1 numrxqueues 1
  ip link set "$3" netns "$SW"
  ip link set "$2" netns "$1"
  ns "$SW" ip link set "$3" master br0 up
  quiet_offloads "$SW" "$3"
  ns "$1" ip link set lo up
  ns "$1" ip link set "$2" up
  quiet_offloads "$1" "$2"
  ns "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
}

up() {
  down >/dev/null 2>&1 || true
  mkdir -p "$RUN"
  ip netns add "$SW"
  ns "$SW" ip link set lo up
  ns "$SW" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  ns "$SW" ip link add br0 type bridge
  ns "$SW" ip link set br0 up
  # A switch forwards frames as they are: without this, br_netfilter (when loaded) validates bridged IPv4
  # and ARP headers and the director never sees the malformed frames it must count.
  ns "$SW" sysctl -qw net.bridge.bridge-nf-call-iptables=0 net.bridge.bridge-nf-call-ip6tables=0 \
    net.bridge.bridge-nf-call-arptables=0 2>/dev/null || true

  ip netns add "$CLI"
  link_to_switch "$CLI" cli0 sw-cli
  ns "$CLI" ip addr add "$CLIENT_IP/24" dev cli0

  ip netns add "$DIR"
  link_to_switch "$DIR" dir0 sw-dir
  ns "$DIR" sysctl -qw net.ipv4.ip_forward=0

  for i in $(seq 1 "$RS_COUNT"); do
    local rs=$LAB_PREFIX-rs$i
    ip netns add "$rs"
    link_to_switch "$rs" rs0 "sw-rs$i"
    ns "$rs" ip addr add "$NET.$((10 + i))/24" dev rs0
    # DR: the VIP on loopback, never announced or answered in ARP.
    ns "$rs" sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 \
      net.ipv4.conf.rs0.arp_ignore=1 net.ipv4.conf.rs0.arp_announce=2
    ns "$rs" ip addr add "$VIP/32" dev lo
    ns "$rs" setsid "$PYTHON" "$HERE/realserver.py" "rs$i" 80 5300 "$VIP" >"$RUN/rs$i.log" 2>&1 < /dev/null &
    echo $! > "$RUN/rs$i.pid"
  done

  # Wait for every real server to listen.
  for i in $(seq 1 "$RS_COUNT"); do
    local ok=0
    for _ in $(seq 1 50); do
      if ns "$CLI" curl -s -m 1 "http://$NET.$((10 + i))/" >/dev/null 2>&1; then ok=1; break; fi
      sleep 0.1
    done
    [ "$ok" = 1 ] || { echo "lab: real server rs$i did not come up: $(cat "$RUN/rs$i.log")" >&2; exit 1; }
  done
  echo "lab: up (client $CLIENT_IP, VIP $VIP, real servers $NET.11-$NET.$((10 + RS_COUNT)))"
}

down() {
  for f in "$RUN"/rs*.pid; do
    [ -e "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
    rm -f "$f"
  done
  for n in $(ip netns list | awk '{print $1}' | grep -E "^$LAB_PREFIX-(sw|cli|dir|rs[0-9]+)$" || true); do
    # anything still running inside (a director, a server) goes with its namespace
    for p in $(ip netns pids "$n" 2>/dev/null); do kill "$p" 2>/dev/null || true; done
    sleep 0.1
    for p in $(ip netns pids "$n" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
    ip netns del "$n" 2>/dev/null || true
  done
  # the lab director's state (persisted connections, counters) and DPDK's runtime directory
  rm -rf /var/run/dpdk/jlvs-lab /dev/shm/jlvs/lab
  echo "lab: down"
}

status() {
  ip netns list | grep -E "^$LAB_PREFIX-" || echo "lab: not up"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
