#!/usr/bin/env bash
# Lab HTTP benchmark: wrk in the client namespace against nginx real servers, through each balancer in turn, in one
# run, on the lab of config/lab/lab.sh (network namespaces on one bridge; nothing leaves them). Run as root, Debian 12.
#
# Phases, one after the other (PHASES, in this order by default):
#   setup     installs wrk, haproxy and nginx's stream module (Debian packages) if missing; builds jlvs if it is
#             not built; refuses to start if any jlvs-* namespace exists (someone else's lab: `lab.sh down` first);
#             brings the lab up and replaces its Python real servers with nginx (one worker each): :80 in jlvs-rs1..3,
#             :8080 in jlvs-nat1..3, each answering `return 200 "rsN"` with keep-alive of up to 100000 requests
#   direct    wrk to one real server's own address, 198.18.0.11: no balancer at all, the ceiling
#   testpmd   the L2 hop: dpdk-testpmd in jlvs-dir on veth dir0 with the director's own port devargs (net_af_packet,
#             qpairs=1, --no-huge -m 512 as config/lab/director.conf gives the director), --forward-mode=mac
#             --port-topology=loop with jlvs-rs1's MAC as its peer. The client has a permanent neighbour entry sending
#             the VIP 198.18.0.10 to dir0's MAC; testpmd rewrites the MACs and sends each frame back out of dir0 to
#             rs1, which holds the VIP on lo (as a DR real server does) and answers the client directly. So this is
#             DR with one real server and no lookup at all: the same veth, PMD, queue and return path as jlvs DR.
#   jlvs      the jlvs director (config/bin/jlvs director, config/lab/director.conf with a benchmark ldirectord.cf:
#             rr over the three real servers (BALANCE_RS), weight 1) once per value of IDLE_SLEEP_MAX (0: the agent
#             spins; N: it backs off to sleeping up to N us when idle), each time DR (198.18.0.10 ->
#             198.18.0.11..13:80) and NAT (198.18.0.20 -> 198.18.1.11..13:8080), after JLVS_WARMUP s of wrk on each
#             path; its state directory is emptied between runs
#   haproxy   HAProxy (mode tcp, nbthread 1, balance roundrobin over 198.18.0.11..13:80) in jlvs-dir, in the
#             director's place: the DPDK director is not running, and the namespace's kernel holds 198.18.0.2/24 and
#             the VIP 198.18.0.10/32 on dir0 (ARP on for it) for the time of the phase
#   nginx     nginx `stream` (worker_processes 1, proxy_pass to an upstream of the same three), the same way
# Each target gets a warm-up of WARMUP s, then wrk -t THREADS -c CONNS -d DURATION --latency, once keep-alive
# and once with a new connection per request (-H 'Connection: close', each after its own warm-up): req/s and the
# p99 of wrk's latency distribution. Around each measured run the script reads /proc: the busy and softirq share
# of each CPU, and the CPU time of the processes in the client's, the balancer's (jlvs-dir) and the real servers'
# namespaces, and the balancer's threads' run and runqueue-wait time (schedstat), from 0.5 s into wrk's run to
# 1.5 s before its end; with jlvs it keeps `jlvs stat` before and after, and testpmd's port statistics when it
# stops; all in the log directory.
#
# Placement (PIN=1, the default; the box has 2 CPUs): wrk on CLIENT_CPU (0), the nginx real servers on SERVER_CPU
# (0), the balancer on BAL_CPU (1): the director's settings say `cores = BAL_CPU` (its forwarding agent pins
# itself there; its JVM's other threads and the EAL main thread, control-core 0, are left to the scheduler, as the
# director places them itself: DIRECTOR_PIN), testpmd --lcores 0@BAL_CPU,1@BAL_CPU, HAProxy and nginx stream
# taskset to BAL_CPU.
# PIN=0 pins nothing but the agent and testpmd's lcores (they pin themselves): what a new user trying it gets.
# The kernel's own share goes where the veth sends it: a frame a process sends is carried through the bridge and
# into the receiver's TCP stack in softirq on the sender's CPU, so the real servers' receive work lands on the
# balancer's CPU when it sends them a request.
#
# Finally it prints a table (and, RECORD=1, records it, dated, under "## Lab HTTP" in perf/RESULTS.md, keeping the
# newest RECORD_KEEP tables) with the ratios the goal names: jlvs DR / testpmd hop, and, with a new connection per
# request, jlvs DR / the better proxy and their p99. Everything it started is stopped and the lab torn down
# (lab.sh down) at the end and on failure or Ctrl-C.
#
# usage: perf/run-lab-http.sh     (as root; env overrides below)
#   DURATION=8 WARMUP=2 CONNS=32 THREADS=1 IDLE_SLEEP_MAX="0 100" PIN=1 CLIENT_CPU=0 SERVER_CPU=0 BAL_CPU=1
#   BALANCE_RS=3   how many of the three real servers jlvs, HAProxy and nginx stream balance (1: rs1 alone, as
#              the testpmd hop has)
#   DIRECTOR_PIN=0  the director places itself: its agent pinned to BAL_CPU (cores), its other threads (host path,
#              compiler, GC, checks) where the scheduler puts them; 1: the whole JVM taskset to BAL_CPU, as HAProxy
#              and testpmd are. Measured (PHASES=jlvs): with 1 the host-path thread, waking ~850 times a second,
#              preempts the spinning agent on its own CPU, which then waits for it 4-20 % of the time; with 0, 3-8 %
#   JLVS_WARMUP=3   s of wrk on each of the director's four paths (DR, NAT; keep-alive, new connections) before
#              any is measured: a fresh JVM is still compiling them after WARMUP alone (C2 took 14 % of a CPU
#              during NAT's measured run without it)
#   PHASES="direct testpmd jlvs haproxy nginx" RECORD=0|1 RECORD_KEEP=3 CONN_TABLE_SIZE=1048576 BUILD=auto|never
#   NICE=-20   every process the script starts leads its own session, whose autogroup gets this nice (with
#              autogroups, the scheduler shares a CPU between sessions first: a process's own nice would not keep
#              another engineer's build, in its session, from half of the balancer's CPU); empty: left at 0
#   QUIET_LOAD=1.0 QUIET_WAIT=300   first wait up to QUIET_WAIT s for the 1-min load average to drop below
#              QUIET_LOAD (other engineers share the box); "rest" in the logs is the CPU none of the benchmark's
#              processes used during a run (softirq outside them, and anyone else's work): a big one means noise;
#              NOISE_REST=30 (% of one CPU): over it, the table marks the figure with "!"
#   TUNE_CLIENT=1  the client namespace gets ports 1024-65535 and tcp_tw_reuse=1, a load generator's usual settings
#              (0: lab.sh's 50000-60999, no reuse). Through a proxy wrk closes first (the response comes before the
#              proxy passes on the server's FIN), so the client, not the real server, keeps each TIME_WAIT: 5490 of
#              the lab's 11000 ports after 8 s at ~3.8k new connections/s, and connect() searching for a free one
#              is then the client's cost, not the proxy's
# Logs (wrk output, configurations, counters) go to perf/target/lab-http/<time>/.
set -euo pipefail

DURATION=${DURATION:-8}
WARMUP=${WARMUP:-2}
CONNS=${CONNS:-32}
THREADS=${THREADS:-1}
IDLE_SLEEP_MAX=${IDLE_SLEEP_MAX:-0 100}
PIN=${PIN:-1}
CLIENT_CPU=${CLIENT_CPU:-0}
SERVER_CPU=${SERVER_CPU:-0}
BAL_CPU=${BAL_CPU:-1}
PHASES=${PHASES:-direct testpmd jlvs haproxy nginx}
RECORD=${RECORD:-0}
RECORD_KEEP=${RECORD_KEEP:-3}
CONN_TABLE_SIZE=${CONN_TABLE_SIZE:-1048576}
BUILD=${BUILD:-auto}
NICE=${NICE--20}
QUIET_LOAD=${QUIET_LOAD-1.0}
QUIET_WAIT=${QUIET_WAIT:-300}
NOISE_REST=${NOISE_REST:-30}
TUNE_CLIENT=${TUNE_CLIENT:-1}
JLVS_WARMUP=${JLVS_WARMUP:-3}
BALANCE_RS=${BALANCE_RS:-3}
DIRECTOR_PIN=${DIRECTOR_PIN:-0}
TESTPMD=${TESTPMD:-/usr/bin/dpdk-testpmd}

ROOT=$(cd "$(dirname "$0")/.." && pwd)
LAB=$ROOT/config/lab
JLVS=$ROOT/config/bin/jlvs
LOG_DIR=$ROOT/perf/target/lab-http/$(date +%Y%m%d-%H%M%S)
RUN=/run/jlvs-lab              # lab.sh's: pid files and logs of what runs in the namespaces
TP_PREFIX=jlvs-http-tp-$$
HZ=$(getconf CLK_TCK)
NCPU=$(nproc)

CLI=jlvs-cli
DIR=jlvs-dir
VIP=198.18.0.10
VIP_NAT=198.18.0.20
DIP=198.18.0.2
RS_IPS=(198.18.0.11 198.18.0.12 198.18.0.13)
NAT_IPS=(198.18.1.11 198.18.1.12 198.18.1.13)
# the director's port, as config/lab/director.conf gives it: testpmd drives the same veth with the same PMD
PORT=$(sed -n 's/^port *= *//p' "$LAB/director.conf")
HTTP_PACKAGES=(wrk haproxy nginx libnginx-mod-stream)

PIDS=()          # what this script started in the background, stopped at exit
LAB_UP=0
LAB_ID=          # inode of /run/netns/jlvs-cli as this script made it
declare -A RPS P99 ERRS CPU LABEL
KEYS=()

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
ns() { ip netns exec "$1" "${@:2}"; }

# ------------------------------------------------------------------------------------------------ cleanup
stop_pid() { # pid [signal]: signal, wait up to 10 s, then KILL
    local pid=$1 sig=${2:-TERM} i
    kill -0 "$pid" 2>/dev/null || return 0
    kill -"$sig" "$pid" 2>/dev/null || true
    for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }; sleep 0.1; done
    log "pid $pid did not stop on $sig: KILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    local pid
    for pid in "${PIDS[@]}"; do stop_pid "$pid" TERM; done
    if [[ $LAB_UP == 1 ]]; then
        if [[ -n $LAB_ID && $(stat -c %i /run/netns/jlvs-cli 2>/dev/null) != "$LAB_ID" ]] && ip netns list | grep -q '^jlvs-'; then
            # lab.sh up (someone else's tests) took the lab down and made its own while this ran: it is not ours
            log "the lab was replaced while this ran (someone else's lab.sh up): not taking theirs down"
        else
            bash "$LAB/lab.sh" down >/dev/null 2>&1 || log "lab.sh down failed"
            log "lab: down"
        fi
    fi
    rm -rf "/var/run/dpdk/$TP_PREFIX"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

boost() { # pid: once it leads its own session (setsid), its session's autogroup gets NICE
    [[ -n $NICE ]] || return 0
    local i sid
    for i in $(seq 100); do
        sid=$(awk '{ sub(/.*\) /, ""); print $4 }' "/proc/$1/stat" 2>/dev/null) || return 0
        # never before: until then the autogroup is the caller's
        if [[ $sid == "$1" ]]; then echo "$NICE" > "/proc/$1/autogroup" || log "pid $1: autogroup nice not set"; return 0; fi
        sleep 0.01
    done
    log "pid $1 did not lead its own session: its autogroup keeps nice 0"
}

start_bg() { # name ns|- command...: runs it in the namespace (-: here), in its own session, in the background
    local name=$1 n=$2   # -> BG_PID; output in LOG_DIR/name.log
    # ip and setsid exec the command (setsid does not fork: a background job leads no process group), so $! is its pid
    if [[ $n == - ]]; then setsid "${@:3}" > "$LOG_DIR/$name.log" 2>&1 < /dev/null &
    else ip netns exec "$n" setsid "${@:3}" > "$LOG_DIR/$name.log" 2>&1 < /dev/null &
    fi
    BG_PID=$!
    PIDS+=("$BG_PID")
    boost "$BG_PID"
}

wait_quiet() { # up to QUIET_WAIT s: no lab up (others' tests make theirs), and the load below QUIET_LOAD
    local waited=0 l
    while ip netns list | grep -q '^jlvs-'; do
        (( waited >= QUIET_WAIT )) && return 0   # lab_up says whose namespaces are in the way
        (( waited % 30 == 0 )) && log "a lab is up (jlvs-* namespaces, someone else's): waiting for it to go"
        sleep 5; waited=$(( waited + 5 ))
    done
    [[ -n $QUIET_LOAD ]] || return 0
    while :; do
        l=$(cut -d' ' -f1 /proc/loadavg)
        awk -v l="$l" -v t="$QUIET_LOAD" 'BEGIN { exit !(l < t) }' && break
        if (( waited >= QUIET_WAIT )); then log "load still $l after ${waited}s: running anyway"; return 0; fi
        (( waited % 30 == 0 )) && log "load $l: waiting for it to drop below $QUIET_LOAD (QUIET_LOAD)"
        sleep 5; waited=$(( waited + 5 ))
    done
    log "load $(cut -d' ' -f1-3 /proc/loadavg) after waiting ${waited}s"
}

wait_until() { # seconds what pid command...: retries the command every 0.2 s while pid lives
    local secs=$1 what=$2 pid=$3 i
    for i in $(seq $(( secs * 5 ))); do
        if "${@:4}" >/dev/null 2>&1; then return 0; fi
        if [[ $pid != - ]] && ! kill -0 "$pid" 2>/dev/null; then log "$what: the process exited"; return 1; fi
        sleep 0.2
    done
    log "$what: not ready after ${secs}s"
    return 1
}

curl_ok() { ns "$CLI" curl -sf -m 1 -o /dev/null "$1"; }

# ------------------------------------------------------------------------------------------------ setup
setup_host() {
    # shellcheck source=config/lab/host-setup.sh
    . "$LAB/host-setup.sh"
    jlvs_setup_host   # root, jlvs's own packages, JAVA_HOME for JDK 25
    local missing=() p
    for p in "${HTTP_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [[ -x $TESTPMD ]] || missing+=(dpdk-dev)
    if [[ ${#missing[@]} -gt 0 ]]; then
        log "installing ${missing[*]}"
        # no daemon may start on the host while they install (haproxy's and nginx's postinst would start theirs)
        local policy=/usr/sbin/policy-rc.d made_policy=0 rc=0
        if [[ ! -e $policy ]]; then
            printf '#!/bin/sh\n# perf/run-lab-http.sh: no daemon starts while packages install\nexit 101\n' > "$policy"
            chmod 755 "$policy"
            made_policy=1
        fi
        { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; } || rc=$?
        [[ $made_policy == 1 ]] && rm -f "$policy"
        [[ $rc == 0 ]] || { log "apt-get install ${missing[*]} failed"; exit 1; }
    fi
    [[ -f /usr/lib/nginx/modules/ngx_stream_module.so ]] || { log "no nginx stream module"; exit 1; }
    local built=$ROOT/controlplane/target/jlvs.jvm.args
    if [[ $BUILD != never && ! -f $built ]]; then
        log "building: mvn -B -o -q -DskipTests -DskipITs package"
        (cd "$ROOT" && mvn -B -o -q -DskipTests -DskipITs package)
    fi
    [[ -f $built ]] || { log "jlvs is not built ($built): mvn -DskipTests package"; exit 1; }
    for required in -Dchronicle.analytics.disable=true -Dchronicle.announcer.disable=true; do
        grep -q -- "$required" "$built" || { log "$built lacks $required"; exit 1; }
    done
}

PIN_CLIENT=() PIN_SERVER=() PIN_BAL=()
if [[ $PIN == 1 ]]; then
    PIN_CLIENT=(taskset -c "$CLIENT_CPU") PIN_SERVER=(taskset -c "$SERVER_CPU") PIN_BAL=(taskset -c "$BAL_CPU")
fi

nginx_rs_conf() { # name port -> the file
    local name=$1 port=$2 dir=$LOG_DIR/nginx-$1
    mkdir -p "$dir"
    cat > "$dir/nginx.conf" <<EOF
# a real server of perf/run-lab-http.sh
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 8192; }
http {
    access_log off;
    client_body_temp_path $dir/body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
    keepalive_requests 100000;
    default_type text/plain;
    server {
        listen $port reuseport backlog=4096;
        location / { return 200 "$name\n"; }
    }
}
EOF
    echo "$dir/nginx.conf"
}

start_real_servers() {
    local i n conf
    for i in 1 2 3; do
        for n in rs nat; do
            # lab.sh's Python real server goes; nginx takes its port (the DR ones' :80, the NAT ones' :8080)
            if [[ -f $RUN/$n$i.pid ]]; then
                stop_pid "$(cat "$RUN/$n$i.pid")" TERM
                rm -f "$RUN/$n$i.pid"
            fi
            local port=80
            [[ $n == nat ]] && port=8080
            conf=$(nginx_rs_conf "$n$i" "$port")
            # as lab.sh's start(): a pid file in RUN, so lab.sh down stops it too
            start_bg "nginx-$n$i" "jlvs-$n$i" "${PIN_SERVER[@]}" nginx -p "$(dirname "$conf")" -c "$conf" \
                -e "$(dirname "$conf")/error.log"
            echo "$BG_PID" > "$RUN/nginx-$n$i.pid"
        done
    done
    for i in 1 2 3; do
        wait_until 10 "nginx rs$i" - curl_ok "http://${RS_IPS[i-1]}/"
        wait_until 10 "nginx nat$i" - ns "jlvs-nat$i" curl -sf -m 1 -o /dev/null "http://127.0.0.1:8080/"
    done
    log "real servers: nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'), one worker each (rs1..3 :80, nat1..3 :8080)"
}

lab_up() {
    if ip netns list | grep -q '^jlvs-'; then
        log "jlvs-* namespaces exist (a lab is up, perhaps someone else's): config/lab/lab.sh down first"
        ip netns list | grep '^jlvs-' >&2
        exit 1
    fi
    LAB_UP=1
    bash "$LAB/lab.sh" up > "$LOG_DIR/lab-up.log" 2>&1 || { cat "$LOG_DIR/lab-up.log" >&2; exit 1; }
    LAB_ID=$(stat -c %i /run/netns/jlvs-cli)
    log "lab: up"
    if [[ $TUNE_CLIENT == 1 ]]; then
        ns "$CLI" sysctl -qw net.ipv4.ip_local_port_range="1024 65535" net.ipv4.tcp_tw_reuse=1
    fi
    start_real_servers
}

lab_mine() { # exits if the lab is no longer the one this script made (someone's lab.sh down or up)
    [[ $(stat -c %i /run/netns/jlvs-cli 2>/dev/null) == "$LAB_ID" ]] && return 0
    log "the lab was taken down or replaced while this ran (someone else's lab.sh?): stopping"
    exit 1
}

# ------------------------------------------------------------------------------------------------ measuring
pids_of() { # the processes in the client's, the balancer's (jlvs-dir) and the real servers' namespaces -> cli bal srv
    local n
    cli=$(ip netns pids jlvs-cli | tr '\n' ' ')
    bal=$(ip netns pids jlvs-dir | tr '\n' ' ')
    srv=$(for n in jlvs-rs1 jlvs-rs2 jlvs-rs3 jlvs-nat1 jlvs-nat2 jlvs-nat3; do ip netns pids "$n"; done | tr '\n' ' ')
}

snap() { # one line: uptime (s), CPU ticks of the processes of cli, bal and srv (pids_of) and of the thread fwd-0,
    # each CPU's /proc/stat fields, then "|" and the balancer's threads by name; all read in one pass of grep
    local p files=(/proc/uptime /proc/stat)
    for p in $cli $bal $srv; do files+=("/proc/$p/stat"); done
    for p in $bal $(pgrep -x 'ksoftirqd/[0-9]+'); do files+=("/proc/$p"/task/*/stat); done   # ksoftirqd with the threads
    for p in $bal $(pgrep -x 'ksoftirqd/[0-9]+'); do files+=("/proc/$p"/task/*/schedstat); done
    grep -sH '' "${files[@]}" | awk -v cli=" $cli" -v bal=" $bal" -v srv=" $srv" '
        function ticks(l) { sub(/.*\) /, "", l); split(l, v, " "); return v[12] + v[13] }   # utime + stime
        { f = substr($0, 1, index($0, ":") - 1); line = substr($0, length(f) + 2) }
        f == "/proc/uptime" { split(line, u, " "); t = u[1]; next }
        f == "/proc/stat" { if (line ~ /^cpu[0-9]+ /) { split(line, c, " "); for (i = 2; i <= 9; i++) cpus = cpus " " c[i] }; next }
        f ~ /\/task\/.*\/stat$/ { # the balancer'"'"'s threads, summed by name (blanks made _) after the CPU fields
            n = substr(line, index(line, "(") + 1); n = substr(n, 1, match(n, /\) [A-Z] /) - 1); gsub(/[ :]/, "_", n)
            th[n] += ticks(line); tid[substr(f, 1, length(f) - 4)] = n; if (n == "fwd-0") fwd = th[n]; next }
        f ~ /schedstat$/ { # ns on a CPU, ns runnable but waiting for one, times switched in
            n = tid[substr(f, 1, length(f) - 9)]; split(line, q, " "); run[n] += q[1]; wq[n] += q[2]; sl[n] += q[3]; next }
        { split(f, pp, "/"); k = " " pp[3] " "
          if (index(cli " ", k)) tc += ticks(line); else if (index(bal " ", k)) tb += ticks(line); else if (index(srv " ", k)) ts += ticks(line) }
        END { printf "%s %d %d %d %d%s |", t, tc, tb, ts, fwd, cpus
            for (n in th) printf " %s:%d:%d:%d:%d", n, th[n], run[n] / 1000, wq[n] / 1000, sl[n]; print "" }'
}

thread_diff() { # before after: the balancer's busiest threads over the run: % of one CPU on it, % of the time
    # runnable but waiting for a CPU (another thread had it), times switched in per second (schedstat)
    awk -v a="$1" -v b="$2" 'BEGIN {
        na = split(a, x, " "); nb = split(b, y, " "); t = y[1] - x[1]; if (t <= 0) exit
        for (i = 1; i <= na; i++) if (x[i] == "|") { for (j = i + 1; j <= na; j++) { split(x[j], kv, ":"); r[kv[1]] -= kv[3]; w[kv[1]] -= kv[4]; s[kv[1]] -= kv[5] }; break }
        for (i = 1; i <= nb; i++) if (y[i] == "|") { for (j = i + 1; j <= nb; j++) { split(y[j], kv, ":"); r[kv[1]] += kv[3]; w[kv[1]] += kv[4]; s[kv[1]] += kv[5] }; break }
        for (n in r) if (r[n] > 0) printf "%.1f %s %.1f %.0f\n", r[n] / 1e4 / t, n, w[n] / 1e4 / t, s[n] / t
    }' | sort -rn | head -6 | awk '{ printf "%s%s %s%% (waited %s%%, %s/s)", (NR > 1 ? ", " : ""), $2, $1, $3, $4 }'
}

cpu_diff() { # before after -> "cli=..% bal=..% srv=..% fwd0=..% cpu0=busy/sirq ..." (% of one CPU)
    awk -v hz="$HZ" -v n="$NCPU" -v a="$1" -v b="$2" 'BEGIN {
        split(a, x, " "); split(b, y, " "); t = y[1] - x[1]
        if (t <= 0) { printf "no samples"; exit }
        ours = 0
        for (g = 2; g <= 4; g++) { p[g] = 100 * (y[g] - x[g]) / hz / t; ours += p[g] }
        printf "cli=%.0f%% bal=%.0f%% srv=%.0f%% fwd0=%.0f%%", p[2], p[3], p[4], 100 * (y[5] - x[5]) / hz / t
        busy = 0
        for (c = 0; c < n; c++) {
            o = 5 + 8 * c; tot = 0
            for (f = 1; f <= 8; f++) tot += y[o + f] - x[o + f]
            if (tot <= 0) continue
            idle = (y[o + 4] - x[o + 4]) + (y[o + 5] - x[o + 5])
            busy += 100 * (tot - idle) / tot
            cpus = cpus sprintf(" cpu%d=%.0f/%.0f/%.0f", c, 100 * (tot - idle) / tot, 100 * (y[o + 3] - x[o + 3]) / tot,
                100 * (y[o + 7] - x[o + 7]) / tot)
        }
        printf " rest=%.0f%%%s", busy - ours, cpus
    }'
}

to_ms() { # wrk's duration ("812.00us", "1.23ms", "1.02s", "1.50m") -> ms
    awk -v v="$1" 'BEGIN {
        if (v ~ /us$/) { sub(/us$/, "", v); printf "%.2f", v / 1000 }
        else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.2f", v }
        else if (v ~ /m$/) { sub(/m$/, "", v); printf "%.2f", v * 60000 }
        else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.2f", v * 1000 }
        else printf "na" }'
}

jlvs_stat() { # file: the running director's counters, if one runs
    [[ -n ${DIRECTOR_PID:-} ]] || return 0
    "$JLVS" stat -i lab > "$1" 2>&1 || true
}

run_wrk() { # seconds mode url name [samples]: wrk, output in LOG_DIR/name.log
    # Started by a runner in its own session with the benchmark's priority, which, given a samples file, writes two
    # snapshots (snap) into it from inside wrk's run: 0.5 s after its start and 1.5 s before its end, while it lives.
    # This script, at nice 0 in its caller's autogroup, may not get a CPU until wrk has ended.
    local hdr=() win
    [[ $2 == nc ]] && hdr=(-H 'Connection: close')
    win=$(awk -v d="$1" 'BEGIN { print (d > 3 ? d - 2 : 0.5) }')   # from 0.5 s in to 1.5 s before the end
    # shellcheck disable=SC2016
    start_bg "$4" - bash -c "$(declare -f pids_of snap)"'
        samples=$1 win=$2; shift 2
        "$@" & w=$!
        if [[ -n $samples ]]; then sleep 0.5; pids_of; snap > "$samples"; sleep "$win"; snap >> "$samples"; fi
        wait "$w"' _ "${5:-}" "$win" \
        ip netns exec "$CLI" "${PIN_CLIENT[@]}" wrk -t "$THREADS" -c "$CONNS" -d "${1}s" --latency "${hdr[@]}" "$3"
    wait "$BG_PID"
}

measure() { # key label url: keep-alive, then a new connection per request
    local key=$1 label=$2 url=$3 mode out before after
    LABEL[$key]=$label
    KEYS+=("$key")
    for mode in ka nc; do
        out=$LOG_DIR/$key-$mode
        if [[ $WARMUP -gt 0 ]]; then run_wrk "$WARMUP" "$mode" "$url" "$key-$mode.warmup" || true; fi
        lab_mine
        jlvs_stat "$out.stat-before"
        run_wrk "$DURATION" "$mode" "$url" "$key-$mode.wrk" "$out.cpu-samples" ||
            { cat "$out.wrk.log" >&2; log "wrk failed ($key $mode)"; exit 1; }
        mv "$out.wrk.log" "$out.wrk"
        before=$(sed -n 1p "$out.cpu-samples")
        after=$(sed -n 2p "$out.cpu-samples")
        jlvs_stat "$out.stat-after"
        RPS[$key.$mode]=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$out.wrk")
        P99[$key.$mode]=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out.wrk")")
        ERRS[$key.$mode]=$(awk '/Socket errors:/ { gsub(",", ""); s += $4 + $6 + $8 + $10 }
            /Non-2xx or 3xx responses:/ { s += $NF } END { print s + 0 }' "$out.wrk")
        CPU[$key.$mode]=$(cpu_diff "$before" "$after")
        [[ $key == direct ]] || log "$key $mode: busiest threads of the balancer (and ksoftirqd), % of a CPU run (% waited for one, switches in/s): $(thread_diff "$before" "$after")"
        log "$label, $( [[ $mode == ka ]] && echo keep-alive || echo 'new connection each' ): ${RPS[$key.$mode]:-?} req/s," \
            "p99 ${P99[$key.$mode]} ms, errors ${ERRS[$key.$mode]}; CPU (% of one; cpuN=busy/sys/softirq) ${CPU[$key.$mode]}"
        [[ -n ${RPS[$key.$mode]} ]] || { cat "$out.wrk" >&2; log "no Requests/sec in wrk's output"; exit 1; }
    done
}

counter_delta() { # key mode "counter text": fwd-0's counter after minus before, from jlvs stat
    local f=$LOG_DIR/$1-$2
    awk -v c=" - fwd-0: $3" 'FNR == 1 { file++ } index($0, c) == length($0) - length(c) + 1 {
        v = $2; gsub(",", "", v); if (file == 1) b = v; else a = v } END { print a - b }' \
        "$f.stat-before" "$f.stat-after" 2>/dev/null || echo na
}

# ------------------------------------------------------------------------------------------------ phases
phase_direct() {
    log "phase direct: wrk to rs1 (${RS_IPS[0]}) itself"
    measure direct "direct to one real server" "http://${RS_IPS[0]}/"
}

phase_testpmd() {
    local rs_mac dir_mac tp
    rs_mac=$(ns jlvs-rs1 cat /sys/class/net/rs0/address)
    dir_mac=$(ns "$DIR" cat /sys/class/net/dir0/address)
    log "phase testpmd: --forward-mode=mac on $PORT (dir0 $dir_mac) to rs1 ($rs_mac), lcores on CPU $BAL_CPU"
    start_bg testpmd "$DIR" "$TESTPMD" --lcores "0@$BAL_CPU,1@$BAL_CPU" --no-huge -m 512 --file-prefix "$TP_PREFIX" \
        --no-pci --no-telemetry --log-level=warning --vdev "$PORT" -- \
        --forward-mode=mac --eth-peer="0,$rs_mac" --port-topology=loop --stats-period 3600 --no-mlockall \
        --total-num-mbufs=8192
    tp=$BG_PID
    ns "$CLI" ip neigh replace "$VIP" lladdr "$dir_mac" dev cli0 nud permanent
    wait_until 30 testpmd "$tp" curl_ok "http://$VIP/" || { cat "$LOG_DIR/testpmd.log" >&2; exit 1; }
    measure testpmd "testpmd L2 hop (mac, to rs1)" "http://$VIP/"
    stop_pid "$tp" INT   # it prints its port statistics as it stops
    ns "$CLI" ip neigh del "$VIP" dev cli0 2>/dev/null || true
    rm -rf "/var/run/dpdk/$TP_PREFIX"
    log "testpmd's port 0: $(awk '/Forward statistics for port 0/ { on = 1 } on && /RX-packets|TX-packets/ { gsub(/ +/, " "); printf "%s;", $0 }
        on && /^ *-+ *$/ && ++d == 1 { exit }' "$LOG_DIR/testpmd.log")"
}

bench_ldirectord() { # -> the file: DR and NAT over the three real servers of each, rr, weight 1, no checks
    local f=$LOG_DIR/ldirectord.cf i
    {
        echo "# perf/run-lab-http.sh: rr, the same three real servers HAProxy and nginx stream balance"
        echo "checktimeout=3"; echo "checkinterval=5"; echo "logfile=\"$LOG_DIR/ldirectord.log\""; echo "quiescent=yes"
        echo; echo "virtual=$VIP:80"
        for (( i = 0; i < BALANCE_RS; i++ )); do printf '\treal=%s:80 gate 1\n' "${RS_IPS[i]}"; done
        printf '\tscheduler=rr\n\tprotocol=tcp\n\tchecktype=on\n'
        echo; echo "virtual=$VIP_NAT:80"
        for (( i = 0; i < BALANCE_RS; i++ )); do printf '\treal=%s:8080 masq 1\n' "${NAT_IPS[i]}"; done
        printf '\tscheduler=rr\n\tprotocol=tcp\n\tchecktype=on\n'
    } > "$f"
    echo "$f"
}

phase_jlvs() { # idle-sleep-max
    local idle=$1 conf cf name
    cf=$(bench_ldirectord)
    conf=$LOG_DIR/director-$idle.conf
    # the lab's settings, with the benchmark's services, the agent on BAL_CPU and room for every connection of the run
    sed -e "s|^ldirectord-config *=.*|ldirectord-config = $cf|" -e "s|^cores *=.*|cores = $BAL_CPU|" \
        -e "s|^conn-table-size *=.*|conn-table-size = $CONN_TABLE_SIZE|" "$LAB/director.conf" > "$conf"
    echo "idle-sleep-max = $idle" >> "$conf"
    [[ $BAL_CPU != 0 ]] || sed -i 's|^control-core *=.*|control-core = 1|' "$conf"
    name=spinning
    [[ $idle != 0 ]] && name="idle-sleep-max $idle us"
    rm -rf /dev/shm/jlvs/lab /var/run/dpdk/jlvs-lab   # the last run's connections and counters
    log "phase jlvs ($name): config/bin/jlvs director -s $conf"
    local pin=()
    [[ $DIRECTOR_PIN == 1 ]] && pin=(taskset -c "$BAL_CPU")
    start_bg "director-$idle" "$DIR" "${pin[@]}" "$JLVS" director -s "$conf"
    DIRECTOR_PID=$BG_PID
    if ! wait_until 90 "director" "$DIRECTOR_PID" curl_ok "http://$VIP/" ||
        ! wait_until 30 "director (NAT)" "$DIRECTOR_PID" curl_ok "http://$VIP_NAT/"; then
        grep -v '^EAL:' "$LOG_DIR/director-$idle.log" >&2
        exit 1
    fi
    local u m
    if [[ $JLVS_WARMUP -gt 0 ]]; then
        for u in "http://$VIP/" "http://$VIP_NAT/"; do
            for m in ka nc; do run_wrk "$JLVS_WARMUP" "$m" "$u" "director-$idle-jit-warmup" || true; done
        done
    fi
    measure "jlvs-dr-$idle" "jlvs DR, $name" "http://$VIP/"
    measure "jlvs-nat-$idle" "jlvs NAT, $name" "http://$VIP_NAT/"
    stop_pid "$DIRECTOR_PID" TERM
    DIRECTOR_PID=
    rm -rf /dev/shm/jlvs/lab /var/run/dpdk/jlvs-lab
    local k m
    for k in "jlvs-dr-$idle" "jlvs-nat-$idle"; do
        for m in ka nc; do
            log "$k $m fwd-0: rx $(counter_delta "$k" "$m" "Packets received") tx $(counter_delta "$k" "$m" "Packets transmitted")" \
                "tx-full $(counter_delta "$k" "$m" "Dropped: transmit queue full") created $(counter_delta "$k" "$m" "Connections created")" \
                "no-neighbour $(counter_delta "$k" "$m" "Dropped: real server MAC unresolved") not-our-mac" \
                "$(counter_delta "$k" "$m" "Dropped: frame for another MAC address")"
        done
    done
}

kernel_vip() { # on|off: the director namespace's kernel holds the DIP and the VIP on dir0 (the proxies' phases)
    if [[ $1 == on ]]; then
        ns "$DIR" ip addr add "$DIP/24" dev dir0
        ns "$DIR" ip addr add "$VIP/32" dev dir0
        ns "$DIR" sysctl -qw net.ipv4.conf.dir0.arp_ignore=0
    else
        ns "$DIR" ip addr del "$VIP/32" dev dir0 2>/dev/null || true
        ns "$DIR" ip addr del "$DIP/24" dev dir0 2>/dev/null || true
        ns "$DIR" sysctl -qw net.ipv4.conf.dir0.arp_ignore=8   # as lab.sh leaves it: dir0 is DPDK's
    fi
    ns "$CLI" ip neigh flush dev cli0
}

phase_haproxy() {
    local cfg=$LOG_DIR/haproxy.cfg pid i
    {
        printf 'global\n\tnbthread 1\n\tmaxconn 8000\n\n'
        printf 'defaults\n\tmode tcp\n\ttimeout connect 5s\n\ttimeout client 60s\n\ttimeout server 60s\n\n'
        printf 'frontend fe\n\tbind %s:80\n\tdefault_backend rs\n\n' "$VIP"
        printf 'backend rs\n\tbalance roundrobin\n'
        for (( i = 0; i < BALANCE_RS; i++ )); do printf '\tserver rs%d %s:80\n' $((i + 1)) "${RS_IPS[i]}"; done
    } > "$cfg"
    kernel_vip on
    log "phase haproxy: $(haproxy -v | head -1), mode tcp, nbthread 1, on $VIP:80"
    start_bg haproxy "$DIR" "${PIN_BAL[@]}" haproxy -db -f "$cfg"
    pid=$BG_PID
    wait_until 20 haproxy "$pid" curl_ok "http://$VIP/" || { cat "$LOG_DIR/haproxy.log" >&2; exit 1; }
    measure haproxy "HAProxy, mode tcp" "http://$VIP/"
    stop_pid "$pid" TERM
    kernel_vip off
}

phase_nginx() {
    local dir=$LOG_DIR/nginx-stream pid
    mkdir -p "$dir"
    cat > "$dir/nginx.conf" <<EOF
# the nginx stream balancer of perf/run-lab-http.sh
load_module /usr/lib/nginx/modules/ngx_stream_module.so;
worker_processes 1;
worker_rlimit_nofile 16384;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 8000; }
stream {
    upstream rs { $(for (( i = 0; i < BALANCE_RS; i++ )); do printf 'server %s:80; ' "${RS_IPS[i]}"; done)}
    server { listen $VIP:80 backlog=4096; proxy_pass rs; }
}
EOF
    kernel_vip on
    log "phase nginx: nginx $(nginx -v 2>&1 | sed 's/.*nginx\///') stream, one worker, on $VIP:80"
    start_bg nginx-stream "$DIR" "${PIN_BAL[@]}" nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log"
    pid=$BG_PID
    wait_until 20 "nginx stream" "$pid" curl_ok "http://$VIP/" || { cat "$dir/error.log" >&2; exit 1; }
    measure nginx "nginx stream" "http://$VIP/"
    stop_pid "$pid" TERM
    kernel_vip off
}

# ------------------------------------------------------------------------------------------------ report
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "na"; else printf "%.2f", a / b }'; }

cpu_field() { sed -n "s/.*$2=\([^ ]*\).*/\1/p" <<< "${CPU[$1]:-}"; }

report() { # -> the Markdown table and the goal's ratios, on stdout
    local k mode cell
    echo "| target | keep-alive req/s | p99 ms | new conn. req/s | p99 ms | balancer CPU (ka / new) | CPU0 / CPU1 busy (new) |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    local noisy=""
    for k in "${KEYS[@]}"; do
        printf '| %s ' "${LABEL[$k]}"
        for mode in ka nc; do
            cell=${RPS[$k.$mode]}
            [[ ${ERRS[$k.$mode]} != 0 ]] && cell="$cell (${ERRS[$k.$mode]} errors)"
            local rest
            rest=$(cpu_field "$k.$mode" rest | tr -d %)
            if [[ -z $rest ]] || (( rest > NOISE_REST )); then
                cell="$cell !"
                noisy="$noisy ${LABEL[$k]} $( [[ $mode == ka ]] && echo keep-alive || echo new conn.) ${rest:-?} %;"
            fi
            printf '| %s | %s ' "$cell" "${P99[$k.$mode]}"
        done
        if [[ $k == direct ]]; then printf '| - '
        elif [[ $k == jlvs-* ]]; then printf '| %s / %s (fwd-0 %s / %s) ' "$(cpu_field "$k.ka" bal)" "$(cpu_field "$k.nc" bal)" \
            "$(cpu_field "$k.ka" fwd0)" "$(cpu_field "$k.nc" fwd0)"
        else printf '| %s / %s ' "$(cpu_field "$k.ka" bal)" "$(cpu_field "$k.nc" bal)"; fi
        printf '| %s / %s |\n' "$(cpu_field "$k.nc" cpu0 | cut -d/ -f1)%" "$(cpu_field "$k.nc" cpu1 | cut -d/ -f1)%"
    done
    echo
    [[ -n $noisy ]] && echo "! more than $NOISE_REST % of a CPU went to none of the benchmark's processes (someone else's work?):${noisy%;}" && echo
    local best="" best_rps=0 p idle dr
    for p in haproxy nginx; do
        local r=${RPS[$p.nc]:-}
        [[ -n $r ]] || continue
        if (( r > best_rps )); then best=$p best_rps=$r; fi
    done
    for idle in $IDLE_SLEEP_MAX; do
        dr=jlvs-dr-$idle
        [[ -n ${RPS[$dr.ka]:-} ]] || continue
        printf -- '- %s: / testpmd hop %s keep-alive, %s new conn. (goal >= 0.95)' "${LABEL[$dr]}" \
            "$(ratio "${RPS[$dr.ka]}" "${RPS[testpmd.ka]:-}")" "$(ratio "${RPS[$dr.nc]}" "${RPS[testpmd.nc]:-}")"
        if [[ -n $best ]]; then
            printf '; / the better proxy (%s) new conn. %s (goal >= 1.8), keep-alive %s; p99 new conn. %s ms vs %s ms, keep-alive %s vs %s (goal: no worse)' \
                "${LABEL[$best]}" "$(ratio "${RPS[$dr.nc]}" "${RPS[$best.nc]}")" "$(ratio "${RPS[$dr.ka]}" "${RPS[$best.ka]}")" \
                "${P99[$dr.nc]}" "${P99[$best.nc]}" "${P99[$dr.ka]}" "${P99[$best.ka]}"
        fi
        echo
    done
}

command_line() { # the command with the settings of this run
    local c="" v
    for v in DURATION WARMUP CONNS THREADS IDLE_SLEEP_MAX PIN DIRECTOR_PIN TUNE_CLIENT BALANCE_RS NICE; do
        [[ ${!v} == *" "* ]] && c="$c $v=\"${!v}\"" || c="$c $v=${!v}"
    done
    [[ $PHASES != "direct testpmd jlvs haproxy nginx" ]] && c="$c PHASES=\"$PHASES\""
    echo "${c# } perf/run-lab-http.sh"
}

placement() {
    local d="its agent (cores = $BAL_CPU)" over=""
    [[ $DIRECTOR_PIN == 1 ]] && d="taskset, its agent cores = $BAL_CPU"
    [[ $BALANCE_RS == 3 ]] || over="; the balancers over $BALANCE_RS real server(s)"
    if [[ $PIN == 1 ]]; then
        echo "wrk on CPU $CLIENT_CPU, the nginx real servers on CPU $SERVER_CPU, the balancer on CPU $BAL_CPU (jlvs: $d; testpmd: --lcores 0@$BAL_CPU,1@$BAL_CPU; HAProxy, nginx stream: taskset)$over"
    else
        echo "unpinned (PIN=0) but for jlvs: $d, and testpmd's lcores (CPU $BAL_CPU)$over"
    fi
}

record() { # file: the dated entry, newest first, under "## Lab HTTP" in perf/RESULTS.md, keeping RECORD_KEEP
    local results=$ROOT/perf/RESULTS.md entry=$1 begin='<!-- run-lab-http.sh: begin -->' end='<!-- run-lab-http.sh: end -->'
    if ! grep -qxF "$begin" "$results"; then
        printf '\n## Lab HTTP\n\n%s\n%s\n' "$begin" "$end" >> "$results"
    fi
    awk -v b="$begin" -v e="$end" -v f="$entry" -v keep="$RECORD_KEEP" '
        $0 == b { print; while ((getline l < f) > 0) print l; inblock = 1; n = 1; next }
        $0 == e { inblock = 0 }
        inblock { if (/^### /) n++; if (n <= keep) print; next }
        { print }' "$results" > "$results.tmp" && mv "$results.tmp" "$results"
    log "recorded under ## Lab HTTP in perf/RESULTS.md"
}

# ------------------------------------------------------------------------------------------------ main
mkdir -p "$LOG_DIR"
setup_host
log "logs in $LOG_DIR; $(placement); wrk -t $THREADS -c $CONNS -d ${DURATION}s after ${WARMUP}s of warm-up"
wait_quiet
lab_up
for phase in $PHASES; do
    lab_mine
    case $phase in
        direct) phase_direct ;;
        testpmd) phase_testpmd ;;
        jlvs) for idle in $IDLE_SLEEP_MAX; do phase_jlvs "$idle"; done ;;
        haproxy) phase_haproxy ;;
        nginx) phase_nginx ;;
        *) log "unknown phase $phase"; exit 1 ;;
    esac
done

table=$LOG_DIR/table.md
{
    echo "### $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo
    echo "\`$(command_line)\`: wrk $(wrk -v 2>&1 | head -1 | awk '{print $2}') -t $THREADS -c $CONNS, ${DURATION} s after ${WARMUP} s of warm-up, nginx real servers;"
    echo "$(placement). Balancer CPU: its processes' CPU time, % of one CPU; busy: the CPU's non-idle share."
    echo
    report
    echo
} > "$table"
echo
cat "$table"
[[ $RECORD == 1 ]] && record "$table"
log "done; logs in $LOG_DIR"
