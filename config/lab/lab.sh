#!/usr/bin/env bash
# The jlvs lab: network namespaces joined by a bridge, on one machine.
#
#   jlvs-cli  198.18.0.100  client
#   jlvs-dir  the director: DPDK on veth dir0 (net_af_packet), its own kernel on the TAP jlvs-lab; DIP 198.18.0.2,
#             198.18.1.2, and the floating 198.18.1.1 (the NAT real servers' gateway, held by whichever director
#             serves the VIPs), default gateway 198.18.0.254; it alone answers ARP
#             for the VIPs 198.18.0.10 (DR), .20 (NAT), .30 (TUN), .40 (DR+NAT+TUN), .50 (DR, no server)
#   jlvs-rs1..3   198.18.0.11..13  DR real servers: HTTP on :80, UDP on VIP:5300, VIPs .10 .40 .50 on lo
#                 with arp_ignore/arp_announce
#   jlvs-nat1..3  198.18.1.11..13  NAT real servers (one-armed, same bridge), default route via the director
#                 198.18.1.1: HTTP on :8080 and :80, UDP on :5300, nothing on :5399
#   jlvs-gw   198.18.0.254 and 198.18.2.254 on one leg: a router between the director's network and the
#             tunnel real servers' (forwarding, no redirects)
#   jlvs-tun1..3  198.18.2.11..13  tunnel real servers, default route via 198.18.2.254: HTTP on :80, UDP on
#                 198.18.0.30:5300, VIPs .30 .40 on lo with arp_ignore/arp_announce, rp_filter off; the
#                 kernel has no ipip/gre/fou, so tundecap.py takes ipip, gre and gue (UDP 6080) and writes
#                 the inner packets to the TUN device tunl-dec; counters in /run/jlvs-lab/tunN-decap.json
#   jlvs-dir2 the pair's second director (DIP 198.18.0.3 and 198.18.1.3, TAP jlvs-lab2), DPDK on its own veth dir0 on the same
#             bridge; sync0 in jlvs-dir (198.18.9.1/30) and in jlvs-dir2 (198.18.9.2/30) is a link kept for
#             connection sync, apart from the forwarding ports
#   jlvs-ka   198.18.0.4 on the same bridge: a keepalived box, for VRRP between jlvs and keepalived
#   jlvs-sw   bridge br0 joining them
#
# IPv6, in the documentation range 2001:db8::/32: the client 2001:db8::100, the DR real servers 2001:db8::11..13
# with VIP6 2001:db8::10 on lo (an address on lo is not answered in neighbour discovery on rs0), the NAT real
# servers 2001:db8:1::11..13 via the floating 2001:db8:1::1, VIP6_NAT 2001:db8::20; the director 2001:db8::2 and
# 2001:db8:1::2 (the second 2001:db8::3 and 2001:db8:1::3);
# the router 2001:db8::fe and 2001:db8:2::fe in front of the tunnel real servers 2001:db8:2::11..13 (VIP6_TUN
# 2001:db8::30 on lo; tundecap.py takes IPv6-in-IPv6 too).
# 198.18.0.0/15 is the range RFC 2544 sets aside for benchmark networks; nothing here leaves the namespaces.
#   lab.sh up | down | status
# RS_COUNT, NAT_COUNT, TUN_COUNT (default 3 each) set how many real servers of each kind.
set -euo pipefail

LAB_PREFIX=${LAB_PREFIX:-jlvs}
SW=$LAB_PREFIX-sw
CLI=$LAB_PREFIX-cli
DIR=$LAB_PREFIX-dir
DIR2=$LAB_PREFIX-dir2
KA=$LAB_PREFIX-ka
SYNC_NET=198.18.9
GW=$LAB_PREFIX-gw
NET=198.18.0
NAT_NET=198.18.1
TUN_NET=198.18.2
VIP=$NET.10
VIP_NAT=$NET.20
VIP_TUN=$NET.30
VIP_MIXED=$NET.40
VIP_NOREAL=$NET.50
CLIENT_IP=$NET.100
GW_IP=$NET.254
GW_TUN_IP=$TUN_NET.254
NAT_GATEWAY=$NAT_NET.1
NET6=2001:db8:
NAT_NET6=2001:db8:1:
CLIENT_IP6=$NET6:100
VIP6=$NET6:10
NAT_GATEWAY6=$NAT_NET6:1
TUN_NET6=2001:db8:2:
VIP6_TUN=$NET6:30
GW_IP6=$NET6:fe
GW_TUN_IP6=$TUN_NET6:fe
TUN_DEV=tunl-dec
GUE_PORT=6080
RS_COUNT=${RS_COUNT:-3}
NAT_COUNT=${NAT_COUNT:-3}
TUN_COUNT=${TUN_COUNT:-3}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RUN=/run/jlvs-lab
PYTHON=/usr/bin/python3

# ns, quiet_offloads, make_switch, link_to_switch, enable_ipv6, start, wait_for (shared with services.sh)
# shellcheck source=lab-lib.sh
. "$HERE/lab-lib.sh"

client_up() {
  ip netns add "$CLI"
  link_to_switch "$CLI" cli0 sw-cli
  ns "$CLI" ip addr add "$CLIENT_IP/24" dev cli0
  # the tests bind fixed client ports below 50000 to name their connections: ephemeral ones (a transfer's) stay above
  ns "$CLI" sysctl -qw net.ipv4.ip_local_port_range="50000 60999"
  enable_ipv6 "$CLI" cli0
  ns "$CLI" ip addr add "$CLIENT_IP6/64" dev cli0 nodad
}

director_up() { # namespace, port on the switch
  ip netns add "$1"
  link_to_switch "$1" dir0 "$2"
  ns "$1" sysctl -qw net.ipv4.ip_forward=0
  # dir0 is DPDK's (af_packet reads it before the kernel's stack): the kernel must neither take IP from it nor answer
  # ARP on it. The director's own kernel has its addresses on the TAP device the director makes (jlvs-lab).
  ns "$1" sysctl -qw net.ipv4.conf.all.rp_filter=1 net.ipv4.conf.dir0.rp_filter=1 net.ipv4.conf.dir0.arp_ignore=8
  # IPv6 on lo only (::1): the JVM decides once, when it starts, whether the host has IPv6 at all (an empty
  # /proc/net/if_inet6 is "no"), and the director's TAP device with its IPv6 addresses comes later; without this
  # its IPv6 health checks could never connect.
  ns "$1" sysctl -qw net.ipv6.conf.lo.disable_ipv6=0
}

directors_up() {
  # the pair: the second director set up as the first, and the sync link between them
  director_up "$DIR" sw-dir
  director_up "$DIR2" sw-dir2
  ip link add sync0 netns "$DIR" type veth peer name sync0 netns "$DIR2"
  ns "$DIR" ip addr add "$SYNC_NET.1/30" dev sync0
  ns "$DIR2" ip addr add "$SYNC_NET.2/30" dev sync0
  ns "$DIR" ip link set sync0 up
  ns "$DIR2" ip link set sync0 up
}

keepalived_box_up() { # a keepalived box (the tests start keepalived --vrrp in it)
  ip netns add "$KA"
  link_to_switch "$KA" ka0 sw-ka
  ns "$KA" ip addr add "$NET.4/24" dev ka0
}

dr_server_up() { # n
  local rs=$LAB_PREFIX-rs$1
  ip netns add "$rs"
  link_to_switch "$rs" rs0 "sw-rs$1"
  ns "$rs" ip addr add "$NET.$((10 + $1))/24" dev rs0
  # DR: the VIPs on loopback, never announced or answered in ARP.
  ns "$rs" sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 \
    net.ipv4.conf.rs0.arp_ignore=1 net.ipv4.conf.rs0.arp_announce=2
  for v in "$VIP" "$VIP_MIXED" "$VIP_NOREAL"; do ns "$rs" ip addr add "$v/32" dev lo; done
  enable_ipv6 "$rs" rs0
  ns "$rs" ip addr add "$NET6:$((10 + $1))/64" dev rs0 nodad
  ns "$rs" ip addr add "$VIP6/128" dev lo nodad
  start "$rs" "rs$1" "$PYTHON" "$HERE/realserver.py" "rs$1" 80 5300 "$VIP" "$VIP6"
}

nat_server_up() { # n: one-armed, on the same bridge, in their own subnet, answering through the director
  local nat=$LAB_PREFIX-nat$1
  ip netns add "$nat"
  link_to_switch "$nat" rs0 "sw-nat$1"
  ns "$nat" ip addr add "$NAT_NET.$((10 + $1))/24" dev rs0
  ns "$nat" ip route add default via "$NAT_GATEWAY"
  enable_ipv6 "$nat" rs0
  ns "$nat" ip addr add "$NAT_NET6:$((10 + $1))/64" dev rs0 nodad
  ns "$nat" ip -6 route add default via "$NAT_GATEWAY6"
  # every probe to the closed port 5399 draws its ICMP port unreachable (no per-host rate limit)
  ns "$nat" sysctl -qw net.ipv4.icmp_ratelimit=0
  start "$nat" "nat$1" "$PYTHON" "$HERE/realserver.py" "nat$1" 8080,80 5300 0.0.0.0 ::
}

router_up() {
  # The router between the director's network and the tunnel real servers' (the director's default
  # gateway): one leg, two subnets, so it forwards out the interface a packet came in on.
  ip netns add "$GW"
  link_to_switch "$GW" gw0 sw-gw
  ns "$GW" ip addr add "$GW_IP/24" dev gw0
  ns "$GW" ip addr add "$GW_TUN_IP/24" dev gw0
  ns "$GW" sysctl -qw net.ipv4.ip_forward=1 \
    net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.default.send_redirects=0 net.ipv4.conf.gw0.send_redirects=0 \
    net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 net.ipv4.conf.gw0.rp_filter=0
  enable_ipv6 "$GW" gw0
  ns "$GW" sysctl -qw net.ipv6.conf.all.forwarding=1
  ns "$GW" ip addr add "$GW_IP6/64" dev gw0 nodad
  ns "$GW" ip addr add "$GW_TUN_IP6/64" dev gw0 nodad
}

tun_server_up() { # n
  local tun=$LAB_PREFIX-tun$1
  ip netns add "$tun"
  link_to_switch "$tun" rs0 "sw-tun$1"
  ns "$tun" ip addr add "$TUN_NET.$((10 + $1))/24" dev rs0
  ns "$tun" ip route add default via "$GW_TUN_IP"
  ns "$tun" sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 \
    net.ipv4.conf.rs0.arp_ignore=1 net.ipv4.conf.rs0.arp_announce=2 net.ipv4.icmp_ratelimit=0 \
    net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 net.ipv4.conf.rs0.rp_filter=0 \
    net.ipv4.conf.lo.rp_filter=0
  for v in "$VIP_TUN" "$VIP_MIXED"; do ns "$tun" ip addr add "$v/32" dev lo; done
  enable_ipv6 "$tun" rs0
  ns "$tun" ip addr add "$TUN_NET6:$((10 + $1))/64" dev rs0 nodad
  ns "$tun" ip -6 route add default via "$GW_TUN_IP6"
  ns "$tun" ip addr add "$VIP6_TUN/128" dev lo nodad
  # The decapsulated packets come in here, from the client's address: no reverse-path filter.
  ns "$tun" ip tuntap add dev "$TUN_DEV" mode tun
  ns "$tun" sysctl -qw "net.ipv4.conf.$TUN_DEV.rp_filter=0"
  ns "$tun" sysctl -qw "net.ipv6.conf.$TUN_DEV.disable_ipv6=0"
  ns "$tun" ip link set "$TUN_DEV" up
  start "$tun" "tun$1" "$PYTHON" "$HERE/realserver.py" "tun$1" 80 5300 "$VIP_TUN" "$VIP6_TUN"
  start "$tun" "tun$1-decap" "$PYTHON" "$HERE/tundecap.py" "tun$1" "$TUN_NET.$((10 + $1))" "$TUN_DEV" \
    "$GUE_PORT" "$RUN/tun$1-decap.json" "$TUN_NET6:$((10 + $1))"
}

up() {
  down >/dev/null 2>&1 || true
  mkdir -p "$RUN"
  rm -f "$RUN"/*-decap.json "$RUN"/*-decap.json.tmp  # counters of the last run (down keeps them to read)
  make_switch

  # every namespace at once (each one's links are made in it, so none meets another by a name): a third of the
  # time of one after the other, on two cores
  local parts=() part
  client_up & parts+=($!)
  directors_up & parts+=($!)
  keepalived_box_up & parts+=($!)
  router_up & parts+=($!)
  for i in $(seq 1 "$RS_COUNT"); do dr_server_up "$i" & parts+=($!); done
  for i in $(seq 1 "$NAT_COUNT"); do nat_server_up "$i" & parts+=($!); done
  for i in $(seq 1 "$TUN_COUNT"); do tun_server_up "$i" & parts+=($!); done
  for part in "${parts[@]}"; do
    wait "$part" || { echo "lab: setting up a namespace failed (above)" >&2; exit 1; }
  done

  # Wait for every server to listen: DR from the client, NAT inside their namespaces (the client has no
  # route to them), TUN from the router (which proves their subnet too) and their decapsulators.
  for i in $(seq 1 "$RS_COUNT"); do
    wait_for "real server rs$i" ns "$CLI" curl -s -m 1 "http://$NET.$((10 + i))/" ||
      { cat "$RUN/rs$i.log" >&2; exit 1; }
  done
  for i in $(seq 1 "$NAT_COUNT"); do
    for port in 8080 80; do
      wait_for "real server nat$i:$port" ns "$LAB_PREFIX-nat$i" curl -s -m 1 "http://127.0.0.1:$port/" ||
        { cat "$RUN/nat$i.log" >&2; exit 1; }
    done
  done
  for i in $(seq 1 "$TUN_COUNT"); do
    wait_for "real server tun$i" ns "$GW" curl -s -m 1 "http://$TUN_NET.$((10 + i))/" ||
      { cat "$RUN/tun$i.log" >&2; exit 1; }
    wait_for "decapsulator of tun$i" test -s "$RUN/tun$i-decap.json" ||
      { cat "$RUN/tun$i-decap.log" >&2; exit 1; }
  done
  echo "lab: up (client $CLIENT_IP, VIP $VIP, real servers $NET.11-$NET.$((10 + RS_COUNT));" \
    "NAT VIP $VIP_NAT, real servers $NAT_NET.11-$NAT_NET.$((10 + NAT_COUNT)) via $NAT_GATEWAY;" \
    "TUN VIP $VIP_TUN, real servers $TUN_NET.11-$TUN_NET.$((10 + TUN_COUNT)) via router $GW_IP/$GW_TUN_IP;" \
    "mixed VIP $VIP_MIXED, no-server VIP $VIP_NOREAL)"
}

down() {
  for f in "$RUN"/*.pid; do
    [ -e "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
    rm -f "$f"
  done
  local namespaces
  namespaces=$(ip netns list | awk '{print $1}' |
    grep -E "^$LAB_PREFIX-(sw|cli|dir|dir2|ka|gw|rs[0-9]+|nat[0-9]+|tun[0-9]+)$" || true)
  # anything still running inside (a director, a server) goes with its namespace: asked in all of them, then
  # (a tenth of a second later) made
  for n in $namespaces; do
    for p in $(ip netns pids "$n" 2>/dev/null); do kill "$p" 2>/dev/null || true; done
  done
  [ -z "$namespaces" ] || sleep 0.1
  for n in $namespaces; do
    for p in $(ip netns pids "$n" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
    ip netns del "$n" 2>/dev/null || true
  done
  # the lab director's state (persisted connections, counters) and DPDK's runtime directory
  rm -rf /var/run/dpdk/jlvs-lab /var/run/dpdk/jlvs-lab2 /dev/shm/jlvs/lab /dev/shm/jlvs/lab2
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
