# What the Docker stories (docker/compose-story.sh, docker/stack-story.sh) share, sourced by both: the tools and the
# engine they need, one story at a time on a machine, bounded waits, the seeds' API and the cluster as it answers,
# every job's counts against the sieve, the figures and the summary, and a cleanup that runs on any exit.
#
# A story sets, before sourcing this file:
#   story               its name, for messages and its temporary folder (compose-story, stack-story)
#   all_scenarios       its scenarios in order; STORY_SCENARIOS (or the story's own variable, passed to story_start)
#                       picks some, which must start with the first
#   api_port            an associative array: seed name -> the port its API is published on, on the host's loopback
# and defines:
#   client ARGS...      runs the client (primecluster) against seed-1's API, no terminal, stdout captured
#   oracle_client ARGS  runs the client where it needs no cluster (the sieve of exact_table)
#   teardown            removes what the story made (called once at exit, failure included)
#   on_failure          prints what helps to see why (containers, logs), at a failure
# and then calls story_start SELECTION [PACKAGE...] and, after its scenario_NAME functions, story_run.

# Nothing here reads a terminal, whatever CI gives the story.
exec < /dev/null

start_s=$EPOCHREALTIME
work=$(mktemp -d -t "primecluster-$story.XXXXXX")
dockerd_pid=""
events_pid=""
outcome=running
current=""
scenario_start=""
declare -a summary=() figures=() scenarios=()
declare -A expected=()
# What README states, so that the sieve itself is checked too.
declare -A known=(["1 300000"]="25997 3712902177" ["1 3000000"]="216816 312545217624")

elapsed() { awk -v a="$start_s" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
log() { printf '[%6ss] %s\n' "$(elapsed)" "$*"; }
fail() {
  printf '\n%s: FAILED%s: %s\n' "$story" "${current:+ (scenario $current)}" "$*" >&2
  exit 1
}
now() { date +%s.%N; }
seconds_since() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# dockerd needs the cgroup file systems; a machine booted without an init that mounts them gets them from cgroupfs-mount.
cgroups_mounted() { awk '$3 == "cgroup" || $3 == "cgroup2" { found = 1 } END { exit !found }' /proc/mounts; }

# story_start SELECTION [PACKAGE...]: the scenarios SELECTION names (all when empty), the tools (Debian's packages, and
# the PACKAGEs a story adds when their command is missing, given as COMMAND:PACKAGE), the machine's lock, the cleanup
# trap and a running engine.
story_start() {
  local selection=$1 s
  shift
  scenarios=("${all_scenarios[@]}")
  if [[ -n $selection ]]; then
    read -r -a scenarios <<< "$selection"
    for s in "${scenarios[@]}"; do
      [[ " ${all_scenarios[*]} " == *" $s "* ]] || { echo "$story: no scenario '$s'; there are: ${all_scenarios[*]}" >&2; exit 2; }
    done
    [[ ${scenarios[0]} == "${all_scenarios[0]}" ]] || { echo "$story: the scenarios must start with ${all_scenarios[0]}" >&2; exit 2; }
  fi

  [[ $(id -u) -eq 0 ]] || fail "needs root (packages, dockerd, debootstrap)"
  local missing=() wanted
  command -v dockerd > /dev/null || missing+=(docker.io)
  command -v debootstrap > /dev/null || missing+=(debootstrap)
  command -v curl > /dev/null || missing+=(curl)
  command -v python3 > /dev/null || missing+=(python3)
  command -v openssl > /dev/null || missing+=(openssl)
  if ! cgroups_mounted && ! command -v cgroupfs-mount > /dev/null; then
    missing+=(cgroupfs-mount)
  fi
  for wanted in "$@"; do
    command -v "${wanted%%:*}" > /dev/null || missing+=("${wanted#*:}")
  done
  if [[ ${#missing[@]} -gt 0 ]]; then
    log "installing from Debian's packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update && apt-get install -y "${missing[@]}"; } > "$work/apt.log" 2>&1 \
      || { tail -n 30 "$work/apt.log" >&2; fail "apt-get install ${missing[*]} failed"; }
  fi

  # One story at a time on a machine: container names, host ports and the swarm are the machine's.
  local lock=/run/lock/primecluster-docker-story.lock
  [[ -d /run/lock && -w /run/lock ]] || lock=/tmp/primecluster-docker-story.lock
  exec 9> "$lock"
  flock -w 1200 9 || fail "another Docker story holds $lock for more than 20 minutes"

  trap story_cleanup EXIT
  trap 'printf "\n%s: FAILED at line %s: %s\n" "$story" "$LINENO" "$BASH_COMMAND" >&2' ERR
  trap 'printf "\n%s: interrupted\n" "$story" >&2; exit 130' INT TERM

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

  # The engine's container events, for exit codes and times of containers that are removed. A process of its own,
  # without the lock's descriptor.
  command docker events --filter type=container --filter event=die --filter event=start \
    --format '{{.TimeNano}} {{.Action}} {{.Actor.ID}} {{index .Actor.Attributes "name"}} {{index .Actor.Attributes "exitCode"}}' \
    > "$work/events.log" 2>&1 9>&- &
  events_pid=$!
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

story_cleanup() {
  local status=$?
  set +e
  trap - EXIT INT TERM ERR
  if [[ $outcome == running ]]; then
    # A command that failed outside any check stops the story through set -e, without a message of its own.
    [[ $status -eq 0 ]] || printf '\n%s: stopped with exit status %s%s\n' "$story" "$status" "${current:+ in scenario $current}" >&2
    [[ -n $current ]] && summary+=("$current|FAIL|-|see above")
    print_summary
    on_failure
  fi
  teardown
  [[ -n $events_pid ]] && kill "$events_pid" 2> /dev/null && wait "$events_pid" 2> /dev/null
  if [[ -n $dockerd_pid ]]; then
    kill -TERM "$dockerd_pid" 2> /dev/null
    for _ in $(seq 150); do kill -0 "$dockerd_pid" 2> /dev/null || break; sleep 0.2; done
    kill -0 "$dockerd_pid" 2> /dev/null && { echo "$story: dockerd did not stop; killing it" >&2; kill -KILL "$dockerd_pid"; }
    wait "$dockerd_pid" 2> /dev/null
    echo "$story: dockerd (started by this script) stopped"
  fi
  rm -rf "$work"
  [[ $status -eq 0 && $outcome != passed ]] && status=1
  exit $status
}

# story_run: every scenario chosen, in order, then the summary and the figures.
story_run() {
  local scenario row a b
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
  printf '\n%s: all %d scenarios passed in %s s\n' "$story" "${#scenarios[@]}" "$(elapsed)"
}

scenario_row() { summary+=("$current|pass|$(seconds_since "$scenario_start" "$(now)")s|$1"); }
figure() { figures+=("$1|$2"); log "  figure: $1: $2"; }

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
# Unreachable, or already downed and removed: a slow look can miss the moment between.
is_unreachable_or_gone() { [[ $(member "$1" "$2" reachable) == @(false|absent) ]]; }
is_busy() { [[ $(member "$1" "$2" busy) =~ ^[1-9] ]]; }
workers_registered() { [[ $(api "$1" /cluster | json 'j["totals"]["workers"]') -eq $2 ]]; }
# members_up SEED SEEDS WORKERS: SEED sees exactly that many seeds and workers, every one up and reachable.
members_up() {
  [[ $(api "$1" /cluster | json "' '.join(str(sum(1 for m in j['members'] if r in m['roles'] and m['status'] == 'up' and m['reachable'])) + '/' + str(sum(1 for m in j['members'] if r in m['roles'])) for r in ('seed', 'worker'))") == "$2/$2 $3/$3" ]]
}
has_progress() { [[ $(api "$1" "/jobs/$2" | json 'j["progress"]["batches_done"]') =~ ^[1-9] ]]; }
job_state() { api "$1" "/jobs/$2" | json 'j["state"]'; }
is_job_done() { [[ $(job_state "$1" "$2") == done ]]; }
# busy_worker SEED: the host of a worker holding batches, as its address names it, as SEED sees it (fails when none does).
busy_worker() {
  api "$1" /cluster | json "next(m['address'].split('@')[1].rsplit(':', 1)[0] for m in j['members'] if 'worker' in m['roles'] and m['busy'] > 0)"
}
# busy_workers SEED: the hosts of every worker holding batches.
busy_workers() {
  api "$1" /cluster | json "' '.join(m['address'].split('@')[1].rsplit(':', 1)[0] for m in j['members'] if 'worker' in m['roles'] and m['busy'] > 0)"
}

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
# is_healthy CONTAINER: healthy by a probe run since the container last started (a restarted container shows the
# status of its previous run until its first probe).
is_healthy() {
  local f
  read -r -a f <<< "$(docker inspect -f '{{.State.StartedAt}} {{if .State.Health}}{{.State.Health.Status}}{{range .State.Health.Log}} {{.Start.Format "2006-01-02T15:04:05.999999999Z07:00"}}{{end}}{{end}}' "$1")"
  [[ ${f[1]:-} == healthy && ${#f[@]} -ge 3 ]] || return 1
  (($(date -d "${f[-1]}" +%s%N) > $(date -d "${f[0]}" +%s%N)))
}
is_exited() { [[ $(docker inspect -f '{{.State.Status}}' "$1") == exited ]]; }

# log_time CONTAINER PATTERN: the engine's time stamp (epoch seconds) of the first log line matching PATTERN; the log
# is left in $work/log-time.txt.
log_time() {
  local stamp
  docker logs -t "$1" > "$work/log-time.txt" 2>&1 || return 1
  stamp=$(grep -m 1 -E -- "$2" "$work/log-time.txt" | cut -d' ' -f1) || return 1
  [[ -n $stamp ]] && date -d "$stamp" +%s.%N
}

# exits_since T CONTAINER...: each container's exit as the engine's events saw it after T (epoch seconds): "NAME CODE
# SECONDS_AFTER_T" lines, or "ID none" for one not seen exiting.
exits_since() {
  local t=$1 c line at name code
  shift
  for c in "$@"; do
    line=$(awk -v id="$c" -v t="$t" '$2 == "die" && index($3, id) == 1 && $1 / 1e9 >= t { l = $0 } END { print l }' "$work/events.log")
    if [[ -z $line ]]; then
      printf '%s none\n' "${c:0:12}"
      continue
    fi
    read -r at _ _ name code <<< "$line"
    printf '%s %s %s\n' "$name" "$code" "$(seconds_since "$t" "$(awk -v n="$at" 'BEGIN { printf "%.3f", n / 1e9 }')")"
  done
}

# left_cleanly T GRACE CONTAINER...: each container exited 0 within GRACE seconds of T, as the engine's events saw it.
left_cleanly() {
  local t=$1 grace=$2 line code at bad=""
  shift 2
  sleep 1
  while read -r line; do
    log "  exited: $line"
    read -r _ code at <<< "$line"
    [[ $code == 0 ]] || bad+="; $line"
    awk -v a="${at:-99}" -v g="$grace" 'BEGIN { exit !(a < g) }' || bad+="; $line"
  done < <(exits_since "$t" "$@")
  [[ -z $bad ]] || fail "not every node exited 0 within $grace s$bad"
}

# new_workers_busy SEED JOB COUNT OLD_HOSTS: waits, at most 150 s and while the job runs, until COUNT workers whose
# hosts are not among OLD_HOSTS (space-separated, as their addresses name them) hold batches of the job.
new_workers_busy() {
  local seed=$1 id=$2 count=$3 old=" $4 " host deadline=$((SECONDS + 150))
  declare -A seen=()
  while ((${#seen[@]} < count)); do
    ((SECONDS < deadline)) || fail "$count new workers were not seen holding batches of job $id within 150 s (seen: ${!seen[*]})"
    [[ $(job_state "$seed" "$id") == running ]] || fail "job $id ended before $count new workers held batches (seen: ${!seen[*]})"
    for host in $(busy_workers "$seed" 2> /dev/null); do
      if [[ $old != *" $host "* && -z ${seen[$host]:-} ]]; then
        seen[$host]=1
        log "  ... new worker $host holds batches of job $id"
      fi
    done
    sleep 0.5
  done
}

# oracle FROM TIL: remembers "prime_count check_count" of the range in expected, from the client's own sieve (once per range).
oracle() {
  local key="$1 $2" answer
  [[ -z ${expected[$key]:-} ]] || return 0
  answer=$(oracle_client run "$1" "$2" --algorithm sieve --json 2> "$work/oracle.err" \
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

# submit_detached FROM TIL: a job started, its id printed.
submit_detached() {
  local id
  id=$(client submit "$1" "$2" --detach 2> "$work/submit.err") || fail "client submit $1 $2 --detach: $(tail -n 3 "$work/submit.err")"
  [[ $id =~ ^[A-Za-z0-9_-]+$ ]] || fail "client submit --detach printed '$id', not a job id"
  printf '%s\n' "$id"
}

# watch_exact ID FROM TIL [CLIENT ARGS...]: follows the job to its end; its table is exact.
watch_exact() {
  local id=$1 from=$2 til=$3
  shift 3
  client watch "$id" "$@" > "$work/watch.txt" 2> "$work/watch.err" || fail "client watch $id failed: $(tail -n 5 "$work/watch.err")"
  exact_table "$from" "$til" "$work/watch.txt"
}

# probe_cost CONTAINER: what the image's health probe costs, against the node's own .NET probe it replaced (as the image
# ran it, with tiered compilation, which halves its CPU) and against `true`, the engine's own cost of running any probe
# (runc's exec, which runs in the container's cgroup), each run the way the engine runs them (docker exec), alternating,
# five rounds: CPU by the container's cgroup over each run, less the node's CPU at rest over as long (measured just
# before), so the node's share of answering the probe is included.
probe_cost() {
  local c=$1 round rest0 rest1 t0 t1 rest_rate
  local -a floor=() cheap=() full=()
  rest0=$(cpu_ns "$c") t0=$(now)
  sleep 10
  rest1=$(cpu_ns "$c") t1=$(now)
  rest_rate=$(awk -v a="$rest0" -v b="$rest1" -v t0="$t0" -v t1="$t1" 'BEGIN { printf "%.0f", (b - a) / (t1 - t0) }')
  # probe_ms COMMAND...: the CPU milliseconds one docker exec of COMMAND costs the container, less its rest.
  probe_ms() {
    local before after t0 t1
    t0=$(now) before=$(cpu_ns "$c")
    docker exec "$c" "$@" > /dev/null || fail "docker exec $c $* failed"
    after=$(cpu_ns "$c") t1=$(now)
    awk -v a="$before" -v b="$after" -v r="$rest_rate" -v t="$(seconds_since "$t0" "$t1")" 'BEGIN { printf "%.1f", (b - a - r * t) / 1e6 }'
  }
  for round in 1 2 3 4 5; do
    floor+=("$(probe_ms true)")
    cheap+=("$(probe_ms primecluster-healthcheck)")
    full+=("$(probe_ms env DOTNET_TieredCompilation=1 /app/node/primecluster-node --healthcheck)")
  done
  printf 'primecluster-healthcheck %s ms of CPU; primecluster-node --healthcheck %s; docker exec of true %s (%s, alternating, less its rest)\n' \
    "$(tr ' ' ',' <<< "${cheap[*]}")" "$(tr ' ' ',' <<< "${full[*]}")" "$(tr ' ' ',' <<< "${floor[*]}")" "$c"
}
