#!/usr/bin/env bash
# A local Blackstart cluster on this machine, for trying it out and for end-to-end tests.
#
#   deploy/local/cluster.sh up [--coordinators N] [--agents N] [--etcd URL[,URL...]] [--prefix P] [--api-port PORT]
#                              [--base-port PORT] [--token TOKEN] [--insecure] [--skip-coordinators I[,J...]]
#   deploy/local/cluster.sh down
#   deploy/local/cluster.sh status
#
# `up` starts N coordinators (default 1; Artery on 127.0.0.1:BASE.., API on 127.0.0.1:PORT..) and N agents
# (default 2, node ids local-1, local-2, ...) against the local Docker engine; each agent only sees containers
# labelled with its node id. etcd is URL (default http://127.0.0.1:2379), or a comma-separated list of a
# cluster's members; if the default is not answering, an etcd is started from the installed binary, while an etcd
# given with --etcd that is not answering is only warned about (degraded recovery: recovery start
# --allow-stale-catalog). Each coordinator journals degraded-recovery assignments to <run>/coordinator-N-assignments.journal. `up` returns once the API answers and every agent has reported.
# --skip-coordinators 1 writes coordinator-1's config but never starts it (a first seed that never returns after a
# blackout); the others still list it as a seed, and `up` waits on the API of the first coordinator it started.
# Management endpoints (/alive, /ready, /cluster/members) on 127.0.0.1: coordinator-N on API port + 8 + N - 1,
# agent local-N on API port + 12 + N - 1 (so a --api-port range of 16 free ports holds them all).
# Logs, configs and pids go under deploy/local/run/ (or $BLACKSTART_RUN_DIR).
# Cluster traffic is mutual TLS 1.3: on its first `up` in a run directory it makes a CA and a key store per node
# with pki.sh under <run>/tls/ (coordinator-N role coordinator, local-N role agent; a random password in
# <run>/tls/password, mode 600, handed to the nodes through the environment). --insecure uses plain tcp.
# `down` stops what `up` started: not an etcd it did not start, and not the containers (a blackout leaves them
# to be recovered).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
run=${BLACKSTART_RUN_DIR:-$here/run}
dist="$root/deploy/target/blackstart"

usage() { sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
die() { echo "cluster.sh: $*" >&2; exit 1; }

coordinators=1 agents=2 etcd_url=http://127.0.0.1:2379 prefix=/blackstart api_port=7070 base_port=25520
token=${BLACKSTART_TOKEN:-local-dev-token} up_timeout=${BLACKSTART_UP_TIMEOUT:-90} insecure=0 skip=""

cmd=${1:-}; [ -n "$cmd" ] || usage; shift
while [ $# -gt 0 ]; do
  case "$1" in
    --coordinators) coordinators=${2:?}; shift 2 ;;
    --agents) agents=${2:?}; shift 2 ;;
    --etcd) etcd_url=${2:?}; shift 2 ;;
    --prefix) prefix=${2:?}; shift 2 ;;
    --api-port) api_port=${2:?}; shift 2 ;;
    --base-port) base_port=${2:?}; shift 2 ;;
    --token) token=${2:?}; shift 2 ;;
    --insecure) insecure=1; shift ;;
    --skip-coordinators) skip=${2:?}; shift 2 ;;
    -h|--help) usage ;;
    *) echo "cluster.sh: unknown option $1" >&2; usage ;;
  esac
done
for n in "$coordinators" "$agents" "$api_port" "$base_port" ${skip//,/ }; do
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "cluster.sh: '$n' is not a number" >&2; usage; }
done

etcd_healthy() { curl -fsS --max-time 2 "$1/health" 2>/dev/null | grep -q '"health":"true"'; }

start_etcd() {
  command -v etcd >/dev/null || die "etcd is not answering at $etcd_url and no etcd binary is installed (apt-get install etcd-server)"
  mkdir -p "$run/etcd-data"
  local port=${etcd_url##*:}; port=${port%%/*}
  nohup etcd --name bs-local --data-dir "$run/etcd-data" \
    --listen-client-urls "http://127.0.0.1:$port" --advertise-client-urls "http://127.0.0.1:$port" \
    --listen-peer-urls "http://127.0.0.1:$((port + 1))" \
    --initial-advertise-peer-urls "http://127.0.0.1:$((port + 1))" \
    --initial-cluster "bs-local=http://127.0.0.1:$((port + 1))" > "$run/etcd.log" 2>&1 &
  echo $! > "$run/etcd.pid"
  for _ in $(seq 1 50); do etcd_healthy "$etcd_url" && return 0; sleep 0.2; done
  die "started etcd but it is not healthy; see $run/etcd.log"
}

tls="$run/tls"

# The CA and a key store per node (made once per run directory; an existing one is reused).
setup_tls() {
  mkdir -p "$tls"
  chmod 700 "$tls"
  if [ ! -s "$tls/password" ]; then
    (umask 077; head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$tls/password")
  fi
  local pw name
  pw=$(cat "$tls/password")
  [ -e "$tls/ca.p12" ] || BLACKSTART_PKI_PASSWORD=$pw "$here/pki.sh" ca "$tls"
  for i in $(seq 1 "$coordinators"); do
    name=coordinator-$i
    [ -e "$tls/$name.p12" ] || BLACKSTART_PKI_PASSWORD=$pw "$here/pki.sh" node "$tls" "$name" coordinator
  done
  for i in $(seq 1 "$agents"); do
    name=local-$i
    [ -e "$tls/$name.p12" ] || BLACKSTART_PKI_PASSWORD=$pw "$here/pki.sh" node "$tls" "$name" agent
  done
}

transport_conf() { # node-name
  if [ "$insecure" = 1 ]; then
    echo 'pekko.remote.artery.transport = tcp'
    return
  fi
  cat <<CONF
include file("$root/deploy/config/tls.conf")
pekko.remote.artery.ssl.config-ssl-engine {
  key-store = "$tls/$1.p12"
  trust-store = "$tls/truststore.p12"
}
pekko.cluster.shutdown-after-unsuccessful-join-seed-nodes = 120s
CONF
}

seeds() {
  local s="" i
  for i in $(seq 1 "$coordinators"); do s+="\"pekko://blackstart@127.0.0.1:$((base_port + i - 1))\","; done
  echo "[${s%,}]"
}

start_node() { # name kind config-file
  local name=$1 kind=$2 conf=$3 pw=""
  [ "$insecure" = 1 ] || pw=$(cat "$tls/password")
  BLACKSTART_KEY_STORE_PASSWORD=$pw BLACKSTART_TRUST_STORE_PASSWORD=$pw \
  JAVA_OPTS="${JAVA_OPTS:-} -Xmx256m -XX:TieredStopAtLevel=1" \
    nohup bash "$dist/bin/blackstart" "$kind" --config "$conf" > "$run/$name.log" 2>&1 &
  echo $! > "$run/$name.pid"
}

up() {
  [ -f "$dist/bin/blackstart" ] || die "no distribution at $dist; build it first: mvn -q -DskipTests package"
  mkdir -p "$run"
  for f in "$run"/*.pid; do
    [ -e "$f" ] || continue
    if kill -0 "$(cat "$f")" 2>/dev/null && [ "$(basename "$f")" != etcd.pid ]; then
      die "a local cluster is already running (pid $(cat "$f") in $f); run: $0 down"
    fi
  done
  local u healthy=0
  for u in ${etcd_url//,/ }; do etcd_healthy "$u" && healthy=1; done
  if [ "$healthy" = 0 ]; then
    if [ "$etcd_url" = http://127.0.0.1:2379 ]; then
      echo "starting etcd at $etcd_url"
      start_etcd
    else
      echo "cluster.sh: warning: no etcd member answers at $etcd_url; starting anyway (nothing is started until" \
        "etcd answers or an operator runs: blackstart recovery start --allow-stale-catalog)" >&2
    fi
  fi
  local endpoints
  endpoints=$(sed 's/[^,][^,]*/"&"/g' <<<"$etcd_url")
  [ "$insecure" = 1 ] || setup_tls
  local i wait_port="" mgmt_base=$api_port
  for i in $(seq 1 "$coordinators"); do
    cat > "$run/coordinator-$i.conf" <<CONF
$(transport_conf "coordinator-$i")
pekko.remote.artery.canonical.port = $((base_port + i - 1))
pekko.cluster.seed-nodes = $(seeds)
blackstart.coordinator {
  etcd.endpoints = [$endpoints]
  etcd.prefix = "$prefix"
  api.host = "127.0.0.1"
  api.port = $((api_port + i - 1))
  management.port = $((mgmt_base + 8 + i - 1))
  api.token = \${?BLACKSTART_TOKEN}
  catalog-cache-file = "$run/coordinator-$i-catalog.json"
  recovery.assignment-journal-file = "$run/coordinator-$i-assignments.journal"
}
CONF
    if [[ ",$skip," == *",$i,"* ]]; then echo "not starting coordinator-$i (--skip-coordinators)"; continue; fi
    BLACKSTART_TOKEN=$token start_node "coordinator-$i" coordinator "$run/coordinator-$i.conf"
    [ -n "${wait_port:-}" ] || wait_port=$((api_port + i - 1))
  done
  [ -n "${wait_port:-}" ] || die "--skip-coordinators skips every coordinator"
  api_port=$wait_port
  for i in $(seq 1 "$agents"); do
    cat > "$run/agent-$i.conf" <<CONF
$(transport_conf "local-$i")
pekko.remote.artery.canonical.port = 0
pekko.cluster.seed-nodes = $(seeds)
blackstart.agent.node-id = "local-$i"
blackstart.agent.management.port = $((mgmt_base + 12 + i - 1))
CONF
    start_node "agent-$i" agent "$run/agent-$i.conf"
  done
  echo "waiting for the API on 127.0.0.1:$api_port and $agents agent(s)..."
  local deadline=$((SECONDS + up_timeout)) nodes
  while [ $SECONDS -lt $deadline ]; do
    for f in "$run"/coordinator-*.pid "$run"/agent-*.pid; do
      [ -e "$f" ] || continue
      kill -0 "$(cat "$f")" 2>/dev/null || die "$(basename "$f" .pid) exited; see $run/$(basename "$f" .pid).log"
    done
    nodes=$(curl -fsS --max-time 2 "http://127.0.0.1:$api_port/api/v1/nodes" 2>/dev/null || true)
    if [ -n "$nodes" ] && [ "$(grep -o '"nodeId"' <<<"$nodes" | wc -l)" -ge "$agents" ]; then
      echo "cluster up: API http://127.0.0.1:$api_port, $coordinators coordinator(s), $agents agent(s), etcd $etcd_url, prefix $prefix"
      return 0
    fi
    sleep 0.5
  done
  die "the cluster did not come up within ${up_timeout}s; see the logs in $run"
}

down() {
  [ -d "$run" ] || { echo "nothing to stop"; return 0; }
  local f pid
  for f in "$run"/agent-*.pid "$run"/coordinator-*.pid "$run"/etcd.pid; do
    [ -e "$f" ] || continue
    pid=$(cat "$f")
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -KILL "$pid" 2>/dev/null || true
      echo "stopped $(basename "$f" .pid) (pid $pid)"
    fi
    rm -f "$f"
  done
}

status() {
  local f
  for f in "$run"/*.pid; do
    [ -e "$f" ] || continue
    if kill -0 "$(cat "$f")" 2>/dev/null; then echo "$(basename "$f" .pid): running (pid $(cat "$f"))"
    else echo "$(basename "$f" .pid): exited"; fi
  done
}

case "$cmd" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) usage ;;
esac
