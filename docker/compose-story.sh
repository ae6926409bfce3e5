#!/usr/bin/env bash
# The README's Docker Compose story, played against real containers on a real Docker engine, every job's
# (prime_count, check_count) checked against the sieve:
#   up          docker compose up -d --build --scale worker=3; every node turns healthy
#   status      client status: three seeds and three workers, every one up
#   submit      client submit 1 300000: exact
#   intruders   nodes on the cluster network that are not the cluster's (no TLS; a CA of their own) try to join
#               mid-job: neither becomes a member, seed-1 logs one refusal line for each, the job ends exact
#   scale       docker compose up -d --scale worker=5 while a job runs: the new workers take batches; exact
#   worker-kill docker kill of a worker holding batches mid-job: downed, its batches requeued; exact
#   partition   docker network disconnect of a worker holding batches mid-job: downed, its batches redone; exact;
#               reconnected, it joins again by itself (it downed itself, then keeps asking the seeds) and counts again
#   seed-loss   seed-3, not holding the coordinator, killed mid-job: the job and new jobs go on; exact
#   takeover    seed-1, holding the coordinator, killed mid-job: another seed resumes it from its checkpoint and
#               `client watch ... --cluster http://seed-2:8080` follows it to the exact end; seed-1 comes back
#   journal     docker compose down (volumes kept) and up again with a job running: `client jobs` lists the jobs from
#               before, and the running one resumes from the seeds' journals on disk and ends exact
#   down        docker compose down mid-job: every node leaves and exits 0 within the grace period
# It prints the figures README quotes (image size, time to healthy, memory and CPU at rest, requeue and takeover
# times) and, on a failure, the containers' logs; it exits non-zero on any failure.
#
# What it needs it brings: docker.io, docker-compose and debootstrap from Debian's packages when missing (root);
# a Docker engine (dockerd is started when none answers, and stopped at the end); the Dockerfile's base images
# (docker/base-images.sh builds local stand-ins when they cannot be pulled). Containers, networks and volumes of the
# compose project are removed at the end, failure included; images are kept as a build cache.
# Every command of README's compose section is run here as written (this script checks that first).
#
# To add a scenario: write scenario_NAME (bounded waits, `fail` on any wrong answer) and add NAME to `scenarios`.
#
#   docker/compose-story.sh            # COMPOSE_STORY_KEEP_LOGS=DIR copies every container's log there
#   COMPOSE_STORY_SCENARIOS="up journal down" docker/compose-story.sh   # some scenarios only, in this order; up first
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# Nothing here reads a terminal: compose's run gets no stdin, whatever CI gives this script.
exec < /dev/null
readonly story=docker/compose-story.sh
readonly all_scenarios=(up status submit intruders scale worker-kill partition seed-loss takeover journal down)
scenarios=("${all_scenarios[@]}")
if [[ -n ${COMPOSE_STORY_SCENARIOS:-} ]]; then
  read -r -a scenarios <<< "$COMPOSE_STORY_SCENARIOS"
  for s in "${scenarios[@]}"; do
    [[ " ${all_scenarios[*]} " == *" $s "* ]] || { echo "compose-story: no scenario '$s'; there are: ${all_scenarios[*]}" >&2; exit 2; }
  done
  [[ ${scenarios[0]} == up ]] || { echo "compose-story: COMPOSE_STORY_SCENARIOS must start with up" >&2; exit 2; }
fi
readonly scenarios

# Containers of the intruders scenario, not of the compose project: removed by name.
readonly intruders=(primecluster-intruder-plain primecluster-intruder-ca)

start_s=$EPOCHREALTIME
work=$(mktemp -d -t primecluster-compose.XXXXXX)
dockerd_pid=""
events_pid=""
project_up=0
project_made=0     # set once the project was up: its volumes (the seeds' journals, the CA) are removed at the end
outcome=running
current=""
declare -a summary=() figures=()

elapsed() { awk -v a="$start_s" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
log() { printf '[%6ss] %s\n' "$(elapsed)" "$*"; }
fail() {
  printf '\ncompose-story: FAILED%s: %s\n' "${current:+ (scenario $current)}" "$*" >&2
  exit 1
}

# ---------------------------------------------------------------------------------------------------------------
# Tools and engine.
[[ $(id -u) -eq 0 ]] || fail "needs root (packages, dockerd, debootstrap)"
missing=()
command -v dockerd > /dev/null || missing+=(docker.io)
command -v debootstrap > /dev/null || missing+=(debootstrap)
command -v curl > /dev/null || missing+=(curl)
command -v python3 > /dev/null || missing+=(python3)
command -v openssl > /dev/null || missing+=(openssl)
# dockerd needs the cgroup file systems; a machine booted without an init that mounts them gets them from here.
cgroups_mounted() { awk '$3 == "cgroup" || $3 == "cgroup2" { found = 1 } END { exit !found }' /proc/mounts; }
if ! cgroups_mounted && ! command -v cgroupfs-mount > /dev/null; then
  missing+=(cgroupfs-mount)
fi
if ! command -v docker-compose > /dev/null && ! docker compose version > /dev/null 2>&1; then
  missing+=(docker-compose)
fi
if [[ ${#missing[@]} -gt 0 ]]; then
  log "installing from Debian's packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update && apt-get install -y "${missing[@]}"; } > "$work/apt.log" 2>&1 \
    || { tail -n 30 "$work/apt.log" >&2; fail "apt-get install ${missing[*]} failed"; }
fi

# One story at a time on a machine: container names and host ports are fixed.
lock=/run/lock/primecluster-compose.lock
[[ -d /run/lock && -w /run/lock ]] || lock=/tmp/primecluster-compose.lock
exec 9> "$lock"
flock -w 1200 9 || fail "another compose story holds $lock for more than 20 minutes"

print_logs() {
  local c
  printf '\n----- docker compose ps -a -----\n' >&2
  docker compose ps -a >&2 2> /dev/null || true
  for c in $(command docker ps -aq --filter "label=com.docker.compose.project=$COMPOSE_PROJECT_NAME" 2> /dev/null); do
    printf '\n----- %s (last 60 lines) -----\n' "$(command docker inspect -f '{{.Name}} {{.Config.Hostname}} {{.State.Status}} exit {{.State.ExitCode}}' "$c")" >&2
    command docker logs --tail 60 -t "$c" 2>&1 | cut -c1-400 >&2 || true
  done
}

keep_logs() {
  local c name
  mkdir -p "$COMPOSE_STORY_KEEP_LOGS"
  for c in $(command docker ps -aq --filter "label=com.docker.compose.project=$COMPOSE_PROJECT_NAME" 2> /dev/null); do
    name=$(command docker inspect -f '{{.Name}}-{{.Config.Hostname}}' "$c")
    command docker logs -t "$c" > "$COMPOSE_STORY_KEEP_LOGS/${name#/}.log" 2>&1 || true
  done
  echo "compose-story: container logs copied to $COMPOSE_STORY_KEEP_LOGS"
}

print_summary() {
  [[ ${#summary[@]} -gt 0 ]] || return 0
  printf '\n%-12s %-7s %-7s %s\n' scenario verdict time notes
  local row a b c d
  for row in "${summary[@]}"; do
    IFS='|' read -r a b c d <<< "$row"
    printf '%-12s %-7s %-7s %s\n' "$a" "$b" "$c" "$d"
  done
}

cleanup() {
  local status=$?
  set +e
  trap - EXIT INT TERM ERR
  if [[ $outcome == running ]]; then
    [[ -n $current ]] && summary+=("$current|FAIL|-|see above")
    print_summary
    [[ $project_up -eq 1 ]] && print_logs
  fi
  command docker rm -f "${intruders[@]}" > /dev/null 2>&1
  [[ $project_up -eq 1 && -n ${COMPOSE_STORY_KEEP_LOGS:-} ]] && keep_logs
  if [[ $project_made -eq 1 ]]; then
    docker compose --profile client down --volumes --remove-orphans --timeout 10 > "$work/down.log" 2>&1 \
      || cat "$work/down.log" >&2
  fi
  [[ -n $events_pid ]] && kill "$events_pid" 2> /dev/null && wait "$events_pid" 2> /dev/null
  if [[ -n $dockerd_pid ]]; then
    kill -TERM "$dockerd_pid" 2> /dev/null
    for _ in $(seq 150); do kill -0 "$dockerd_pid" 2> /dev/null || break; sleep 0.2; done
    kill -0 "$dockerd_pid" 2> /dev/null && { echo "compose-story: dockerd did not stop; killing it" >&2; kill -KILL "$dockerd_pid"; }
    wait "$dockerd_pid" 2> /dev/null
    echo "compose-story: dockerd (started by this script) stopped"
  fi
  rm -rf "$work"
  [[ $status -eq 0 && $outcome != passed ]] && status=1
  exit $status
}
trap cleanup EXIT
trap 'printf "\ncompose-story: FAILED at line %s: %s\n" "$LINENO" "$BASH_COMMAND" >&2' ERR
trap 'printf "\ncompose-story: interrupted\n" >&2; exit 130' INT TERM

if ! timeout 20 docker info > /dev/null 2>&1; then
  if ! cgroups_mounted; then
    log "mounting the cgroup file systems (cgroupfs-mount)"
    cgroupfs-mount || fail "cgroupfs-mount failed"
  fi
  log "no Docker engine answers; starting dockerd"
  dockerd > "$work/dockerd.log" 2>&1 9>&- &
  dockerd_pid=$!
  for _ in $(seq 120); do
    timeout 5 docker info > /dev/null 2>&1 && break
    kill -0 "$dockerd_pid" 2> /dev/null || { cat "$work/dockerd.log" >&2; fail "dockerd exited"; }
    sleep 0.5
  done
  timeout 5 docker info > /dev/null 2>&1 || { tail -n 30 "$work/dockerd.log" >&2; fail "dockerd did not answer within 60 s"; }
fi
log "engine: Docker $(command docker version --format '{{.Server.Version}}')"

# README's commands say `docker compose` (v2); where only docker-compose (v1) is installed it stands in for it.
if command docker compose version > /dev/null 2>&1; then
  compose=(command docker compose)
else
  command -v docker-compose > /dev/null || fail "neither docker compose nor docker-compose works"
  compose=(docker-compose)
fi
docker() {
  if [[ ${1:-} == compose ]]; then
    shift
    "${compose[@]}" "$@"
  else
    command docker "$@"
  fi
}
log "compose: $("${compose[@]}" version --short 2> /dev/null || "${compose[@]}" version | head -n 1) (${compose[*]})"

# ---------------------------------------------------------------------------------------------------------------
# README's compose section: every command in its code blocks is one this script runs, word for word.
readme_commands() {
  awk '/^## A cluster with Docker Compose/ { on = 1; next } /^## / { on = 0 }
       on && /^```/ { block = !block; next }
       on && block' README.md \
    | grep -v -e '(illustrative' | sed -e 's/[[:space:]]\{2,\}#.*$//' -e 's/[[:space:]]*$//' | grep -v -e '^#' -e '^$' || true
}
readme_count=0
while IFS= read -r line; do
  grep -Fq -- "$line" "$story" || fail "README's compose section has a command this script does not run: $line"
  readme_count=$((readme_count + 1))
done < <(readme_commands)
[[ $readme_count -ge 10 ]] || fail "found only $readme_count commands in README's compose section"
log "README: the $readme_count commands of its compose section are all played here"

# ---------------------------------------------------------------------------------------------------------------
# Helpers.
# wait_until DESCRIPTION SECONDS COMMAND...: polls COMMAND every 0.5 s, at most SECONDS.
wait_until() {
  local what=$1 seconds=$2 deadline
  shift 2
  deadline=$((SECONDS + seconds))
  until "$@" > /dev/null 2>&1; do
    ((SECONDS < deadline)) || fail "gave up after $seconds s waiting until $what"
    sleep 0.5
  done
  log "  ... $what"
}

declare -A api_port=([seed-1]=8080 [seed-2]=8081 [seed-3]=8082)
# api SEED PATH: the seed's job API through its port on the host's loopback.
api() { curl -sS --fail --max-time 5 -H "Authorization: Bearer $API_TOKEN" "http://127.0.0.1:${api_port[$1]}$2"; }
# json EXPRESSION: a python expression over the JSON document on stdin (bound to j), printed.
json() {
  python3 -c '
import json, sys
j = json.load(sys.stdin)
v = eval(sys.argv[1])
print(json.dumps(v) if isinstance(v, (bool, dict, list)) or v is None else v)' "$1"
}
# member SEED HOST FIELD: FIELD of the member whose address names HOST, as SEED sees it; "absent" if none.
member() {
  api "$1" /cluster | json "next((m['$3'] for m in j['members'] if m['address'].split('@')[1].rsplit(':', 1)[0] == '$2'), 'absent')"
}
is_status() { [[ $(member "$1" "$2" status) == "$3" ]]; }
is_absent() { [[ $(member "$1" "$2" status) == absent ]]; }
is_unreachable() { [[ $(member "$1" "$2" reachable) == false ]]; }
is_busy() { [[ $(member "$1" "$2" busy) =~ ^[1-9] ]]; }
workers_registered() { [[ $(api "$1" /cluster | json 'j["totals"]["workers"]') -eq $2 ]]; }
has_progress() { [[ $(api "$1" "/jobs/$2" | json 'j["progress"]["batches_done"]') =~ ^[1-9] ]]; }
job_state() { api "$1" "/jobs/$2" | json 'j["state"]'; }
is_job_done() { [[ $(job_state "$1" "$2") == done ]]; }

host_of() { docker inspect -f '{{.Config.Hostname}}' "$1"; }
# cpu_ns CONTAINER: the container's CPU time so far, in nanoseconds, from its cgroup (v1 or v2).
cpu_ns() {
  local id f
  id=$(docker inspect -f '{{.Id}}' "$1")
  for f in "/sys/fs/cgroup/cpuacct/docker/$id/cpuacct.usage" "/sys/fs/cgroup/cpu,cpuacct/docker/$id/cpuacct.usage"; do
    [[ -r $f ]] && { cat "$f"; return 0; }
  done
  for f in "/sys/fs/cgroup/system.slice/docker-$id.scope/cpu.stat" "/sys/fs/cgroup/docker/$id/cpu.stat"; do
    [[ -r $f ]] && { awk '$1 == "usage_usec" { print $2 * 1000 }' "$f"; return 0; }
  done
  fail "no cgroup CPU account found for container $1"
}
# The node containers (seeds and workers), not one-shot or client containers of the project.
nodes() { docker compose ps -q seed-1 seed-2 seed-3 worker; }
# is_healthy CONTAINER: healthy by a probe run since the container last started (a restarted container shows the
# status of its previous run until its first probe).
is_healthy() {
  local f
  read -r -a f <<< "$(docker inspect -f '{{.State.StartedAt}} {{if .State.Health}}{{.State.Health.Status}}{{range .State.Health.Log}} {{.Start.Format "2006-01-02T15:04:05.999999999Z07:00"}}{{end}}{{end}}' "$1")"
  [[ ${f[1]:-} == healthy && ${#f[@]} -ge 3 ]] || return 1
  (($(date -d "${f[-1]}" +%s%N) > $(date -d "${f[0]}" +%s%N)))
}
all_healthy() {
  local c ids
  ids=$(nodes) || return 1
  [[ $(wc -w <<< "$ids") -eq $1 ]] || return 1
  for c in $ids; do is_healthy "$c" || return 1; done
}
is_exited() { [[ $(docker inspect -f '{{.State.Status}}' "$1") == exited ]]; }

# The engine's container events, for exit codes and times of containers that `down` removes. Started as a process
# of its own (not through the docker function, whose subshell would outlive a kill), without the lock's descriptor.
command docker events --filter type=container --filter event=die --filter event=start \
  --format '{{.TimeNano}} {{.Action}} {{.Actor.ID}} {{index .Actor.Attributes "name"}} {{index .Actor.Attributes "exitCode"}}' \
  > "$work/events.log" 2>&1 9>&- &
events_pid=$!

now() { date +%s.%N; }
seconds_since() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
# log_time CONTAINER PATTERN: the engine's time stamp (epoch seconds) of the first log line matching PATTERN.
log_time() {
  local stamp
  docker logs -t "$1" > "$work/log-time.txt" 2>&1 || return 1
  stamp=$(grep -m 1 -E -- "$2" "$work/log-time.txt" | cut -d' ' -f1) || return 1
  [[ -n $stamp ]] && date -d "$stamp" +%s.%N
}

declare -A expected=()
# What README states, so that the sieve itself is checked too.
declare -A known=(["1 300000"]="25997 3712902177" ["1 3000000"]="216816 312545217624")
# oracle FROM TIL: remembers "prime_count check_count" of the range in expected, from the client's own sieve in a
# client container (once per range).
oracle() {
  local key="$1 $2" answer
  [[ -z ${expected[$key]:-} ]] || return 0
  # --no-deps: the sieve needs no cluster, and a run with dependencies would start a seed a scenario took away.
  answer=$(docker compose run --rm -T --no-deps client run "$1" "$2" --algorithm sieve --json 2> "$work/oracle.err" \
    | json 'str(j["prime_count"]) + " " + str(j["check_count"])') \
    || fail "client run $1 $2 --algorithm sieve --json: $(tail -n 3 "$work/oracle.err")"
  [[ -z ${known[$key]:-} || ${known[$key]} == "$answer" ]] || fail "the sieve says ($answer) for [$1, $2]; README says (${known[$key]})"
  expected[$key]=$answer
}

# exact_table FROM TIL FILE: the client's result table in FILE has the range's row with the sieve's exact counts.
exact_table() {
  local primes checks
  oracle "$1" "$2"
  read -r primes checks <<< "${expected["$1 $2"]}"
  awk -v r="$1-$2" -v p="$primes" -v c="$checks" '
    $1 == r { for (i = 2; i < NF; i++) if ($i == p && $(i + 1) == c) found = 1 } END { exit !found }' "$3" \
    || fail "[$1, $2]: the result table does not show ($primes, $checks), the sieve's counts:$(printf '\n'; cat "$3")"
  log "  [$1, $2]: $primes primes, $checks checks: exact (the sieve's); $(grep -m 1 "^$1-$2 " "$3" | tr -s ' ')"
}

# submit_detached FROM TIL: the README's way to start a job and keep its id (-T: no TTY bytes in the id).
submit_detached() {
  local id
  id=$(docker compose run --rm -T client submit "$1" "$2" --detach 2> "$work/submit.err") \
    || fail "client submit $1 $2 --detach: $(tail -n 3 "$work/submit.err")"
  [[ $id =~ ^[A-Za-z0-9_-]+$ ]] || fail "client submit --detach printed '$id', not a job id"
  printf '%s\n' "$id"
}

# busy_worker SEED: the host name of a worker holding batches, as SEED sees it (fails when none does).
busy_worker() {
  api "$1" /cluster | json "next(m['address'].split('@')[1].rsplit(':', 1)[0] for m in j['members'] if 'worker' in m['roles'] and m['busy'] > 0)"
}
# container_of HOST: the worker container whose host name is HOST.
container_of() {
  local c
  for c in $(docker compose ps -q worker); do
    [[ $(host_of "$c") == "$1" ]] && { printf '%s\n' "$c"; return 0; }
  done
  return 1
}

scenario_row() { summary+=("$current|pass|$(seconds_since "$scenario_start" "$(now)")s|$1"); }
figure() { figures+=("$1|$2"); log "  figure: $1: $2"; }

# ---------------------------------------------------------------------------------------------------------------
# The scenarios, in README's order.
export COMPOSE_FILE=docker/docker-compose.yml COMPOSE_PROJECT_NAME=primecluster
# shellcheck disable=SC2155 # README's line, as written
export API_TOKEN=$(openssl rand -hex 16)   # optional; without it anyone who reaches the API can use it
export WORKERS=1                           # worker actors per worker container (default: one per core)

scenario_up() {
  bash docker/base-images.sh || fail "the Dockerfile's base images are missing and no stand-in could be built"
  for name in seed-1 seed-2 seed-3; do
    if docker inspect "$name" > /dev/null 2>&1; then
      fail "a container named $name exists already (another compose project?); remove it first"
    fi
  done
  # A journal left by an earlier run would be read back (and one of another build's format stops its seed).
  for name in seed-1-data seed-2-data seed-3-data; do
    if docker volume inspect "${COMPOSE_PROJECT_NAME}_$name" > /dev/null 2>&1; then
      fail "a volume ${COMPOSE_PROJECT_NAME}_$name exists already (an earlier run's journal?); remove it first: docker compose down --volumes"
    fi
  done
  for port in 8080 8081 8082; do
    if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/"; then
      fail "127.0.0.1:$port is taken; the compose file publishes the seeds' APIs there"
    fi
  done
  project_up=1
  project_made=1
  local t0 t1 built previous rebuilt
  previous=$(docker image inspect --format '{{.Id}}' primecluster:local 2> /dev/null || true)
  t0=$(now)
  docker compose build > "$work/build.log" 2>&1 || { tail -n 40 "$work/build.log" >&2; fail "docker compose build failed"; }
  t1=$(now)
  # The image this build replaced goes, with the layers only it used: runs on one machine do not pile up images.
  rebuilt=$(docker image inspect --format '{{.Id}}' primecluster:local)
  if [[ -n $previous && $previous != "$rebuilt" ]]; then
    docker rmi "$previous" > /dev/null 2>&1 || true
  fi
  built=$(docker image inspect --format '{{.Size}}' primecluster:local | awk '{ printf "%.0f MB", $1 / 1e6 }')
  log "  image primecluster:local built in $(seconds_since "$t0" "$t1") s: $built"
  figure "image primecluster:local" "$built (on the stand-in aspnet:10.0, $(docker image inspect --format '{{.Size}}' mcr.microsoft.com/dotnet/aspnet:10.0 | awk '{ printf "%.0f MB", $1 / 1e6 }'))"
  docker compose up -d --build --scale worker=3 > "$work/up.log" 2>&1 || { cat "$work/up.log" >&2; fail "docker compose up failed"; }
  wait_until "all 6 nodes are healthy" 180 all_healthy 6
  local first
  first=$(date -d "$(docker inspect -f '{{.State.StartedAt}}' seed-1)" +%s.%N)
  figure "up to all healthy" "$(seconds_since "$first" "$(now)") s from seed-1's start (polled every 0.5 s)"
  docker compose ps
  scenario_row "6 containers healthy"
}

scenario_status() {
  docker compose run --rm client status | tee "$work/status.txt"
  grep -Eq '^6 members, 3 workers, 0 busy' "$work/status.txt" || fail "client status does not say 6 members, 3 workers, 0 busy"
  docker compose run --rm -T client status --json > "$work/status.json"
  local up
  up=$(json "sorted(m['address'].split('@')[1].split(':')[0] + ' ' + ','.join(m['roles']) for m in j['members'] if m['status'] == 'up' and m['reachable'])" < "$work/status.json")
  for name in seed-1 seed-2 seed-3; do
    grep -q "\"$name seed\"" <<< "$up" || fail "client status does not show $name up and reachable with role seed: $up"
  done
  for c in $(docker compose ps -q worker); do
    grep -q "\"$(host_of "$c") worker\"" <<< "$up" || fail "client status does not show worker $(host_of "$c") up with role worker: $up"
  done
  for name in seed-1 seed-2 seed-3; do
    docker logs "$name" > "$work/$name.log" 2>&1
  done
  grep -q "Coordinator running on this node" "$work/seed-1.log" || fail "the coordinator did not start on seed-1"
  for name in seed-2 seed-3; do
    ! grep -q "Coordinator running on this node" "$work/$name.log" || fail "the coordinator started on $name"
  done
  log "  the coordinator runs on seed-1, the oldest seed"
  curl -s -H "Authorization: Bearer $API_TOKEN" http://127.0.0.1:8080/cluster > "$work/cluster.json"     # the API from the host
  [[ $(json 'j["totals"]["members"]' < "$work/cluster.json") -eq 6 ]] || fail "GET /cluster from the host does not list 6 members"
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 http://127.0.0.1:8080/cluster)
  [[ $code == 401 ]] || fail "seed-1's API answered $code to a request without the token, not 401"
  # Resting figures, every node idle: memory and CPU samples of docker stats, and each container's CPU over 30 s from
  # its cgroup (health check probes, a process every 10 s, included).
  local c start_ns=() end_ns=() names=() ids role
  ids=$(nodes)
  for c in $ids; do names+=("$(docker inspect -f '{{.Name}}' "$c")"); start_ns+=("$(cpu_ns "$c")"); done
  local t0=$EPOCHREALTIME
  for _ in 1 2 3 4 5; do
    sleep 5
    # shellcheck disable=SC2046 # one argument per container id
    docker stats --no-stream --format '{{.Name}} {{.CPUPerc}} {{.MemUsage}}' $ids >> "$work/stats.txt"
  done
  sleep 4
  for c in $ids; do end_ns+=("$(cpu_ns "$c")"); done
  [[ "${start_ns[*]} ${end_ns[*]}" =~ ^[0-9\ ]+$ ]] || fail "no cgroup CPU account for every node container"
  local t1=$EPOCHREALTIME i
  for i in "${!names[@]}"; do
    awk -v n="${names[$i]#/}" -v a="${start_ns[$i]}" -v b="${end_ns[$i]}" -v t0="$t0" -v t1="$t1" \
      'BEGIN { printf "%s mean %.2f\n", n, (b - a) / 1e9 / (t1 - t0) * 100 }' >> "$work/stats.txt"
  done
  sort "$work/stats.txt" | sed 's/^/    /'
  # The health check's share: its probe, run by hand the way the engine runs it, measured by seed-2's cgroup.
  local before after
  before=$(cpu_ns seed-2)
  for _ in 1 2 3; do
    docker exec seed-2 env DOTNET_TieredCompilation=1 /app/node/primecluster-node --healthcheck > /dev/null || fail "the health probe failed on seed-2"
  done
  after=$(cpu_ns seed-2)
  figure "health check probe" "$(awk -v a="$before" -v b="$after" 'BEGIN { printf "%.0f ms of CPU a probe (mean of 3 on seed-2, the node'"'"'s own share of those seconds included)", (b - a) / 3e6 }')"
  for role in seed worker; do
    figure "${role}s at rest" "$(awk -v role="$role" '
      function keep(v, k) { if (!(k in lo) || v < lo[k]) lo[k] = v; if (!(k in hi) || v > hi[k]) hi[k] = v }
      ($1 ~ /^seed-/) != (role == "seed") { next }
      $2 == "mean" { keep($3 + 0, "mean"); next }
      { keep($2 + 0, "cpu"); keep($3 + 0, "mem") }
      END { printf "memory %.0f-%.0f MiB; CPU %.1f-%.1f%% of a core over 30 s (docker stats samples %.1f-%.1f%%)",
        lo["mem"], hi["mem"], lo["mean"], hi["mean"], lo["cpu"], hi["cpu"] }' "$work/stats.txt")"
  done
  scenario_row "3 seeds and 3 workers up; the coordinator on seed-1; the API answers 401 without the token"
}

scenario_submit() {
  docker compose run --rm client submit 1 300000 > "$work/submit.txt"     # progress on stderr, then the result table
  cat "$work/submit.txt"
  exact_table 1 300000 "$work/submit.txt"
  scenario_row "[1, 300000] exact"
}

# refusals FROM_IP: how many times seed-1 has logged refusing a cluster connection from that address.
refusals() { docker logs seed-1 2>&1 | grep -c "refused a cluster connection from $1:" || true; }

scenario_intruders() {
  local id plain ca ip_plain ip_ca
  id=$(submit_detached 1 2000000)
  log "  job $id [1, 2000000] submitted"
  # One node speaks no TLS; the other speaks it with a certificate of a CA of its own. Both know where seed-1 is.
  docker run -d --name "${intruders[0]}" --network primecluster_cluster --hostname intruder-plain \
    -e CLUSTER_SEEDS=akka.tcp://primecluster@seed-1:4053 -e CLUSTER_ROLES=worker -e API_URL=http://127.0.0.1:8080 \
    primecluster:local > /dev/null
  docker run -d --name "${intruders[1]}" --network primecluster_cluster --hostname intruder-ca \
    -e CLUSTER_SEEDS=akka.tcp://primecluster@seed-1:4053 -e CLUSTER_ROLES=worker -e API_URL=http://127.0.0.1:8080 \
    -e TLS_CERT=/tmp/own/node.crt -e TLS_KEY=/tmp/own/node.key -e TLS_CA=/tmp/own/ca.crt \
    --entrypoint sh primecluster:local -c 'primecluster-node certs /tmp/own > /dev/null && exec primecluster-node' > /dev/null
  ip_plain=$(docker inspect -f '{{(index .NetworkSettings.Networks "primecluster_cluster").IPAddress}}' "${intruders[0]}")
  ip_ca=$(docker inspect -f '{{(index .NetworkSettings.Networks "primecluster_cluster").IPAddress}}' "${intruders[1]}")
  wait_until "seed-1 refuses the node without TLS ($ip_plain)" 90 eval "[[ \$(refusals $ip_plain) -ge 1 ]]"
  wait_until "seed-1 refuses the node of another CA ($ip_ca)" 90 eval "[[ \$(refusals $ip_ca) -ge 1 ]]"
  # They keep trying (a refused address is gated for 5 s between attempts): the log keeps one line for each.
  sleep 15
  plain=$(refusals "$ip_plain")
  ca=$(refusals "$ip_ca")
  docker logs seed-1 2>&1 | grep "refused a cluster connection" | sed 's/^/    /'
  [[ $plain -eq 1 && $ca -eq 1 ]] || fail "seed-1 logged $plain and $ca refusal lines for the intruders, not one each"
  for name in intruder-plain intruder-ca; do
    is_absent seed-1 "$name" || fail "$name is a member of the cluster"
  done
  ! docker logs seed-1 2>&1 | grep -Eq '^\s+at ' || fail "seed-1 logged a stack trace"
  docker compose run --rm client watch "$id" > "$work/watch.txt" 2> "$work/watch.err" || fail "client watch $id failed: $(tail -n 5 "$work/watch.err")"
  exact_table 1 2000000 "$work/watch.txt"
  docker rm -f "${intruders[@]}" > /dev/null
  scenario_row "a node without TLS and one of another CA refused, one log line each; [1, 2000000] exact"
}

scenario_scale() {
  local id c host
  declare -A old=() seen=()
  for c in $(docker compose ps -q worker); do old[$(host_of "$c")]=1; done
  id=$(submit_detached 1 3500000)
  log "  job $id [1, 3500000] submitted"
  wait_until "job $id has batches done" 60 has_progress seed-1 "$id"
  docker compose up -d --scale worker=5 > "$work/scale.log" 2>&1 || { cat "$work/scale.log" >&2; fail "scaling to 5 workers failed"; }
  log "  scaled to 5 workers"
  local deadline=$((SECONDS + 120))
  while ((${#seen[@]} < 2)); do
    ((SECONDS < deadline)) || fail "the new workers were not seen holding batches of job $id within 120 s"
    [[ $(job_state seed-1 "$id") == running ]] || fail "job $id ended before both new workers held batches (seen: ${!seen[*]})"
    api seed-1 /cluster > "$work/cluster.json" || { sleep 0.5; continue; }
    for host in $(json "' '.join(m['address'].split('@')[1].rsplit(':', 1)[0] for m in j['members'] if 'worker' in m['roles'] and m['busy'] > 0)" < "$work/cluster.json"); do
      if [[ -z ${old[$host]:-} && -z ${seen[$host]:-} ]]; then
        seen[$host]=1
        log "  ... new worker $host holds batches of job $id"
      fi
    done
    sleep 0.5
  done
  docker compose run --rm client watch "$id" > "$work/watch.txt" 2> "$work/watch.err" || fail "client watch $id failed: $(tail -n 5 "$work/watch.err")"
  exact_table 1 3500000 "$work/watch.txt"
  wait_until "all 8 nodes are healthy" 120 all_healthy 8
  scenario_row "2 new workers took batches mid-job; [1, 3500000] exact"
}

scenario_worker-kill() {
  local id victim host t_kill t_gone
  victim=$(docker compose ps -q worker | head -n 1)
  host=$(host_of "$victim")
  id=$(docker compose run --rm -T client submit 1 3000000 --detach)
  log "  job $id [1, 3000000] submitted; worker $host is the first of docker compose ps"
  wait_until "worker $host holds batches of job $id" 60 is_busy seed-1 "$host"
  t_kill=$(now)
  # shellcheck disable=SC2046 # README's line, as written
  docker kill $(docker compose ps -q worker | head -n 1)
  log "  killed $host while the job is $(job_state seed-1 "$id")"
  docker compose run --rm client status                        # the killed worker: "up (unreachable)", then gone
  wait_until "seed-1 sees $host unreachable" 60 is_unreachable seed-1 "$host"
  wait_until "$host is downed and removed" 90 is_absent seed-1 "$host"
  t_gone=$(log_time seed-1 "Worker .*@$host:4053.* is gone") || fail "seed-1's log does not say the worker on $host is gone"
  figure "requeue after a worker's kill" "$(seconds_since "$t_kill" "$t_gone") s (docker kill to the coordinator's 'Worker ... is gone')"
  docker compose run --rm client watch "$id" > "$work/watch.txt" 2> "$work/watch.err" || fail "client watch $id failed: $(tail -n 5 "$work/watch.err")"
  exact_table 1 3000000 "$work/watch.txt"
  grep -E "Job $id: worker .*@$host:4053.*go back to the queue" "$work/log-time.txt" | cut -c1-240 | sed 's/^/    seed-1: /' || true
  docker compose run --rm client run 1 3000000 --algorithm sieve > "$work/sieve.txt"  # the same counts, computed locally
  exact_table 1 3000000 "$work/sieve.txt"
  docker compose up -d --scale worker=5 > "$work/scale.log" 2>&1 || { cat "$work/scale.log" >&2; fail "up -d --scale worker=5 failed"; }
  wait_until "the killed worker is healthy again" 120 is_healthy "$victim"
  wait_until "5 workers are registered with the coordinator" 60 workers_registered seed-1 5
  scenario_row "$host killed holding batches; requeued; [1, 3000000] exact; restarted by up --scale"
}

scenario_partition() {
  local id host w
  id=$(submit_detached 1 3000000)
  log "  job $id [1, 3000000] submitted"
  wait_until "a worker holds batches of job $id" 60 busy_worker seed-1
  host=$(busy_worker seed-1)
  w=$(container_of "$host") || fail "no worker container has host name $host"
  docker network disconnect primecluster_cluster "$w"
  log "  worker $host cut off the cluster network while the job is $(job_state seed-1 "$id")"
  wait_until "seed-1 sees $host unreachable" 60 is_unreachable seed-1 "$host"
  wait_until "$host is downed and removed" 90 is_absent seed-1 "$host"
  docker compose run --rm client watch "$id" > "$work/watch.txt" 2> "$work/watch.err" || fail "client watch $id failed: $(tail -n 5 "$work/watch.err")"
  exact_table 1 3000000 "$work/watch.txt"
  # Alone on its side, with no seed, the worker downs itself and starts joining the seeds again, in the same
  # container: it neither exits nor waits for its restart policy.
  wait_until "$host downed itself and is joining the seeds again" 90 \
    eval "docker logs $w 2>&1 | grep -q 'Downed by the cluster; joining the seeds again'"
  [[ $(docker inspect -f '{{.State.Status}}' "$w") == running ]] || fail "$host is not running after it was downed"
  wait_until "$host says it is unhealthy" 60 eval "! docker exec $w primecluster-node --healthcheck > /dev/null 2>&1"
  docker network connect primecluster_cluster "$w"
  log "  $host reconnected"
  wait_until "$host is up in the cluster again" 120 is_status seed-1 "$host" up
  wait_until "$host is healthy" 60 is_healthy "$w"
  wait_until "5 workers are registered with the coordinator" 60 workers_registered seed-1 5
  id=$(submit_detached 1 2000000)
  wait_until "the reconnected $host holds batches of job $id" 60 is_busy seed-1 "$host"
  docker compose run --rm client watch "$id" > "$work/watch.txt" 2> "$work/watch.err" || fail "client watch $id failed: $(tail -n 5 "$work/watch.err")"
  exact_table 1 2000000 "$work/watch.txt"
  scenario_row "$host cut off holding batches; downed, [1, 3000000] exact; joined again by itself and counting"
}

scenario_seed-loss() {
  local id
  id=$(docker compose run --rm -T client submit 1 2500000 --detach --cluster http://seed-3:8080) || fail "seed-3 did not accept a job"
  log "  job $id [1, 2500000] submitted through seed-3"
  wait_until "job $id has batches done" 60 has_progress seed-1 "$id"
  docker kill seed-3 > /dev/null
  log "  seed-3 killed"
  wait_until "seed-3 is downed and removed" 90 is_absent seed-1 seed-3
  docker compose run --rm client watch "$id" > "$work/watch.txt" 2> "$work/watch.err" || fail "client watch $id failed: $(tail -n 5 "$work/watch.err")"
  exact_table 1 2500000 "$work/watch.txt"
  docker compose run --rm client submit 1 300000 > "$work/submit.txt" 2> "$work/submit.err" || fail "a job while seed-3 is down failed"
  exact_table 1 300000 "$work/submit.txt"
  docker compose up -d seed-3 > "$work/seed.log" 2>&1 || { cat "$work/seed.log" >&2; fail "up -d seed-3 failed"; }
  wait_until "seed-3 is healthy again" 120 is_healthy seed-3
  wait_until "seed-3 is up in the cluster again" 60 is_status seed-1 seed-3 up
  scenario_row "seed-3 killed mid-job; [1, 2500000] and a new job exact; seed-3 back"
}

scenario_takeover() {
  local id t_kill t_resumed="" s done_before
  id=$(submit_detached 1 3000000)
  log "  job $id [1, 3000000] submitted"
  wait_until "job $id has batches done" 60 has_progress seed-1 "$id"
  done_before=$(api seed-1 "/jobs/$id" | json 'str(j["progress"]["batches_done"]) + " of " + str(j["progress"]["batches_total"])')
  t_kill=$(now)
  docker kill seed-1
  log "  seed-1 killed with $done_before batches done"
  docker compose run --rm --no-deps client watch "$id" --cluster http://seed-2:8080 > "$work/watch.txt" 2> "$work/watch.err" \
    || fail "client watch $id through seed-2 failed: $(tail -n 5 "$work/watch.err")"
  grep -v '^job ' "$work/watch.err" | grep -v '^Creating ' | sed 's/^/    watch: /' || true
  exact_table 1 3000000 "$work/watch.txt"
  [[ $(job_state seed-2 "$id") == "done" ]] || fail "seed-2's API on the host's 127.0.0.1:8081 does not show job $id done"
  for s in seed-2 seed-3; do
    t_resumed=$(log_time "$s" "Job $id resumed from its checkpoint") && { log "  the coordinator resumed job $id on $s"; break; }
  done
  [[ -n $t_resumed ]] || fail "neither seed-2's nor seed-3's log says job $id resumed from its checkpoint"
  grep -m 1 "Job $id resumed" "$work/log-time.txt" | cut -c1-240 | sed "s/^/    $s: /"
  figure "takeover after seed-1's kill" "$(seconds_since "$t_kill" "$t_resumed") s (docker kill to '$s: Job ... resumed from its checkpoint')"
  wait_until "seed-1 is downed and removed" 60 is_absent seed-2 seed-1
  docker compose up -d seed-1 > "$work/seed.log" 2>&1 || { cat "$work/seed.log" >&2; fail "up -d seed-1 failed"; }
  wait_until "seed-1 is healthy again" 120 is_healthy seed-1
  wait_until "seed-1 is up in the cluster again" 60 is_status seed-2 seed-1 up
  docker compose run --rm client submit 1 300000 > "$work/submit.txt" 2> "$work/submit.err" || fail "a job through the restarted seed-1 failed"
  exact_table 1 300000 "$work/submit.txt"
  scenario_row "seed-1 killed with $done_before batches done; $s resumed; [1, 3000000] exact; seed-1 back"
}

scenario_journal() {
  local finished id done_before t_up t_resumed
  finished=$(submit_detached 1 300000)
  wait_until "job $finished is done" 120 is_job_done seed-1 "$finished"
  id=$(submit_detached 1 3000000)
  log "  job $id [1, 3000000] submitted"
  wait_until "job $id has batches done" 60 has_progress seed-1 "$id"
  done_before=$(api seed-1 "/jobs/$id" | json 'str(j["progress"]["batches_done"]) + " of " + str(j["progress"]["batches_total"])')
  # The named volumes stay: each seed's journal with them.
  docker compose down > "$work/journal-down.log" 2>&1 || { cat "$work/journal-down.log" >&2; fail "docker compose down failed"; }
  log "  docker compose down with $done_before batches of job $id done"
  t_up=$(now)
  docker compose up -d --build --scale worker=3 > "$work/up.log" 2>&1 || { cat "$work/up.log" >&2; fail "docker compose up failed"; }
  wait_until "seed-1 is healthy again" 180 is_healthy seed-1
  docker compose run --rm -T client jobs > "$work/jobs.txt" 2> "$work/jobs.err" || fail "client jobs failed: $(tail -n 3 "$work/jobs.err")"
  sed 's/^/    jobs: /' "$work/jobs.txt"
  grep -q "^$finished .*done" "$work/jobs.txt" || fail "client jobs does not list job $finished, done before the restart"
  grep -q "^$id " "$work/jobs.txt" || fail "client jobs does not list job $id, running before the restart"
  docker compose run --rm --no-deps client watch "$id" > "$work/watch.txt" 2> "$work/watch.err" \
    || fail "client watch $id after the restart failed: $(tail -n 5 "$work/watch.err")"
  exact_table 1 3000000 "$work/watch.txt"
  t_resumed=$(log_time seed-1 "Job $id resumed from its checkpoint") || fail "seed-1's log does not say job $id resumed from its checkpoint"
  grep -m 1 "Job $id resumed" "$work/log-time.txt" | cut -c1-240 | sed "s/^/    seed-1: /"
  figure "journal: up to job resumed" "$(seconds_since "$t_up" "$t_resumed") s (docker compose up to 'seed-1: Job ... resumed from its checkpoint')"
  wait_until "all 6 nodes are healthy" 180 all_healthy 6
  scenario_row "down and up with $done_before batches done: both jobs listed; [1, 3000000] resumed and exact"
}

scenario_down() {
  local id t_down t_done workers seeds line name code at bad=""
  id=$(submit_detached 1 3000000)
  wait_until "job $id has batches done" 60 has_progress seed-1 "$id"
  workers=$(docker compose ps -q worker)
  # The seeds' containers now: those of an earlier down and up (the journal scenario) are gone.
  seeds=$(docker compose ps -q seed-1 seed-2 seed-3)
  t_down=$(now)
  docker compose down
  t_done=$(now)
  project_up=0
  sleep 1
  log "  down took $(seconds_since "$t_down" "$t_done") s"
  for c in $workers $seeds; do
    line=$(awk -v id="$c" -v t="$t_down" '$2 == "die" && $3 == id && $1 / 1e9 >= t { l = $0 } END { print l }' "$work/events.log")
    [[ -n $line ]] || { bad+=" ${c:0:12}: no exit seen"; continue; }
    read -r at _ _ name code <<< "$line"
    at=$(seconds_since "$t_down" "$(awk -v n="$at" 'BEGIN { printf "%.3f", n / 1e9 }')")
    log "  $name (${c:0:12}) exited with $code, $at s after down began"
    [[ $code == 0 ]] || bad+=" $name: exit $code"
    awk -v a="$at" 'BEGIN { exit !(a < 30) }' || bad+=" $name: after $at s"
  done
  [[ -z $bad ]] || fail "after docker compose down:$bad"
  figure "docker compose down mid-job" "$(seconds_since "$t_down" "$t_done") s; every node exited 0"
  scenario_row "every node left mid-job and exited 0 within the 30 s grace period"
}

for scenario in "${scenarios[@]}"; do
  current=$scenario
  scenario_start=$(now)
  log "scenario $scenario"
  "scenario_$scenario"
done
current=""
outcome=passed
print_summary
printf '\n%-34s %s\n' figure value
for row in "${figures[@]}"; do
  IFS='|' read -r a b <<< "$row"
  printf '%-34s %s\n' "$a" "$b"
done
printf '\ncompose-story: all %d scenarios passed in %s s\n' "${#scenarios[@]}" "$(elapsed)"
