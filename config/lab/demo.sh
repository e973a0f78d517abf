#!/usr/bin/env bash
# The main job: the jlvs director in the lab, balancing real traffic.
# Builds if needed, brings the lab up, starts the director from config/lab/ldirectord.cf, sends real HTTP
# requests from the client namespace to the VIP of each forwarding method (direct routing, NAT, tunnels), over
# IPv4 and IPv6, and
# prints which real server answered each, prints the director's "ipvsadm -L -n" and "--stats", and tears
# everything down (also on failure or Ctrl-C).
#   demo.sh [REQUESTS]     (default 30)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
REQUESTS=${1:-30}
# shellcheck source=host-setup.sh
. "$HERE/host-setup.sh"
jlvs_setup_host

cd "$ROOT"
built=controlplane/target/jlvs.jvm.args
if [ ! -f "$built" ] || [ -n "$(find pom.xml bindings dataplane controlplane -newer "$built" \
    \( -name '*.java' -o -name '*.c' -o -name '*.sh' -o -name pom.xml \) -not -path '*/target/*' -print -quit)" ]; then
  echo "== building (mvn -DskipTests package)"
  mvn -B -q -DskipTests package
fi

JLVS=$ROOT/config/bin/jlvs
LOG=$(mktemp /tmp/jlvs-director.XXXXXX.log)
DIRECTOR_PID=
cleanup() {
  status=$?
  trap - EXIT INT TERM
  if [ -n "$DIRECTOR_PID" ] && kill -0 "$DIRECTOR_PID" 2>/dev/null; then
    kill "$DIRECTOR_PID" 2>/dev/null || true
    wait "$DIRECTOR_PID" 2>/dev/null || true
  fi
  bash "$HERE/lab.sh" down >/dev/null 2>&1 || true
  [ "$status" -ne 0 ] && { echo "== director log:"; cat "$LOG"; }
  rm -f "$LOG"
  exit "$status"
}
trap cleanup EXIT INT TERM

echo "== lab"
bash "$HERE/lab.sh" up

echo "== director (config/lab/director.conf, config/lab/ldirectord.cf)"
ip netns exec jlvs-dir "$JLVS" director -s "$HERE/director.conf" >"$LOG" 2>&1 &
DIRECTOR_PID=$!
export JLVS_INSTANCE=lab
for _ in $(seq 1 300); do
  kill -0 "$DIRECTOR_PID" 2>/dev/null || { echo "director exited"; exit 1; }
  # ready once it has resolved every next hop: three DR and three NAT real servers, and the router
  if [ -S /run/jlvs/lab.sock ] && "$JLVS" stat -i lab 2>/dev/null |
      awk '/ - fwd-0: ARP replies received$/ { gsub(",", "", $2); if ($2 + 0 >= 7) arp = 1 }
           / - fwd-0: IPv6 neighbour advertisements received$/ { gsub(",", "", $2); if ($2 + 0 >= 7) nd = 1 }
           END { exit !(arp && nd) }'; then
    break
  fi
  sleep 0.2
done
grep -v '^EAL:' "$LOG" || true

requests() { # vip what first-port
  echo "== $REQUESTS HTTP requests from the client ($4) to $1 ($2), one connection each"
  ip netns exec jlvs-cli /usr/bin/python3 "$HERE/client.py" requests "http://$1/" "$REQUESTS" "$3" |
    awk '$1 == "total" { print; next } { printf "request %3d from port %5d answered by %s\n", $1, $2, $3 }'
}
requests 198.18.0.10 "direct routing, wrr 3:2:1" 40000 198.18.0.100
requests 198.18.0.20 "NAT to port 8080 of real servers behind the director, wrr 3:2:1" 41000 198.18.0.100
requests 198.18.0.30 "tunnels: IPIP, GUE and GRE, wrr 3:2:1" 42000 198.18.0.100
requests "[2001:db8::10]" "IPv6, direct routing, wrr 3:2:1" 43000 2001:db8::100
requests "[2001:db8::20]" "IPv6, NAT to real servers in 2001:db8:1::/64, wrr 3:2:1" 44000 2001:db8::100
requests "[2001:db8::30]" "IPv6 in IPv6 through the router, rr" 45000 2001:db8::100

echo "== ipvsadm -L -n"
"$JLVS" ipvsadm -L -n
echo "== ipvsadm -L -n --stats"
"$JLVS" ipvsadm -L -n --stats
