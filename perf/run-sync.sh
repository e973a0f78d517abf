#!/usr/bin/env bash
# Connection-sync benchmark (io.jlvs.perf.SyncBench): two sync daemons over Aeron on loopback, master 127.0.0.1,
# backup 127.0.0.2, each on its own thread as in a director; the catch-up of CONNS connections, then the stream
# for T seconds, first paced at RATE reports a second and then as fast as the ring takes them (connections a second
# delivered, messages a second, lag from report to delivery), then plain Aeron
# with messages of a full sync batch's size over the same loopback as the reference, in the same run.
#
# usage: perf/run-sync.sh        env: CONNS=100000 T=10 RATE=100000 ROUNDS=1 BUILD=auto|always|never
# Prints the RESULT lines of each round and the ratio of the stream's connections a second to the reference's.
set -euo pipefail

CONNS=${CONNS:-100000}
T=${T:-10}
RATE=${RATE:-100000}
ROUNDS=${ROUNDS:-1}
BUILD=${BUILD:-auto}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PERF=$ROOT/perf
JAR=$PERF/target/jlvs-perf-0.1.0-SNAPSHOT.jar
ARGS_FILE=$PERF/target/jlvs.jvm.args

if [[ $BUILD == always || ( $BUILD == auto && ( ! -f $JAR || -n $(find "$ROOT/dataplane/src/main" \
        "$ROOT/controlplane/src/main" "$PERF/src/main" "$ROOT/pom.xml" "$PERF/pom.xml" -newer "$JAR" -type f \
        2>/dev/null | head -1) ) ) ]]; then
    (cd "$ROOT" && mvn -o -q -pl bindings,dataplane,controlplane,perf -am package -DskipTests)
fi
read -r -a JVM_FLAGS < "$ARGS_FILE"
for round in $(seq 1 "$ROUNDS"); do
    echo "round $round: load $(cut -d' ' -f1-3 /proc/loadavg)"
    out=$("$JAVA_HOME/bin/java" "${JVM_FLAGS[@]}" -cp "$JAR:$PERF/target/lib/*" io.jlvs.perf.SyncBench \
        --conns "$CONNS" --seconds "$T" --rate "$RATE" 2>&1 | grep -E '^RESULT|Exception' || true)
    echo "$out"
    stream=$(sed -n 's/.*phase=stream seconds.* conns_per_s=\([0-9]*\).*/\1/p' <<< "$out")
    ref=$(sed -n 's/.*phase=aeron-reference.* conns_equivalent_per_s=\([0-9]*\).*/\1/p' <<< "$out")
    if [[ -n $stream && -n $ref && $ref != 0 ]]; then
        echo "round $round: ratio stream/aeron-reference $(awk -v a="$stream" -v b="$ref" 'BEGIN{printf "%.3f", a/b}')"
    fi
done
