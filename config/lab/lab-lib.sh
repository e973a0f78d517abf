# shellcheck shell=bash
# Helpers of the lab scripts (lab.sh, services.sh), sourced by them. They use the caller's variables:
#   SW   the switch namespace (its bridge is br0)
#   RUN  where start puts pid files and logs

# a command in namespace $1: ip itself enters it (ip -n, no mount namespace to make), anything else by ip netns exec
ns() {
  if [ "$2" = ip ]; then
    ip -n "$1" "${@:3}"
  else
    ip netns exec "$1" "${@:2}"
  fi
}

quiet_offloads() {
  # Checksums and segmentation done in software, so af_packet hands DPDK finished frames.
  ns "$1" ethtool -K "$2" tso off gso off gro off tx off rx off >/dev/null 2>&1 || true
}

make_switch() { # the namespace $SW with the bridge br0
  ip netns add "$SW"
  ns "$SW" ip link set lo up
  ns "$SW" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  ns "$SW" ip link add br0 type bridge
  ns "$SW" ip link set br0 up
  # A switch forwards frames as they are: without this, br_netfilter (when loaded) validates bridged IPv4
  # and ARP headers and the director never sees the malformed frames it must count.
  ns "$SW" sysctl -qw net.bridge.bridge-nf-call-iptables=0 net.bridge.bridge-nf-call-ip6tables=0 \
    net.bridge.bridge-nf-call-arptables=0 2>/dev/null || true
}

link_to_switch() { # ns, ifname-in-ns, port-name-on-switch
  # made in their namespaces, so that no two namespaces being set up at once meet in this one by a name
  ip link add "$3" netns "$SW" type veth peer name "$2" netns "$1" numtxqueues 1 numrxqueues 1
  ns "$SW" ip link set "$3" master br0 up
  quiet_offloads "$SW" "$3"
  ns "$1" ip link set lo up
  ns "$1" ip link set "$2" up
  quiet_offloads "$1" "$2"
  ns "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
}

enable_ipv6() { # ns, ifname: IPv6 on, with no autoconfiguration and no router solicitations
  ns "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 "net.ipv6.conf.$2.disable_ipv6=0" \
    net.ipv6.conf.lo.disable_ipv6=0 "net.ipv6.conf.$2.accept_ra=0" "net.ipv6.conf.$2.autoconf=0" \
    "net.ipv6.conf.$2.router_solicitations=0" "net.ipv6.conf.$2.addr_gen_mode=1"
}

start() { # ns, name, command...: runs it in the namespace, pid in $RUN/name.pid, output in $RUN/name.log
  # ip and setsid exec the command, so $! is its pid (through the ns function it would be a subshell's)
  ip netns exec "$1" setsid "${@:3}" >"$RUN/$2.log" 2>&1 < /dev/null &
  echo $! > "$RUN/$2.pid"
}

wait_for() { # what, command...: retries the command for 5 s
  for _ in $(seq 1 50); do
    if "${@:2}" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "lab: $1 did not come up" >&2
  return 1
}
