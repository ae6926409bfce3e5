#!/usr/bin/env bash
# The compose topology (docker/docker-compose.yml) on this one machine, each node a real separate host: its own
# network namespace and host name, linked by veth pairs into a bridge this script creates, with the published
# binaries run under the same environment variables as the compose services. Five scenarios, each ending with the
# job's exact (prime_count, check_count) compared against `primecluster run FROM TIL --algorithm sieve --json`:
#   1. scale out:  a job starts on one worker host; two more join mid-job and receive batches;
#   2. node loss:  a worker host's process is killed (SIGKILL) mid-job;
#   3. partition:  a worker host's link is cut mid-job; the split brain resolver downs it, its batches are redone
#                  elsewhere, the link comes back, the stopped node restarts and rejoins, a second job is exact too;
#   4. seed loss:  seed-2 (not holding the coordinator) is killed mid-job; jobs keep being accepted by seed-1;
#   5. coordinator loss: seed-2 comes back, seed-1 (holding the coordinator) is killed mid-job; the coordinator
#                  starts on seed-2, resumes the job from its replicated checkpoint, and new jobs go to seed-2.
# Then every node is stopped with SIGTERM, as `docker compose stop` does, and must exit 0.
#
#   docker/netns-cluster.sh [PUBLISH_DIR]
# PUBLISH_DIR is output of docker/publish.sh (node/ and cli/); without it the script publishes into a temp dir.
# Needs root, iproute2 (ip netns), util-linux (unshare), curl, python3 and dotnet; without root or a usable
# `ip netns` it prints "netns-cluster: skipped: <reason>" and exits 0.
# Owns the addresses NETNS_SUBNET.0/24 (default 10.77.0.0/24), and the names pcn-* for namespaces and links.
# Everything it creates is removed on exit, failure included; NETNS_KEEP_LOGS=DIR copies the node logs there first.
set -euo pipefail

readonly subnet=${NETNS_SUBNET:-10.77.0}
readonly bridge=pcn-br0
readonly host_addr=$subnet.1
readonly seeds_env=akka.tcp://primecluster@seed-1:4053,akka.tcp://primecluster@seed-2:4053
readonly nodes=(seed-1 seed-2 worker-1 worker-2 worker-3)
declare -A addr=([seed-1]=$subnet.11 [seed-2]=$subnet.12 [worker-1]=$subnet.21 [worker-2]=$subnet.22 [worker-3]=$subnet.23)
declare -A pid=()
declare -a summary=()
start_us=${EPOCHREALTIME//[!0-9]/}
tmp=""
created_etc_netns=0
outcome=running # running, passed or skipped

log() { printf '[%6.1fs] %s\n' "$(elapsed)" "$*"; }
elapsed() {
  local us=$((${EPOCHREALTIME//[!0-9]/} - start_us))
  printf '%d.%d' $((us / 1000000)) $((us % 1000000 / 100000))
}
skip() {
  printf 'netns-cluster: skipped: %s\n' "$*"
  outcome=skipped
  exit 0
}
fail() {
  printf '\nnetns-cluster: FAILED: %s\n' "$*" >&2
  exit 1
}

# ---------------------------------------------------------------------------------------------------------------
# Preconditions: skip where namespaces cannot be had, fail where a tool the test needs is missing.
[[ $(id -u) -eq 0 ]] || skip "needs root (network namespaces, veth pairs and a bridge)"
command -v ip > /dev/null || skip "iproute2 (ip) is not installed"
for tool in curl python3 dotnet unshare flock; do
  command -v "$tool" > /dev/null || fail "$tool is not installed"
done
dotnet=$(command -v dotnet)

# One run at a time: the subnet and names are fixed. Leftovers of a run that was killed outright are removed.
lock=/run/lock/primecluster-netns.lock
[[ -d /run/lock && -w /run/lock ]] || lock=/tmp/primecluster-netns.lock
exec 9> "$lock"
flock -w 600 9 || fail "another netns-cluster run holds the lock for more than 10 minutes"

remove_network() {
  local ns link
  for ns in $(ip netns list 2> /dev/null | awk '$1 ~ /^pcn-/ {print $1}'); do
    # Only processes this script started live in its namespaces.
    ip netns pids "$ns" 2> /dev/null | xargs -r kill -KILL 2> /dev/null || true
    ip netns del "$ns" 2> /dev/null || true
  done
  for link in $(ip -o link show 2> /dev/null | awk -F': ' '{print $2}' | cut -d@ -f1 | grep '^pcn-' || true); do
    ip link del "$link" 2> /dev/null || true
  done
  rm -rf /etc/netns/pcn-*
}

if ! ip netns add pcn-probe 2> /dev/null || ! ip netns exec pcn-probe true 2> /dev/null; then
  ip netns del pcn-probe 2> /dev/null || true
  skip "ip netns is unusable here (ip netns add/exec failed)"
fi
ip netns del pcn-probe
remove_network

if ip -4 addr show | grep -q "inet $subnet\." || [[ -n $(ip -4 route show "$subnet.0/24") ]]; then
  fail "$subnet.0/24 is already in use on this host; choose another with NETNS_SUBNET (e.g. NETNS_SUBNET=10.78.0)"
fi

print_summary() {
  [[ ${#summary[@]} -gt 0 ]] || return 0
  printf '\n%-22s %-15s %-28s %-10s %-7s %-5s %s\n' scenario range "expected (primes, checks)" result job verdict notes
  local row
  for row in "${summary[@]}"; do
    IFS='|' read -r a b c d e f g <<< "$row"
    printf '%-22s %-15s %-28s %-10s %-7s %-5s %s\n' "$a" "$b" "$c" "$d" "$e" "$f" "$g"
  done
}

cleanup() {
  local status=$?
  set +e
  trap - EXIT INT TERM ERR
  if [[ $outcome == running ]]; then
    print_summary
    if [[ -n $tmp && -d $tmp/logs ]]; then
      local f
      for f in "$tmp"/logs/*.log; do
        [[ -f $f ]] || continue
        printf '\n----- %s (last 40 lines) -----\n' "$(basename "$f")" >&2
        tail -n 40 "$f" >&2
      done
    fi
  fi
  local name
  {
    for name in "${!pid[@]}"; do
      kill -KILL "${pid[$name]}"
    done
    for name in "${!pid[@]}"; do
      wait "${pid[$name]}"
    done
  } 2> /dev/null
  remove_network
  if [[ $created_etc_netns -eq 1 ]]; then
    rmdir /etc/netns 2> /dev/null
  fi
  if [[ -n $tmp && -d $tmp ]]; then
    if [[ -n ${NETNS_KEEP_LOGS:-} ]]; then
      mkdir -p "$NETNS_KEEP_LOGS" && cp -r "$tmp"/logs/. "$NETNS_KEEP_LOGS"/ && echo "netns-cluster: node logs copied to $NETNS_KEEP_LOGS"
    fi
    rm -rf "$tmp"
  fi
  [[ $status -eq 0 && $outcome == running ]] && status=1
  exit $status
}
trap cleanup EXIT
trap 'printf "\nnetns-cluster: FAILED at line %s: %s\n" "$LINENO" "$BASH_COMMAND" >&2' ERR
trap 'printf "\nnetns-cluster: interrupted\n" >&2; exit 130' INT TERM

tmp=$(mktemp -d -t primecluster-netns.XXXXXX)
mkdir -p "$tmp/logs" "$tmp/home"

# ---------------------------------------------------------------------------------------------------------------
# The API, by curl and python3, behind the functions the client can later replace.
api_token=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
api_url() { printf 'http://%s:8080' "${addr[$1]}"; }

# api METHOD NODE PATH [BODY]: the answer's body; fails on an HTTP error or no answer within 5 s.
api() {
  local args=(-sS --fail-with-body --max-time 5 -X "$1" -H "Authorization: Bearer $api_token")
  [[ $# -ge 4 ]] && args+=(-H 'Content-Type: application/json' --data "$4")
  curl "${args[@]}" "$(api_url "$2")$3"
}

# json EXPRESSION: evaluates a python expression over the JSON document on stdin (bound to j) and prints it.
json() {
  python3 -c '
import json, sys
j = json.load(sys.stdin)
v = eval(sys.argv[1])
print(json.dumps(v) if isinstance(v, (bool, dict, list)) or v is None else v)' "$1"
}

# client ARGS...: the product's client on the host, with the cluster's token; --cluster names the seed to talk to.
client() { PRIMECLUSTER_TOKEN=$api_token "$dotnet" "$cli_dll" "$@"; }

submit_job() { # NODE FROM TIL [ALGORITHM] -> job id, submitted by the client
  local body
  body=$(client submit "$2" "$3" --algorithm "${4:-trial}" --detach --yes --json --cluster "$(api_url "$1")" 2> "$tmp/logs/submit.log") \
    || { printf 'netns-cluster: primecluster submit via %s: %s\n' "$1" "$(cat "$tmp/logs/submit.log")" >&2; return 1; }
  json 'j["id"]' <<< "$body"
}
job_json() { api GET "$1" "/jobs/$2"; }
job_state() { job_json "$1" "$2" | json 'j["state"]'; }
cluster_json() { api GET "$1" /cluster; }
# member NODE HOST FIELD: FIELD (status, reachable, workers, busy) of the member whose address names HOST, as NODE
# sees it; "absent" when it is not a member.
member() {
  cluster_json "$1" | json "next((m['$3'] for m in j['members'] if m['address'].split('@')[1].rsplit(':', 1)[0] == '$2'), 'absent')"
}

# wait_for_job NODE ID SECONDS: follows the job with the client (primecluster watch) until it has finished, for at
# most SECONDS; its JSON is left in $tmp/job-ID.json.
wait_for_job() {
  local code=0
  timeout "$3" env PRIMECLUSTER_TOKEN="$api_token" "$dotnet" "$cli_dll" watch "$2" --json --cluster "$(api_url "$1")" \
    > "$tmp/job-$2.json" 2> "$tmp/logs/watch-$2.log" || code=$?
  case $code in
    0 | 1) [[ -s $tmp/job-$2.json ]] && return 0 ;;
    124) fail "job $2 did not finish within $3 s" ;;
  esac
  fail "primecluster watch $2 exited with $code: $(tail -n 3 "$tmp/logs/watch-$2.log")"
}

# wait_until DESCRIPTION SECONDS COMMAND...: polls COMMAND every 0.2 s, at most SECONDS.
wait_until() {
  local what=$1 seconds=$2 i
  shift 2
  for ((i = 0; i < seconds * 5; i++)); do
    if "$@" 2> /dev/null; then
      log "  ... $what"
      return 0
    fi
    sleep 0.2
  done
  fail "gave up after $seconds s waiting until $what"
}

is_member_status() { [[ $(member "$1" "$2" status) == "$3" ]]; }
is_absent() { [[ $(member "$1" "$2" status) == absent ]]; }
is_unreachable() { [[ $(member "$1" "$2" reachable) == false ]]; }
is_busy() { [[ $(member "$1" "$2" busy) =~ ^[1-9] ]]; }
is_running() { [[ $(job_state "$1" "$2") == running ]]; }
has_progress() { [[ $(job_json "$1" "$2" | json 'j["progress"]["batches_done"]') =~ ^[1-9] ]]; }
# is_exited NAME: the node's process has ended (gone, or a zombie not yet reaped).
is_exited() {
  local stat
  stat=$(cat "/proc/${pid[$1]}/stat" 2> /dev/null) || return 0
  stat=${stat##*) }
  [[ ${stat:0:1} == Z ]]
}
workers_registered() { [[ $(cluster_json "$1" | json 'j["totals"]["workers"]') -eq $2 ]]; }

# ---------------------------------------------------------------------------------------------------------------
# The binaries: given, or published now.
if [[ $# -ge 1 && -n $1 ]]; then
  bin=$(cd "$1" && pwd)
else
  log "publishing the node and the client with docker/publish.sh"
  bash "$(dirname "$0")/publish.sh" "$tmp/publish" > "$tmp/logs/publish.log" 2>&1 || { tail -n 30 "$tmp/logs/publish.log" >&2; fail "docker/publish.sh failed"; }
  bin=$tmp/publish
fi
node_dll=$bin/node/primecluster-node.dll
cli_dll=$bin/cli/primecluster.dll
[[ -f $node_dll && -f $cli_dll ]] || fail "$bin has no node/primecluster-node.dll and cli/primecluster.dll (docker/publish.sh output)"

# The exact answers, from the client's local sieve, before any node takes the cores.
declare -A expected=()
# oracle FROM TIL: remembers "prime_count check_count" for the range, from the client's local sieve.
oracle() {
  local answer
  answer=$("$dotnet" "$cli_dll" run "$1" "$2" --algorithm sieve --json | json 'str(j["prime_count"]) + " " + str(j["check_count"])') \
    || fail "primecluster run $1 $2 --algorithm sieve --json did not print prime_count and check_count"
  expected["$1 $2"]=$answer
}

readonly range_scale="1 3000000" range_loss="1 2500000" range_cut="1 2600000" range_after="1 2000000" range_seed="1 2400000"
log "exact answers from: primecluster run FROM TIL --algorithm sieve --json"
for range in "$range_scale" "$range_loss" "$range_cut" "$range_after" "$range_seed"; do
  # shellcheck disable=SC2086
  oracle $range
  log "  [${range/ /, }]: (prime_count, check_count) = (${expected[$range]/ /, })"
done

# check_exact SCENARIO NODE ID FROM TIL NOTE: the job is done with exactly the sieve's counts; adds a summary row.
check_exact() {
  local scenario=$1 node=$2 id=$3 from=$4 til=$5 note=$6 want got state seconds
  want=${expected["$from $til"]}
  wait_for_job "$node" "$id" 90
  state=$(json 'j["state"]' < "$tmp/job-$id.json")
  got=$(json 'str(j["prime_count"]) + " " + str(j["check_count"])' < "$tmp/job-$id.json")
  seconds=$(json 'round(j["elapsed_ms"] / 1000, 1)' < "$tmp/job-$id.json")
  if [[ $state != "done" || $got != "$want" ]]; then
    summary+=("$scenario|[$from, $til]|${want/ /, }|$state|${seconds}s|FAIL|got (${got/ /, }); $note")
    fail "$scenario: job $id [$from, $til] is $state with (${got/ /, }); the sieve says (${want/ /, })"
  fi
  summary+=("$scenario|[$from, $til]|${want/ /, }|exact|${seconds}s|pass|$note")
  log "  job $id: done in ${seconds} s, (prime_count, check_count) = (${got/ /, }): exact"
}

# ---------------------------------------------------------------------------------------------------------------
# The hosts: a bridge with the host's address, and per node a namespace, a veth pair, an address and a host name.
log "network: bridge $bridge $host_addr/24, a namespace per node"
ip link add "$bridge" type bridge 2> /dev/null || skip "cannot create a bridge here (ip link add type bridge failed)"
ip addr add "$host_addr/24" dev "$bridge"
ip link set "$bridge" up
[[ -d /etc/netns ]] || created_etc_netns=1
for name in "${nodes[@]}"; do
  ns=pcn-$name
  ip netns add "$ns"
  ip link add "pcn-$name" type veth peer name "pcn-$name-in"
  ip link set "pcn-$name-in" netns "$ns"
  ip -n "$ns" link set "pcn-$name-in" name eth0
  ip -n "$ns" addr add "${addr[$name]}/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" link set lo up
  ip link set "pcn-$name" master "$bridge"
  ip link set "pcn-$name" up
  # Host names resolve as Docker's DNS resolves container names: `ip netns exec` mounts this file on /etc/hosts.
  mkdir -p "/etc/netns/$ns"
  {
    printf '127.0.0.1\tlocalhost\n'
    for other in "${nodes[@]}"; do printf '%s\t%s\n' "${addr[$other]}" "$other"; done
  } > "/etc/netns/$ns/hosts"
  log "  $name: namespace $ns, ${addr[$name]}, link pcn-$name"
done

# Bridged traffic can be filtered by the host's firewall (br_netfilter); find out before any node starts.
probe_port=4099
ip netns exec pcn-seed-1 python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(1); s.settimeout(5)
try:
    s.accept()[0].close()
except OSError:
    pass' "${addr[seed-1]}" "$probe_port" &
listener=$!
reached=0
for _ in 1 2 3 4 5 6 7 8 9 10; do
  if ip netns exec pcn-worker-1 python3 -c '
import socket, sys
socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=1).close()' "seed-1" "$probe_port" 2> /dev/null; then
    reached=1
    break
  fi
  sleep 0.2
done
wait "$listener" 2> /dev/null || true
[[ $reached -eq 1 ]] || skip "traffic between namespaces on bridge $bridge is blocked here (host firewall on bridged traffic?)"
log "  worker-1 reaches seed-1 by host name across the bridge"

# The test's configuration file, as CLUSTER_CONFIG: failure detection and the split brain resolver in seconds.
cat > "$tmp/failure-detection.hocon" << 'EOF'
akka.cluster.failure-detector.heartbeat-interval = 500ms
akka.cluster.failure-detector.acceptable-heartbeat-pause = 3s
akka.cluster.split-brain-resolver.stable-after = 2s
EOF

# start_node NAME: the node in its namespace, under its own host name, with the compose service's variables.
start_node() {
  local name=$1 vars
  vars=(CLUSTER_SEEDS="$seeds_env" CLUSTER_PORT=4053 CLUSTER_BIND=0.0.0.0 API_TOKEN="$api_token" CLUSTER_CONFIG="$tmp/failure-detection.hocon")
  case $name in
    seed-*) vars+=(CLUSTER_IP="$name" CLUSTER_ROLES=seed API_URL=http://0.0.0.0:8080) ;;
    # As the compose worker: CLUSTER_IP empty, so the node advertises its host name.
    worker-*) vars+=(CLUSTER_IP= CLUSTER_ROLES=worker WORKERS=1 API_URL=http://127.0.0.1:8080) ;;
  esac
  printf '=== %s: %s starts\n' "$(date +%T.%3N)" "$name" >> "$tmp/logs/$name.log"
  # shellcheck disable=SC2016 # $0 and $@ are the inner shell's: the host name, then the command.
  ip netns exec "pcn-$name" unshare --uts sh -c 'hostname "$0" && exec "$@"' "$name" \
    env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME="$tmp/home" \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 "${vars[@]}" \
    "$dotnet" "$node_dll" >> "$tmp/logs/$name.log" 2>&1 &
  pid[$name]=$!
  log "  $name started (pid ${pid[$name]}), roles $( [[ $name == seed-* ]] && echo seed || echo worker)"
}

# healthz NAME: the node's own /healthz answers 200, asked inside its namespace (workers serve it on loopback only).
healthz() {
  local url=http://127.0.0.1:8080/healthz
  [[ $(ip netns exec "pcn-$1" curl -s -o /dev/null -w '%{http_code}' --max-time 2 -H "Authorization: Bearer $api_token" "$url") == 200 ]]
}

# health_check NAME: the image's HEALTHCHECK command, `primecluster-node --healthcheck`, in the node's namespace.
health_check() {
  local name=$1 api=http://0.0.0.0:8080
  [[ $name == worker-* ]] && api=http://127.0.0.1:8080
  ip netns exec "pcn-$name" env -i PATH=/usr/bin:/bin HOME="$tmp/home" API_URL=$api API_TOKEN="$api_token" \
    "$dotnet" "$node_dll" --healthcheck >> "$tmp/logs/health.log" 2>&1 || fail "$name: primecluster-node --healthcheck failed (see health.log)"
}

wait_healthy() {
  local name=$1
  wait_until "$name is up (GET /healthz 200)" 60 healthz "$name"
  health_check "$name"
}

# stop_node NAME SIGNAL: sends the signal and waits (at most 40 s) for the process; leaves its exit code in $rc.
stop_node() {
  local name=$1 signal=$2 i
  # Within the braces bash's own "Killed" notice for the process goes nowhere.
  {
    kill "-$signal" "${pid[$name]}"
    for ((i = 0; i < 200; i++)); do
      is_exited "$name" && break
      sleep 0.2
    done
  } 2> /dev/null
  is_exited "$name" || fail "$name did not exit within 40 s of $signal"
  rc=0
  wait "${pid[$name]}" 2> /dev/null || rc=$?
  unset "pid[$name]"
}

# restart_node NAME: starts a stopped node again, as a restart policy would, under the same host name and address,
# and waits until seed-1 sees it up in the cluster.
restart_node() {
  log "  $1 starts again (a restart policy would) and rejoins"
  start_node "$1"
  wait_healthy "$1"
  wait_until "$1 is up again as seed-1 sees it" 30 is_member_status seed-1 "$1" up
}

# requeued NAME ID: what the coordinator's log says of the lost node's batches of the job: put back in the queue when
# the node was removed, or raced by copies on other workers before that.
requeued() {
  local line
  line=$(grep -h "$2.*primecluster@$1:4053.*go back to the queue" "$tmp/logs/seed-1.log" | tail -n 1 || true)
  [[ -n $line ]] || line=$(grep -h "$2.*batch.*with.*primecluster@$1:4053.*a copy goes to" "$tmp/logs/seed-1.log" | tail -n 1 || true)
  if [[ -n $line ]]; then
    log "  seed-1's log: ...${line#*Job }"
  else
    log "  seed-1's log names no batches of $1 to redo for job $2"
  fi
}

# ---------------------------------------------------------------------------------------------------------------
log "cluster: seed-1 first (it becomes the oldest seed and holds the coordinator), then seed-2 and worker-1"
start_node seed-1
wait_healthy seed-1
log "  primecluster-node --healthcheck passes on seed-1"
start_node seed-2
start_node worker-1
wait_healthy seed-2
wait_healthy worker-1
wait_until "worker-1 is registered with the coordinator (1 worker)" 30 workers_registered seed-1 1
grep -q "Singleton manager started singleton actor" "$tmp/logs/seed-1.log" || fail "the coordinator did not start on seed-1"
! grep -q "Singleton manager started singleton actor" "$tmp/logs/seed-2.log" || fail "the coordinator started on seed-2"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$(api_url seed-1)/cluster") || true
[[ $code == 401 ]] || fail "seed-1 answered $code to a request without the API token, not 401"
log "  the coordinator runs on seed-1; the API answers a request without the token with $code"

# ---------------------------------------------------------------------------------------------------------------
log "scenario 1, scale out: a job starts on one worker host, two more join mid-job"
read -r from til <<< "$range_scale"
id=$(submit_job seed-1 "$from" "$til") || fail "seed-1 did not accept a job"
log "  submitted job $id [$from, $til] (trial) to seed-1"
wait_until "job $id runs and worker-1 holds batches" 20 is_busy seed-1 worker-1
start_node worker-2
start_node worker-3
declare -A seen_busy=()
for ((i = 0; i < 300; i++)); do
  state=$(job_state seed-1 "$id") || state=unknown
  [[ $state == running || $state == unknown ]] || break
  cluster_json seed-1 > "$tmp/cluster.json" 2> /dev/null || { sleep 0.2; continue; }
  for name in worker-2 worker-3; do
    busy=$(json "next((m['busy'] for m in j['members'] if m['address'].split('@')[1].startswith('$name:')), 0)" < "$tmp/cluster.json")
    if [[ -z ${seen_busy[$name]:-} && $busy -gt 0 ]]; then
      seen_busy[$name]=$busy
      log "  ... $name joined and holds $busy batch(es) of the running job ($(json 'j["totals"]["busy"]' < "$tmp/cluster.json") workers busy in all)"
    fi
  done
  [[ -n ${seen_busy[worker-2]:-} && -n ${seen_busy[worker-3]:-} ]] && break
  sleep 0.2
done
[[ -n ${seen_busy[worker-2]:-} && -n ${seen_busy[worker-3]:-} ]] \
  || fail "scenario 1: the job left the running state ($state) before worker-2 and worker-3 were seen holding batches"
check_exact "1 scale out" seed-1 "$id" "$from" "$til" "worker-2 and worker-3 joined mid-job and held batches"
wait_healthy worker-2
wait_healthy worker-3

# ---------------------------------------------------------------------------------------------------------------
log "scenario 2, node loss: worker-2's process is killed (SIGKILL) mid-job"
read -r from til <<< "$range_loss"
id=$(submit_job seed-1 "$from" "$til") || fail "seed-1 did not accept a job"
log "  submitted job $id [$from, $til] (trial) to seed-1"
wait_until "worker-2 holds batches of job $id" 20 is_busy seed-1 worker-2
stop_node worker-2 KILL
log "  worker-2 killed (exit code $rc) while the job is $(job_state seed-1 "$id")"
wait_until "seed-1 sees worker-2 unreachable" 20 is_unreachable seed-1 worker-2
wait_until "worker-2 is downed and removed from the cluster" 30 is_absent seed-1 worker-2
check_exact "2 node loss" seed-1 "$id" "$from" "$til" "worker-2 killed while holding batches"
requeued worker-2 "$id"
restart_node worker-2

# ---------------------------------------------------------------------------------------------------------------
log "scenario 3, partition: worker-3's link is cut mid-job"
read -r from til <<< "$range_cut"
id=$(submit_job seed-1 "$from" "$til") || fail "seed-1 did not accept a job"
log "  submitted job $id [$from, $til] (trial) to seed-1"
wait_until "worker-3 holds batches of job $id" 20 is_busy seed-1 worker-3
ip link set pcn-worker-3 down
log "  link pcn-worker-3 down: worker-3 is cut off from every other host"
wait_until "seed-1 sees worker-3 unreachable" 20 is_unreachable seed-1 worker-3
wait_until "the split brain resolver downs worker-3 and it is removed" 30 is_absent seed-1 worker-3
wait_until "worker-3, alone on its side, downed itself and its process stopped" 40 is_exited worker-3
rc=0
wait "${pid[worker-3]}" 2> /dev/null || rc=$?
unset "pid[worker-3]"
log "  worker-3 exited with code $rc; the job is $(job_state seed-1 "$id")"
ip link set pcn-worker-3 up
log "  link pcn-worker-3 up again"
check_exact "3 partition" seed-1 "$id" "$from" "$til" "worker-3 cut off, downed (exit $rc), batches redone"
requeued worker-3 "$id"
restart_node worker-3
wait_until "3 workers are registered with the coordinator" 30 workers_registered seed-1 3
read -r from til <<< "$range_after"
id=$(submit_job seed-1 "$from" "$til") || fail "seed-1 did not accept a job"
log "  submitted job $id [$from, $til] (trial) to seed-1, after the partition healed"
wait_until "the rejoined worker-3 holds batches of job $id" 20 is_busy seed-1 worker-3
check_exact "3 after the partition" seed-1 "$id" "$from" "$til" "worker-3 rejoined and counted"

# ---------------------------------------------------------------------------------------------------------------
log "scenario 4, seed loss: seed-2 (not holding the coordinator) is killed mid-job"
read -r from til <<< "$range_seed"
id=$(submit_job seed-2 "$from" "$til") || fail "seed-2 did not accept a job"
log "  submitted job $id [$from, $til] (trial) through seed-2's API"
wait_until "job $id runs" 20 is_running seed-2 "$id"
stop_node seed-2 KILL
log "  seed-2 killed (exit code $rc)"
wait_until "seed-1 sees seed-2 unreachable" 20 is_unreachable seed-1 seed-2
wait_until "seed-2 is downed and removed from the cluster" 30 is_absent seed-1 seed-2
check_exact "4 seed loss" seed-1 "$id" "$from" "$til" "submitted via seed-2, seed-2 killed, read via seed-1"
read -r from til <<< "$range_after"
id=$(submit_job seed-1 "$from" "$til") || fail "seed-1 did not accept a job"
log "  submitted job $id [$from, $til] (trial) to seed-1 after seed-2 is gone"
check_exact "4 after the seed loss" seed-1 "$id" "$from" "$til" "a new job accepted by seed-1 alone"

# ---------------------------------------------------------------------------------------------------------------
log "scenario 5, coordinator loss: seed-2 comes back, then seed-1 (holding the coordinator) is killed mid-job"
restart_node seed-2
read -r from til <<< "$range_scale"
id=$(submit_job seed-2 "$from" "$til") || fail "seed-2 did not accept a job"
log "  submitted job $id [$from, $til] (trial) through seed-2's API"
wait_until "job $id has batches done" 20 has_progress seed-2 "$id"
done_before=$(job_json seed-2 "$id" | json 'str(j["progress"]["batches_done"]) + " of " + str(j["progress"]["batches_total"])')
stop_node seed-1 KILL
log "  seed-1 killed (exit code $rc) with $done_before batches of job $id done"
wait_until "seed-1 is downed and removed from the cluster" 40 is_absent seed-2 seed-1
wait_until "the coordinator started on seed-2" 30 grep -q "Singleton manager started singleton actor" "$tmp/logs/seed-2.log"
check_exact "5 coordinator loss" seed-2 "$id" "$from" "$til" "seed-1 killed with $done_before batches done; seed-2 resumed"
line=$(grep -h "Job $id resumed from its checkpoint" "$tmp/logs/seed-2.log" | tail -n 1) \
  || fail "scenario 5: seed-2's log does not say job $id was resumed from its checkpoint"
log "  seed-2's log: ...${line#*Job }"
read -r from til <<< "$range_after"
id=$(submit_job seed-2 "$from" "$til") || fail "seed-2 did not accept a job"
log "  submitted job $id [$from, $til] (trial) to seed-2, the coordinator's new node"
check_exact "5 after the loss" seed-2 "$id" "$from" "$til" "a new job accepted by seed-2 alone"

# ---------------------------------------------------------------------------------------------------------------
log "stop: SIGTERM to every node, workers first (as docker compose stop), each must exit 0"
codes=""
for name in worker-1 worker-2 worker-3 seed-2; do
  stop_node "$name" TERM
  codes+="$name $rc, "
  [[ $rc -eq 0 ]] || fail "$name exited with $rc after SIGTERM"
done
log "  exit codes: ${codes%, }"
summary+=("stop (SIGTERM)|-|-|exit 0|-|pass|${codes%, }")

outcome=passed
print_summary
printf '\nnetns-cluster: all scenarios passed in %s s\n' "$(elapsed)"
