#!/usr/bin/env bash
# Packet-rate benchmark over net_memif: io.jlvs.perf.PacketGenerator (memif server) against
#   1. dpdk-testpmd --forward-mode=io       (the generator's own ceiling: the cheapest possible peer)
#   2. dpdk-testpmd --forward-mode=macswap  (the reference forwarder)
#   3. io.jlvs.perf.BenchDirector           (one ForwardingAgent, wrr service, 3 real servers) forwarding by
#      director: DR   nat: NAT to port 8080   tun: IPIP   gue: GUE with checksums   gre: GRE with checksums
#      newconn: DR where every packet is a SYN of a new flow (PacketGenerator --new-conns): new connections per second,
#      each scheduled, inserted and forwarded, in a table of NEWCONN_CAPACITY (default 16M) so it never fills
#      flood, flood-defended: DR's established flows while FLOOD_PCT (50) of the bursts are SYNs of spoofed new flows,
#      in a table of FLOOD_CAPACITY (262144) that the flood fills; -defended with drop_entry and secure_tcp 1 (on
#      while fewer than FLOOD_AMEMTHRESH entries are free); rx_ack_mpps is what the established flows got through
#      capture: DR with a jlvs capture of every frame running (BenchDirector --capture CAPTURE_RATE, default 10000
#      frames/s, the command's default): what a capture an operator left running costs forwarding;
#      capture-filtered: the same with a filter no frame passes (CAPTURE_FILTER, "udp port 9"): every frame examined
#      agents2: DR with two agents on two memif queues, run in turn on the one peer CPU (a CompositeAgent): about
#      half the packets reach the agent that does not own their connection and go over the rings, so
#      ratio_agents2_director is what owning connections costs per packet on one CPU, not scaling
# each for T seconds after a warm-up, one after the other in the same run; prints the Mpps of each and the ratio
# of each director phase to testpmd-macswap. Placement: the generator JVM on GEN_CPU, every peer on PEER_CPU (taskset; EAL lcores
# on the same CPU), both at nice -20 so the other engineers' builds on this 2-core box do not take time slices from
# the pollers (they get ~1 % of the two CPUs for the run's duration).
#
# usage: perf/run-packet-rate.sh            (from anywhere; env overrides below)
#   T=5 WARMUP=5 FLOWS=131072 GEN_CPU=0 PEER_CPU=1 MEM=auto|huge|nohuge NICE=-20 PROFILE=0|1
#   PHASES="io macswap director nat tun agents2" ROUNDS=1 DIRECTOR_ARGS="--entries-per-segment 64" BUILD=auto|always|never
#   RATE=1.0 (Mpps: the generator paces itself to it, so latency is measured below saturation; empty: full speed)
#   RECORD=1 (each round's SUMMARY line, dated, is appended under "## Latest" in perf/RESULTS.md; 0: not)
#   QUIET_LOAD=1.0 QUIET_WAIT=600   (before each round, wait up to QUIET_WAIT s for the 1-min load average to drop
#                                    below QUIET_LOAD: other engineers share this box)
# Logs (and director-<method>.jfr with PROFILE=1) go to perf/target/packet-rate/<time>/.
set -euo pipefail

T=${T:-5}
WARMUP=${WARMUP:-5}
FLOWS=${FLOWS:-131072}
GEN_CPU=${GEN_CPU:-0}
PEER_CPU=${PEER_CPU:-1}
MEM=${MEM:-auto}
NICE=${NICE:--20}
PROFILE=${PROFILE:-0}
PHASES=${PHASES:-io macswap director nat tun}
ROUNDS=${ROUNDS:-1}
QUIET_LOAD=${QUIET_LOAD:-}
QUIET_WAIT=${QUIET_WAIT:-600}
DIRECTOR_ARGS=${DIRECTOR_ARGS:-}
BUILD=${BUILD:-auto}
RECORD=${RECORD:-1}
RATE=${RATE:-}
NEWCONN_CAPACITY=${NEWCONN_CAPACITY:-16777216}
FLOOD_PCT=${FLOOD_PCT:-50}
FLOOD_CAPACITY=${FLOOD_CAPACITY:-262144}
FLOOD_AMEMTHRESH=${FLOOD_AMEMTHRESH:-65536}
CAPTURE_RATE=${CAPTURE_RATE:-10000}
CAPTURE_FILTER=${CAPTURE_FILTER:-udp port 9}
SUMMARIES=()
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA=$JAVA_HOME/bin/java
JFR=$JAVA_HOME/bin/jfr
TESTPMD=${TESTPMD:-/usr/bin/dpdk-testpmd}

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PERF=$ROOT/perf
JAR=$PERF/target/jlvs-perf-0.1.0-SNAPSHOT.jar
ARGS_FILE=$PERF/target/jlvs.jvm.args
CP="$JAR:$PERF/target/lib/*"
RUN_DIR=/run/jlvs-perf
SOCK=$RUN_DIR/memif.sock
READY=$RUN_DIR/generator.ready
TP_PREFIX=jlvs-perf-tp-$$
LOG_DIR=$PERF/target/packet-rate/$(date +%Y%m%d-%H%M%S)
GEN_MAC=02:00:00:00:00:01
DIR_MAC=02:00:00:00:00:02

PIDS=()
PREFIXES=()
MOUNTED_HUGETLBFS=0
OLD_NR_HUGEPAGES=

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# ------------------------------------------------------------------------------------------------ cleanup
stop_pid() { # pid [signal]: signal, wait up to 5 s, then KILL
    local pid=$1 sig=${2:-TERM} i
    kill -0 "$pid" 2>/dev/null || return 0
    kill -"$sig" "$pid" 2>/dev/null || true
    for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
    log "pid $pid did not stop on $sig: KILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    for pid in "${PIDS[@]}"; do stop_pid "$pid" TERM; done
    rm -f "$SOCK" "$READY"
    rmdir "$RUN_DIR" 2>/dev/null || true
    for p in "${PREFIXES[@]}"; do rm -rf "/var/run/dpdk/$p"; done
    if [[ -n $OLD_NR_HUGEPAGES ]]; then
        echo "$OLD_NR_HUGEPAGES" > /proc/sys/vm/nr_hugepages || true
        log "hugepages: nr_hugepages restored to $OLD_NR_HUGEPAGES"
    fi
    if [[ $MOUNTED_HUGETLBFS == 1 ]]; then umount /dev/hugepages 2>/dev/null && rmdir /dev/hugepages 2>/dev/null || true; fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------------------------------------------ build
if [[ $BUILD == always || ( $BUILD == auto && ( ! -f $JAR || ! -f $ARGS_FILE || -n $(find "$ROOT/pom.xml" \
        "$ROOT/bindings/pom.xml" "$ROOT/bindings/src/main" "$ROOT/dataplane/pom.xml" "$ROOT/dataplane/src/main" \
        "$PERF/pom.xml" "$PERF/src/main" -newer "$JAR" -type f 2>/dev/null | head -1) ) ) ]]; then
    log "building: mvn -o -q -pl bindings,dataplane,perf -am package -DskipTests"
    (cd "$ROOT" && mvn -o -q -pl bindings,dataplane,perf -am package -DskipTests)
fi
[[ -f $JAR && -f $ARGS_FILE ]] || { log "missing $JAR or $ARGS_FILE"; exit 1; }
read -r -a JVM_FLAGS < "$ARGS_FILE"
for required in -Dchronicle.analytics.disable=true -Dchronicle.announcer.disable=true; do
    [[ " ${JVM_FLAGS[*]} " == *" $required "* ]] || { log "$ARGS_FILE lacks $required"; exit 1; }
done
if [[ ! -x $TESTPMD ]]; then
    log "installing dpdk-dev for $TESTPMD"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dpdk-dev >/dev/null 2>&1 ||
        { DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dpdk-dev >/dev/null; }
fi
[[ -x $TESTPMD ]] || { log "no $TESTPMD (Debian: apt-get install dpdk-dev)"; exit 1; }
PINGPONG=$PERF/target/cpu_pingpong
if [[ ! -x $PINGPONG || $PERF/src/main/c/cpu_pingpong.c -nt $PINGPONG ]]; then
    cc -O2 -pthread -o "$PINGPONG" "$PERF/src/main/c/cpu_pingpong.c" || PINGPONG=
fi
cpu_rtt() { [[ -n $PINGPONG ]] && "${NICE_CMD[@]}" "$PINGPONG" "$GEN_CPU" "$PEER_CPU" || echo na; }

# ------------------------------------------------------------------------------------------------ memory
# Hugepages, because cross-process net_memif with --no-huge ran ~0.4 Mpps here (testpmd txonly -> rxonly)
# against ~19 Mpps with hugepages; --no-huge is only the fallback.
NEED_PAGES=192   # two processes at a time, -m 128 each (64 x 2 MiB pages), plus slack
huge_free() { awk '/HugePages_Free/ {print $2}' /proc/meminfo; }
hugetlbfs_mounted() { awk '$3 == "hugetlbfs" {found=1} END {exit !found}' /proc/mounts; }
use_huge=0
if [[ $MEM != nohuge ]]; then
    if ! hugetlbfs_mounted && [[ $(id -u) == 0 ]]; then
        mkdir -p /dev/hugepages && mount -t hugetlbfs nodev /dev/hugepages && MOUNTED_HUGETLBFS=1
        log "hugepages: mounted hugetlbfs on /dev/hugepages (unmounted at exit)"
    fi
    if hugetlbfs_mounted; then
        free=$(huge_free)
        if (( free < NEED_PAGES )) && [[ $(id -u) == 0 ]]; then
            OLD_NR_HUGEPAGES=$(cat /proc/sys/vm/nr_hugepages)
            echo $(( OLD_NR_HUGEPAGES + NEED_PAGES - free )) > /proc/sys/vm/nr_hugepages || true
            log "hugepages: nr_hugepages $OLD_NR_HUGEPAGES -> $(cat /proc/sys/vm/nr_hugepages) (restored at exit)"
        fi
        (( $(huge_free) >= NEED_PAGES )) && use_huge=1
    fi
    if [[ $MEM == huge && $use_huge == 0 ]]; then log "MEM=huge but $NEED_PAGES free 2 MiB hugepages unavailable"; exit 1; fi
fi
if [[ $use_huge == 1 ]]; then
    MEM_ARGS=(-m 128 --huge-unlink)
    MEM_DESC="hugepages (2 MiB, -m 128 --huge-unlink per process)"
else
    MEM_ARGS=(--no-huge -m 512)
    MEM_DESC="--no-huge -m 512 (WARNING: cross-process memif is ~50x slower without hugepages here)"
fi

NICE_CMD=()
[[ -n $NICE ]] && NICE_CMD=(nice -n "$NICE")

mkdir -p "$RUN_DIR" "$LOG_DIR"
log "logs in $LOG_DIR; memory: $MEM_DESC; generator on CPU $GEN_CPU, peers on CPU $PEER_CPU, nice ${NICE:-0}"

# ------------------------------------------------------------------------------------------------ phases
start_generator() { # name wait_arp [queues [extra generator options]] -> GEN_PID
    local name=$1 wait_arp=$2 queues=${3:-1} extra=${4:-}
    [[ -n $RATE ]] && extra="$extra --rate $RATE"
    rm -f "$SOCK" "$READY"
    # shellcheck disable=SC2086
    "${NICE_CMD[@]}" taskset -c "$GEN_CPU" "$JAVA" "${JVM_FLAGS[@]}" -cp "$CP" io.jlvs.perf.PacketGenerator \
        --cpu "$GEN_CPU" --socket "$SOCK" --ready-file "$READY" --role server --flows "$FLOWS" \
        --warmup "$WARMUP" --seconds "$T" --wait-arp "$wait_arp" --peer "$name" --queues "$queues" $extra \
        -- "${MEM_ARGS[@]}" > "$LOG_DIR/generator-$name.log" 2>&1 &
    GEN_PID=$!
    PIDS+=("$GEN_PID")
    PREFIXES+=("jlvs-perf-gen-$GEN_PID")
    # Start the peer only once the generator's port is started (it writes READY after rte_eth_dev_start): EAL
    # creates the memif socket earlier, and every peer should meet the same, started, server.
    local i
    for i in $(seq 300); do
        [[ -S $SOCK && -f $READY ]] && return 0
        kill -0 "$GEN_PID" 2>/dev/null || { cat "$LOG_DIR/generator-$name.log" >&2; log "generator died"; exit 1; }
        sleep 0.1
    done
    log "generator did not create $SOCK and $READY within 30 s"; exit 1
}

wait_generator() { # name -> RESULT_LINE
    local name=$1 limit=$(( WARMUP + T + 180 )) i
    for i in $(seq $(( limit * 10 ))); do
        kill -0 "$GEN_PID" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$GEN_PID" 2>/dev/null; then log "generator ($name) still running after ${limit}s"; exit 1; fi
    wait "$GEN_PID" || { cat "$LOG_DIR/generator-$name.log" >&2; log "generator ($name) failed"; exit 1; }
    RESULT_LINE=$(grep '^RESULT' "$LOG_DIR/generator-$name.log") || { log "no RESULT from generator ($name)"; exit 1; }
}

field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<< "$1"; }

run_testpmd() { # mode -> RESULT_LINE
    local mode=$1
    PHASE_RTT=$(cpu_rtt)
    log "phase testpmd-$mode: load $(cut -d' ' -f1-3 /proc/loadavg), CPU $GEN_CPU<->$PEER_CPU cache-line RTT $PHASE_RTT ns"
    start_generator "testpmd-$mode" 0
    "${NICE_CMD[@]}" "$TESTPMD" --lcores="0@$PEER_CPU,1@$PEER_CPU" "${MEM_ARGS[@]}" --file-prefix "$TP_PREFIX" \
        --no-pci --no-shconf --no-telemetry --log-level=warning \
        --vdev="net_memif0,role=client,socket=$SOCK,socket-abstract=no,mac=$DIR_MAC" -- \
        --forward-mode="$mode" --stats-period 3600 --no-mlockall --total-num-mbufs=16384 \
        > "$LOG_DIR/testpmd-$mode.log" 2>&1 < /dev/null &
    local tp=$!
    PIDS+=("$tp")
    PREFIXES+=("$TP_PREFIX")
    wait_generator "testpmd-$mode"
    stop_pid "$tp" INT
}

run_director() { # method [agents [newconn|flood|flood-defended|capture|capture-filtered]] -> RESULT_LINE
    local method=$1 agents=${2:-1} kind=${3:-}
    local name=director-$method gen_extra="" dir_extra="" filter_args=()
    (( agents > 1 )) && name=director-$method-${agents}agents
    if [[ $kind == newconn ]]; then  # every packet a new connection: a table with room for the whole run
        name=director-$method-newconn gen_extra="--new-conns" dir_extra="--capacity $NEWCONN_CAPACITY"
    elif [[ $kind == flood* ]]; then  # established flows under a SYN flood that fills the table
        name=director-$method-$kind gen_extra="--syn-flood $FLOOD_PCT" dir_extra="--capacity $FLOOD_CAPACITY"
        [[ $kind == flood-defended ]] && dir_extra="$dir_extra --drop-entry 1 --secure-tcp 1 --amemthresh $FLOOD_AMEMTHRESH"
    elif [[ $kind == capture* ]]; then  # a capture of every frame (or of none), bounded at CAPTURE_RATE
        name=director-$method-$kind dir_extra="--capture $CAPTURE_RATE"
        [[ $kind == capture-filtered ]] && filter_args=(--capture-filter "$CAPTURE_FILTER")
        (( FLOWS > 262144 )) && dir_extra="$dir_extra --capacity $FLOWS"
    elif (( FLOWS > 262144 )); then  # room for every flow (bytes_per_conn is then the table's as made for them)
        dir_extra="--capacity $FLOWS"
    fi
    PHASE_RTT=$(cpu_rtt)
    log "phase $name: load $(cut -d' ' -f1-3 /proc/loadavg), CPU $GEN_CPU<->$PEER_CPU cache-line RTT $PHASE_RTT ns"
    start_generator "$name" 3 "$agents" "$gen_extra"
    local jfr_args=()
    [[ $PROFILE == 1 ]] && jfr_args=("-XX:StartFlightRecording=filename=$LOG_DIR/$name.jfr,settings=profile")
    # shellcheck disable=SC2086
    "${NICE_CMD[@]}" taskset -c "$PEER_CPU" "$JAVA" "${JVM_FLAGS[@]}" "${jfr_args[@]}" -cp "$CP" \
        io.jlvs.perf.BenchDirector --cpu "$PEER_CPU" --socket "$SOCK" --role client \
        --max-seconds $(( WARMUP + T + 180 )) --method "$method" --agents "$agents" $dir_extra "${filter_args[@]}" $DIRECTOR_ARGS \
        -- "${MEM_ARGS[@]}" \
        > "$LOG_DIR/$name.log" 2>&1 &
    local dir=$!
    PIDS+=("$dir")
    PREFIXES+=("jlvs-perf-dir-$dir")
    local i
    wait_generator "$name"
    for i in $(seq 300); do kill -0 "$dir" 2>/dev/null || break; sleep 0.1; done   # it stops on link down
    stop_pid "$dir" TERM
    grep '^RESULT' "$LOG_DIR/$name.log" || true
}

wait_quiet() {
    [[ -n $QUIET_LOAD ]] || return 0
    local waited=0 l
    while :; do
        l=$(cut -d' ' -f1 /proc/loadavg)
        awk -v l="$l" -v t="$QUIET_LOAD" 'BEGIN {exit !(l < t)}' && break
        if (( waited >= QUIET_WAIT )); then log "load still $l after ${waited}s: running anyway"; break; fi
        sleep 5; waited=$(( waited + 5 ))
    done
    log "load $(cut -d' ' -f1-3 /proc/loadavg) after waiting ${waited}s"
}

declare -A MPPS RTT P99 ACKS
for round in $(seq "$ROUNDS"); do
    wait_quiet
    for phase in $PHASES; do
        case $phase in
            io|macswap) run_testpmd "$phase"; name="testpmd-$phase" ;;
            director) run_director dr; name=director ;;
            nat|tun|gue|gre) run_director "$phase"; name="director-$phase" ;;
            agents2) run_director dr 2; name="director-dr-2agents" ;;
            newconn) run_director dr 1 newconn; name="director-dr-newconn" ;;
            capture|capture-filtered) run_director dr 1 "$phase"; name="director-dr-$phase" ;;
            flood|flood-defended) run_director dr 1 "$phase"; name="director-dr-$phase" ;;
            *) log "unknown phase $phase"; exit 1 ;;
        esac
        line=$RESULT_LINE
        echo "$line"
        MPPS[$round.$phase]=$(field "$line" rx_mpps)
        P99[$round.$phase]=$(field "$line" lat_p99_us)
        ACKS[$round.$phase]=$(field "$line" rx_ack_mpps)
        RTT[$round.$phase]=$PHASE_RTT
        log "round $round $name: $(field "$line" rx_mpps) Mpps, latency p50/p99/p99.9 $(field "$line" lat_p50_us) /" \
            "$(field "$line" lat_p99_us) / $(field "$line" lat_p999_us) us (generator tx_full $(field "$line" tx_full_pct) %," \
            "rx_empty_poll $(field "$line" rx_empty_poll_pct) %, loss $(field "$line" loss_pct) %)"
    done
done

echo "placement: generator JVM taskset -c $GEN_CPU (EAL -l $GEN_CPU); testpmd --lcores 0@$PEER_CPU,1@$PEER_CPU;" \
    "director JVM taskset -c $PEER_CPU (agent pinned to CPU $PEER_CPU, EAL -l $PEER_CPU); nice ${NICE:-0}; $MEM_DESC"
echo "Mpps per phase (@ CPU-pair cache-line RTT in ns measured just before it: the host's vCPU placement)"
printf '%-6s' round; for phase in $PHASES; do printf '%16s' "$phase"; done; printf '%10s\n' "DR ratio"
for round in $(seq "$ROUNDS"); do
    printf '%-6s' "$round"
    for phase in $PHASES; do printf '%16s' "${MPPS[$round.$phase]}@${RTT[$round.$phase]}"; done
    ratio=na
    if [[ -n ${MPPS[$round.director]:-} && -n ${MPPS[$round.macswap]:-} ]]; then  # DR against the reference
        ratio=$(awk -v d="${MPPS[$round.director]}" -v m="${MPPS[$round.macswap]}" 'BEGIN {printf "%.3f", d / m}')
    fi
    printf '%10s\n' "$ratio"
    summary="SUMMARY round=$round flows=$FLOWS t_s=$T rate=${RATE:-max} io_mpps=${MPPS[$round.io]:-na} macswap_mpps=${MPPS[$round.macswap]:-na}"
    for phase in $PHASES; do  # p99 of each phase, in microseconds; under a flood, what the established flows got
        summary="$summary ${phase}_p99_us=${P99[$round.$phase]:-na}"
        [[ $phase == flood* ]] && summary="$summary ${phase}_ack_mpps=${ACKS[$round.$phase]:-na}"
    done
    for phase in director nat tun gue gre newconn capture capture-filtered flood flood-defended; do
        [[ -n ${MPPS[$round.$phase]:-} ]] || continue
        r=na
        [[ -n ${MPPS[$round.macswap]:-} ]] &&
            r=$(awk -v d="${MPPS[$round.$phase]}" -v m="${MPPS[$round.macswap]}" 'BEGIN {printf "%.3f", d / m}')
        summary="$summary ${phase}_mpps=${MPPS[$round.$phase]} ratio_${phase}_macswap=$r"
    done
    if [[ -n ${MPPS[$round.agents2]:-} && -n ${MPPS[$round.director]:-} ]]; then
        summary="$summary agents2_mpps=${MPPS[$round.agents2]} ratio_agents2_director=$(awk -v a="${MPPS[$round.agents2]}" \
            -v d="${MPPS[$round.director]}" 'BEGIN {printf "%.3f", a / d}')"
    fi
    echo "$summary goal=0.8"
    SUMMARIES+=("$(date -u +%Y-%m-%dT%H:%M:%SZ) ${summary#SUMMARY } goal=0.8")
done
# one machine-readable line per round, appended under "## Latest" in perf/RESULTS.md (RECORD=0: not)
if [[ $RECORD == 1 && ${#SUMMARIES[@]} -gt 0 ]]; then
    results="$ROOT/perf/RESULTS.md"
    if ! grep -q '^## Latest$' "$results"; then
        echo "perf/RESULTS.md has no '## Latest' heading: nothing recorded" >&2
        SUMMARIES=()
    fi
    for line in "${SUMMARIES[@]}"; do
        # before the closing fence of the Latest block
        awk -v add="$line" 'BEGIN { in_latest = 0; done = 0 }
            /^## Latest$/ { in_latest = 1 }
            in_latest && !done && /^```$/ { fences++; if (fences == 2) { print add; done = 1 } }
            { print }' "$results" > "$results.tmp" && mv "$results.tmp" "$results"
    done
    [[ ${#SUMMARIES[@]} -gt 0 ]] && echo "recorded ${#SUMMARIES[@]} line(s) under ## Latest in perf/RESULTS.md"
fi
echo "(Mpps received back by the generator over ${T}s after ${WARMUP}s warm-up; compare only within a round)"

for jfr in "$LOG_DIR"/director-*.jfr; do
    [[ $PROFILE == 1 && -f $jfr ]] || continue
    echo "$(basename "$jfr" .jfr) profile (JFR execution samples of thread fwd-0, by the first dataplane call on the stack):"
    "$JFR" print --events jdk.ExecutionSample --stack-depth 64 "$jfr" | awk '
        function flush() { if (inev && fwd) { n++; b = "other"; for (i = 0; i < nk; i++) if (index(st, k[i])) { b = k[i]; break }; c[b]++ } }
        BEGIN { nk = split("ConnTable.expire ConnTable.lookup ConnTable.update ConnTable.insert PacketParser.parse " \
                 "ServiceTable.find ConnStateMachine FlowCache DrXmit.xmit NatXmit TunXmit NatRewrite InetChecksum " \
                 "Egress NeighbourTable ArpHandler DpdkPort.rxBurst TxBuffer.flush IpvsIn.onPacket " \
                 "IpvsOut.onPacket BurstClassifier ForwardingAgent.onPacket ForwardingAgent.doWork", kk, " ");
                for (i = 1; i <= nk; i++) k[i - 1] = kk[i] }
        /^jdk.ExecutionSample/ { flush(); inev = 1; fwd = 0; st = ""; next }
        /sampledThread = "fwd-0"/ { fwd = 1 }
        inev { st = st $0 "\n" }
        END { flush(); for (b in c) printf "  %5.1f %%  %s\n", 100 * c[b] / n, b | "sort -rn"; close("sort -rn"); print "  (" n " samples)" }'
done
