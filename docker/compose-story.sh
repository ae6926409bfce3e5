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
# What it needs it brings (docker/story.sh, shared with docker/stack-story.sh): docker.io, docker-compose and
# debootstrap from Debian's packages when missing (root);
# a Docker engine (dockerd is started when none answers, and stopped at the end); the Dockerfile's base images
# (docker/base-images.sh builds local stand-ins when they cannot be pulled). Containers, networks and volumes of the
# compose project are removed at the end, failure included; images are kept as a build cache.
# Every command of README's compose section is run here as written (this script checks that first).
#
# To add a scenario: write scenario_NAME (bounded waits, `fail` on any wrong answer) and add NAME to `all_scenarios`.
#
#   docker/compose-story.sh            # COMPOSE_STORY_KEEP_LOGS=DIR copies every container's log there
#   COMPOSE_STORY_SCENARIOS="up journal down" docker/compose-story.sh   # some scenarios only, in this order; up first
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

readonly self=docker/compose-story.sh
story=compose-story
readonly all_scenarios=(up status submit intruders scale worker-kill partition seed-loss takeover journal down)
# The seeds' APIs on the host, as the compose file publishes them.
declare -A api_port=([seed-1]=${SEED_1_API_PORT:-8080} [seed-2]=${SEED_2_API_PORT:-8081} [seed-3]=${SEED_3_API_PORT:-8082})
# Containers of the intruders scenario, not of the compose project: removed by name.
readonly intruders=(primecluster-intruder-plain primecluster-intruder-ca)
project_up=0
project_made=0     # set once the project was up: its volumes (the seeds' journals, the CA) are removed at the end
# shellcheck source=docker/story.sh
source docker/story.sh

client() { docker compose run --rm -T client "$@"; }
# --no-deps: the sieve needs no cluster, and a run with dependencies would start a seed a scenario took away.
oracle_client() { docker compose run --rm -T --no-deps client "$@"; }

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

on_failure() { [[ $project_up -eq 1 ]] && print_logs; }

teardown() {
  command docker rm -f "${intruders[@]}" > /dev/null 2>&1
  [[ $project_up -eq 1 && -n ${COMPOSE_STORY_KEEP_LOGS:-} ]] && keep_logs
  if [[ $project_made -eq 1 ]]; then
    docker compose --profile client down --volumes --remove-orphans --timeout 10 > "$work/down.log" 2>&1 \
      || cat "$work/down.log" >&2
  fi
}

extra=()
command docker compose version > /dev/null 2>&1 || extra+=(docker-compose:docker-compose)
story_start "${COMPOSE_STORY_SCENARIOS:-}" "${extra[@]}"

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

# README's compose section: every command in its code blocks is one this script runs, word for word.
readme_commands() {
  awk '/^## A cluster with Docker Compose/ { on = 1; next } /^## / { on = 0 }
       on && /^```/ { block = !block; next }
       on && block' README.md \
    | grep -v -e '(illustrative' | sed -e 's/[[:space:]]\{2,\}#.*$//' -e 's/[[:space:]]*$//' | grep -v -e '^#' -e '^$' || true
}
readme_count=0
while IFS= read -r line; do
  grep -Fq -- "$line" "$self" || fail "README's compose section has a command this script does not run: $line"
  readme_count=$((readme_count + 1))
done < <(readme_commands)
[[ $readme_count -ge 10 ]] || fail "found only $readme_count commands in README's compose section"
log "README: the $readme_count commands of its compose section are all played here"

# ---------------------------------------------------------------------------------------------------------------
# Helpers of the compose project (docker/story.sh has the rest).
host_of() { docker inspect -f '{{.Config.Hostname}}' "$1"; }
# The node containers (seeds and workers), not one-shot or client containers of the project.
nodes() { docker compose ps -q seed-1 seed-2 seed-3 worker; }
all_healthy() {
  local c ids
  ids=$(nodes) || return 1
  [[ $(wc -w <<< "$ids") -eq $1 ]] || return 1
  for c in $ids; do is_healthy "$c" || return 1; done
}
# container_of HOST: the worker container whose host name is HOST.
container_of() {
  local c
  for c in $(docker compose ps -q worker); do
    [[ $(host_of "$c") == "$1" ]] && { printf '%s\n' "$c"; return 0; }
  done
  return 1
}

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
  for port in "${api_port[@]}"; do
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
  figure "health check probe" "$(probe_cost seed-2)"
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
  watch_exact "$id" 1 2000000
  docker rm -f "${intruders[@]}" > /dev/null
  scenario_row "a node without TLS and one of another CA refused, one log line each; [1, 2000000] exact"
}

scenario_scale() {
  local id c old=""
  for c in $(docker compose ps -q worker); do old+="$(host_of "$c") "; done
  id=$(submit_detached 1 3500000)
  log "  job $id [1, 3500000] submitted"
  wait_until "job $id has batches done" 60 has_progress seed-1 "$id"
  docker compose up -d --scale worker=5 > "$work/scale.log" 2>&1 || { cat "$work/scale.log" >&2; fail "scaling to 5 workers failed"; }
  log "  scaled to 5 workers"
  new_workers_busy seed-1 "$id" 2 "$old"
  watch_exact "$id" 1 3500000
  wait_until "all 8 nodes are healthy" 120 all_healthy 8
  scenario_row "2 new workers took batches mid-job; [1, 3500000] exact"
}

scenario_worker-kill() {
  local id victim host t_kill t_gone
  victim=$(docker compose ps -q worker | sed -n 1p)   # not head: it would cut the pipe, and pipefail stops the story
  host=$(host_of "$victim")
  id=$(docker compose run --rm -T client submit 1 3000000 --detach)
  log "  job $id [1, 3000000] submitted; worker $host is the first of docker compose ps"
  wait_until "worker $host holds batches of job $id" 60 is_busy seed-1 "$host"
  t_kill=$(now)
  # shellcheck disable=SC2046 # README's line, as written
  docker kill $(docker compose ps -q worker | head -n 1)
  log "  killed $host while the job is $(job_state seed-1 "$id")"
  docker compose run --rm client status                        # the killed worker: "up (unreachable)", then gone
  wait_until "seed-1 sees $host unreachable (or gone already)" 60 is_unreachable_or_gone seed-1 "$host"
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
  wait_until "seed-1 sees $host unreachable (or gone already)" 60 is_unreachable_or_gone seed-1 "$host"
  wait_until "$host is downed and removed" 90 is_absent seed-1 "$host"
  watch_exact "$id" 1 3000000
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
  watch_exact "$id" 1 2000000
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
  watch_exact "$id" 1 2500000
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
  local id t_down t_done workers seeds
  id=$(submit_detached 1 3000000)
  wait_until "job $id has batches done" 60 has_progress seed-1 "$id"
  workers=$(docker compose ps -q worker)
  # The seeds' containers now: those of an earlier down and up (the journal scenario) are gone.
  seeds=$(docker compose ps -q seed-1 seed-2 seed-3)
  t_down=$(now)
  docker compose down
  t_done=$(now)
  project_up=0
  log "  down took $(seconds_since "$t_down" "$t_done") s"
  # shellcheck disable=SC2086 # one argument per container id
  left_cleanly "$t_down" 30 $workers $seeds
  figure "docker compose down mid-job" "$(seconds_since "$t_down" "$t_done") s; every node exited 0"
  scenario_row "every node left mid-job and exited 0 within the 30 s grace period"
}

story_run
