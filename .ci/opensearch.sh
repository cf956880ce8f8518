#!/usr/bin/env bash
# A throw-away 3-node OpenSearch 2.19 cluster on loopback for the tests.
#
#   eval "$(bash .ci/opensearch.sh)"   start it (or find it running), wait for green, print
#                                      export CONSORTIUM_OPENSEARCH_URL=http://127.0.0.1:…,…
#   bash .ci/opensearch.sh stop [N]    stop every node (or node N) with SIGTERM
#   bash .ci/opensearch.sh kill N      SIGKILL node N (the fault tests)
#   bash .ci/opensearch.sh start       start the nodes that are not running, wait for green
#   bash .ci/opensearch.sh wait        wait for green with every node in
#
# The engine's jars come from Maven Central (.ci/opensearch/pom.xml) into a cache folder
# once; the launcher (.ci/opensearch/src, the engine's own Node through its test framework's
# MockNode with the Netty4 and analysis-common modules) is compiled against them. Each node
# is a JVM with a small heap, its own HTTP and transport port and a data folder under
# $OPENSEARCH_DATA_DIR. The serial collector suits small heaps on few cores; with it the
# parent circuit breaker counts what the engine accounts for, not the heap in use (which
# holds garbage until the next collection, and so tripped under load: 429s). Production runs
# the official OpenSearch distribution with its own JVM options (G1, README).
#
# Environment (defaults): OPENSEARCH_CACHE_DIR (~/.cache/daodu-opensearch),
# OPENSEARCH_DATA_DIR (/tmp/daodu-opensearch), OPENSEARCH_HTTP_PORT (19201, then +1 a node),
# OPENSEARCH_TRANSPORT_PORT (19301), OPENSEARCH_HEAP (384m), OPENSEARCH_PROCESSORS (2),
# OPENSEARCH_CLUSTER_NAME (daodu-test), OPENSEARCH_WAIT_SECONDS (300). The ports lie below
# Linux's ephemeral range (32768–60999), so no outgoing connection can hold one at start.
set -euo pipefail
HERE=$(cd "$(dirname "$0")/opensearch" && pwd)
CACHE=${OPENSEARCH_CACHE_DIR:-$HOME/.cache/daodu-opensearch}
DATA=${OPENSEARCH_DATA_DIR:-/tmp/daodu-opensearch}
HTTP_BASE=${OPENSEARCH_HTTP_PORT:-19201}
TRANSPORT_BASE=${OPENSEARCH_TRANSPORT_PORT:-19301}
HEAP=${OPENSEARCH_HEAP:-384m}
PROCESSORS=${OPENSEARCH_PROCESSORS:-2}
CLUSTER=${OPENSEARCH_CLUSTER_NAME:-daodu-test}
WAIT_SECONDS=${OPENSEARCH_WAIT_SECONDS:-300}
NODES=(0 1 2)

say() { echo "opensearch.sh: $*" >&2; }
# What `eval "$(…)"` runs when we fail: the message, and a failing status.
fail() { echo "echo 'opensearch.sh: $*' >&2; false"; say "$*"; exit 1; }

urls() {
  local list=() i
  for i in "${NODES[@]}"; do list+=("http://127.0.0.1:$((HTTP_BASE + i))"); done
  (IFS=,; echo "${list[*]}")
}

pid_of() {  # the node's pid when it runs, else nothing
  local file="$DATA/node-$1.pid"
  [ -f "$file" ] && kill -0 "$(cat "$file")" 2>/dev/null && cat "$file" || true
}

build() {
  # The cache is keyed by the pom and the launcher's source: a change rebuilds it.
  local key stamp="$CACHE/stamp"
  key=$(cat "$HERE/pom.xml" "$HERE"/src/main/java/daodu/ci/*.java | sha256sum | cut -c1-16)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$key" ]; then return; fi
  command -v java >/dev/null && command -v javac >/dev/null || fail "Java 17 (java, javac) not found (apt-get install openjdk-17-jdk-headless)"
  command -v mvn >/dev/null || fail "Maven not found (apt-get install maven)"
  say "fetching OpenSearch's jars with Maven into $CACHE"
  rm -rf "$CACHE/lib" "$CACHE/classes"; mkdir -p "$CACHE/classes"
  mvn -q -B -Dstyle.color=never -f "$HERE/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
      -DoutputDirectory="$CACHE/lib" >&2 || fail "Maven could not fetch OpenSearch's jars"
  javac -nowarn -d "$CACHE/classes" -cp "$CACHE/lib/*" "$HERE"/src/main/java/daodu/ci/*.java >&2 \
      || fail "the test cluster's launcher did not compile"
  echo "$key" > "$stamp"
}

start_node() {
  local i=$1 home="$DATA/node-$1" seeds=() names=() j
  [ -n "$(pid_of "$i")" ] && return
  for j in "${NODES[@]}"; do seeds+=("127.0.0.1:$((TRANSPORT_BASE + j))"); names+=("node-$j"); done
  mkdir -p "$home/tmp" "$home/data" "$home/logs"
  # setsid: the node outlives the shell that started it (the test run), in a session of its own.
  setsid java -Xms"$HEAP" -Xmx"$HEAP" -XX:+UseSerialGC -Xss1m -XX:MaxDirectMemorySize=256m \
    -Djava.awt.headless=true -Dfile.encoding=UTF-8 -Djna.nosys=true -Djava.io.tmpdir="$home/tmp" \
    -Dio.netty.noUnsafe=true -Dio.netty.noKeySetOptimization=true \
    -Dio.netty.recycler.maxCapacityPerThread=0 -Dio.netty.allocator.numDirectArenas=0 \
    -Dlog4j.shutdownHookEnabled=false -Dlog4j2.disable.jmx=true ${OPENSEARCH_JAVA_OPTS:-} \
    -cp "$CACHE/classes:$CACHE/lib/*" daodu.ci.ClusterNode \
    cluster.name="$CLUSTER" node.name="node-$i" path.home="$home" path.data="$home/data" \
    path.logs="$home/logs" network.host=127.0.0.1 http.port=$((HTTP_BASE + i)) \
    transport.port=$((TRANSPORT_BASE + i)) node.processors="$PROCESSORS" \
    discovery.seed_hosts="$(IFS=,; echo "${seeds[*]}")" \
    cluster.initial_cluster_manager_nodes="$(IFS=,; echo "${names[*]}")" \
    cluster.routing.allocation.disk.threshold_enabled=false indices.breaker.total.use_real_memory=false \
    </dev/null >"$home/node.log" 2>&1 &
  echo $! > "$DATA/node-$i.pid"
}

wait_green() {
  local deadline=$((SECONDS + WAIT_SECONDS)) health i
  while ((SECONDS < deadline)); do
    for i in "${NODES[@]}"; do
      [ -n "$(pid_of "$i")" ] || fail "node $i exited; see $DATA/node-$i/node.log"
    done
    health=$(curl -s -m 10 "http://127.0.0.1:$HTTP_BASE/_cluster/health?wait_for_status=green&wait_for_nodes=${#NODES[@]}&timeout=5s" || true)
    case "$health" in *'"status":"green"'*'"timed_out":false'*|*'"timed_out":false'*'"status":"green"'*) return ;; esac
    sleep 1
  done
  fail "the cluster was not green within ${WAIT_SECONDS}s; see $DATA/node-*/node.log"
}

stop_node() {  # $1 node, $2 signal
  local pid; pid=$(pid_of "$1")
  [ -n "$pid" ] || return 0
  kill "-$2" "$pid" 2>/dev/null || true
  for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  rm -f "$DATA/node-$1.pid"
}

case "${1:-up}" in
  up|start)
    build
    # `up` starts a throw-away cluster afresh (`start` brings back stopped nodes, data kept)
    if [ "${1:-up}" = up ] && [ -z "$(for i in "${NODES[@]}"; do pid_of "$i"; done)" ]; then rm -rf "$DATA"; fi
    mkdir -p "$DATA"
    for i in "${NODES[@]}"; do start_node "$i"; done
    wait_green
    if [ "${1:-up}" = up ]; then echo "export CONSORTIUM_OPENSEARCH_URL=$(urls)"; fi
    ;;
  wait) wait_green ;;
  stop)
    if [ -n "${2:-}" ]; then stop_node "$2" TERM; else for i in "${NODES[@]}"; do stop_node "$i" TERM; done; fi ;;
  kill) stop_node "${2:?node number}" KILL ;;
  urls) urls ;;
  *) say "usage: $0 [up|start|wait|stop [N]|kill N|urls]"; exit 2 ;;
esac
