#!/usr/bin/env bash
# The README's Docker Swarm story, played on a real engine as a single-node swarm, every job's (prime_count,
# check_count) checked against the sieve:
#   deploy       docker stack deploy of docker/docker-stack.yml (certificates as swarm secrets): every task running
#                and healthy, three seeds and three workers Up in the cluster; a job exact
#   scale        docker service scale of the workers to 5, then back to 3, while a job runs: the new workers take
#                batches, the two stopped hand theirs back and exit 0; exact
#   worker-kill  a worker task holding batches killed: the swarm replaces it, its batches are requeued; exact
#   update       docker service update of the workers to a rebuilt image while a job runs (a rolling update,
#                start-first, one task at a time): exact, and its time against the same job without an update
#   seed-kill    seed-1's task, holding the coordinator, killed mid-job: another seed resumes the job from its
#                checkpoint, the swarm starts seed-1 again on its journal volume and it joins; exact
#   rm           docker stack rm mid-job: every task leaves and exits 0 within its grace period; the swarm is left
# It prints the figures README quotes (deploy to converged, a killed task's batches requeued, the rolling update's
# effect on a running job) and, on a failure, the services' tasks and logs; it exits non-zero on any failure.
#
# What it needs it brings (docker/story.sh, shared with docker/compose-story.sh): Debian's docker.io and debootstrap
# when missing, a Docker engine (started when none answers, stopped at the end), the Dockerfile's base images
# (docker/base-images.sh), and a swarm: `docker swarm init --advertise-addr 127.0.0.1` when the engine is in none (left
# at the end); in a swarm already, it labels this node for the seeds and removes the labels at the end. The stack, its
# volumes and secrets and the rebuilt image are removed at the end, failure included; primecluster:local is kept.
#
#   docker/stack-story.sh              # STACK_STORY_SCENARIOS="deploy update rm": some scenarios, in order; deploy first
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

story=stack-story
readonly all_scenarios=(deploy scale worker-kill update seed-kill rm)
readonly stack=primecluster
# The seeds' APIs, published in host mode on this node.
declare -A api_port=([seed-1]=${SEED_1_API_PORT:-8080} [seed-2]=${SEED_2_API_PORT:-8081} [seed-3]=${SEED_3_API_PORT:-8082})
readonly labels=(primecluster.seed-1 primecluster.seed-2 primecluster.seed-3)
swarm_made=0       # the story made the swarm: it leaves it at the end
labelled=""        # the node the story labelled, in a swarm it did not make
stack_up=0
# shellcheck source=docker/story.sh
source docker/story.sh

export API_TOKEN="" CERTS_DIR=$work/certs WORKERS=1 WORKER_REPLICAS=3

client() {
  docker run --rm --network "${stack}_api" -e PRIMECLUSTER_URL=http://seed-1:8080 -e PRIMECLUSTER_TOKEN="$API_TOKEN" \
    --entrypoint /app/cli/primecluster primecluster:local "$@"
}
oracle_client() { docker run --rm --network none --entrypoint /app/cli/primecluster primecluster:local "$@"; }

# The containers of a service's tasks that are running now.
tasks_of() { docker ps -q --filter "label=com.docker.swarm.service.name=${stack}_$1"; }
node_containers() { docker ps -q --filter "label=com.docker.stack.namespace=$stack"; }
# The address a worker's container advertises: its address on the cluster network.
address_of() { docker inspect -f "{{(index .NetworkSettings.Networks \"${stack}_cluster\").IPAddress}}" "$1"; }
# container_of HOST: the node container whose address on the cluster network, or host name, is HOST.
container_of() {
  local c
  for c in $(node_containers); do
    [[ $(address_of "$c") == "$1" || $(docker inspect -f '{{.Config.Hostname}}' "$c") == "$1" ]] && { printf '%s\n' "$c"; return 0; }
  done
  return 1
}
# running SERVICE COUNT: the service has COUNT tasks running (healthy, for a service with a health check), no more.
running() {
  [[ $(docker service ls --filter "name=${stack}_$1" --format '{{.Name}} {{.Replicas}}' | awk -v n="${stack}_$1" '$1 == n { print $2 }') == "$2/$2" ]] \
    && [[ $(tasks_of "$1" | wc -w) -eq $2 ]]
}
# converged WORKERS: every service's tasks running and healthy, and seed-1 sees three seeds and WORKERS workers Up.
converged() {
  running seed-1 1 && running seed-2 1 && running seed-3 1 && running worker "$1" || return 1
  local c
  for c in $(node_containers); do is_healthy "$c" || return 1; done
  members_up seed-1 3 "$1" && workers_registered seed-1 "$1"
}
coordinator_seed() { api seed-2 /cluster | json "next(m['address'].split('@')[1].rsplit(':', 1)[0] for m in j['members'] if m['coordinator'])"; }
# metric SEED NAME: the sum of a metric's series on the seed's /metrics.
metric() { api "$1" /metrics | awk -v n="$2" '$1 == n || index($1, n "{") == 1 { s += $2 } END { print s + 0 }'; }

on_failure() {
  [[ $stack_up -eq 1 ]] || return 0
  printf '\n----- docker stack ps %s -----\n' "$stack" >&2
  docker stack ps "$stack" --no-trunc --format '{{.Name}} {{.Image}} {{.CurrentState}} {{.Error}}' >&2 2> /dev/null || true
  local c
  for c in $(docker ps -aq --filter "label=com.docker.stack.namespace=$stack"); do
    printf '\n----- %s (last 60 lines) -----\n' "$(docker inspect -f '{{.Name}} {{.State.Status}} exit {{.State.ExitCode}}' "$c")" >&2
    docker logs --tail 60 -t "$c" 2>&1 | cut -c1-400 >&2 || true
  done
}

# stack_gone: the stack's services, tasks' containers and networks are gone.
stack_gone() {
  [[ -z $(docker stack ls --format '{{.Name}}' | grep -x "$stack") ]] \
    && [[ -z $(docker ps -aq --filter "label=com.docker.stack.namespace=$stack") ]] \
    && [[ -z $(docker network ls -q --filter "label=com.docker.stack.namespace=$stack") ]]
}

teardown() {
  local v
  if [[ $stack_up -eq 1 ]] || docker stack ls --format '{{.Name}}' 2> /dev/null | grep -qx "$stack"; then
    docker stack rm "$stack" > /dev/null 2>&1
    for _ in $(seq 120); do stack_gone && break; sleep 0.5; done
    # Containers of removed tasks linger a moment after they exit; the volumes go once they have.
    docker rm -f $(docker ps -aq --filter "label=com.docker.stack.namespace=$stack") > /dev/null 2>&1
  fi
  for v in seed-1-data seed-2-data seed-3-data; do docker volume rm "${stack}_$v" > /dev/null 2>&1; done
  docker rmi primecluster:next > /dev/null 2>&1
  if [[ -n $labelled ]]; then
    docker node update $(printf -- '--label-rm %s ' "${labels[@]}") "$labelled" > /dev/null 2>&1
  fi
  if [[ $swarm_made -eq 1 ]]; then
    docker swarm leave --force > /dev/null 2>&1 && echo "$story: left the swarm it made"
  fi
}

story_start "${STACK_STORY_SCENARIOS:-}"
API_TOKEN=$(openssl rand -hex 16)

# ---------------------------------------------------------------------------------------------------------------
scenario_deploy() {
  bash docker/base-images.sh || fail "the Dockerfile's base images are missing and no stand-in could be built"
  [[ -z $(docker stack ls --format '{{.Name}}' 2> /dev/null | grep -x "$stack") ]] || fail "a stack named $stack runs already; remove it first: docker stack rm $stack"
  local v port t0 t1 node
  for v in seed-1-data seed-2-data seed-3-data; do
    ! docker volume inspect "${stack}_$v" > /dev/null 2>&1 || fail "a volume ${stack}_$v exists already (an earlier run's journal?); remove it first"
  done
  for port in "${api_port[@]}"; do
    ! curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/" || fail "127.0.0.1:$port is taken; the stack publishes the seeds' APIs there"
  done
  t0=$(now)
  docker build -f docker/Dockerfile -t primecluster:local . > "$work/build.log" 2>&1 || { tail -n 40 "$work/build.log" >&2; fail "docker build failed"; }
  log "  image primecluster:local built in $(seconds_since "$t0" "$(now)") s"

  if [[ $(docker info -f '{{.Swarm.LocalNodeState}}') != active ]]; then
    docker swarm init --advertise-addr 127.0.0.1 > /dev/null
    swarm_made=1
    log "  docker swarm init --advertise-addr 127.0.0.1: a swarm of this node"
  else
    log "  the engine is in a swarm already: deploying to it"
  fi
  node=$(docker info -f '{{.Swarm.NodeID}}')
  if [[ $swarm_made -eq 0 ]]; then
    labelled=$node
  fi
  docker node update --label-add primecluster.seed-1=true --label-add primecluster.seed-2=true --label-add primecluster.seed-3=true "$node" > /dev/null

  mkdir -p "$CERTS_DIR"
  docker run --rm -u "$(id -u)" -v "$CERTS_DIR:/certs" primecluster:local certs /certs --ca-dir /certs/ca --role seed > "$work/certs.log" \
    || fail "making the certificates failed: $(cat "$work/certs.log")"

  stack_up=1
  t0=$(now)
  docker stack deploy -c docker/docker-stack.yml --resolve-image never "$stack" > "$work/deploy.log" 2>&1 \
    || { cat "$work/deploy.log" >&2; fail "docker stack deploy failed"; }
  wait_until "every task runs healthy; 3 seeds and 3 workers Up" 240 converged 3
  t1=$(now)
  figure "stack deploy to converged" "$(seconds_since "$t0" "$t1") s (docker stack deploy to every task healthy and 6 members Up, polled every 0.5 s)"
  docker service ls --filter "label=com.docker.stack.namespace=$stack"

  # The secrets hold the certificates, never the CA's key.
  local secrets
  secrets=$(docker secret ls --filter "label=com.docker.stack.namespace=$stack" --format '{{.Name}}' | sort | tr '\n' ' ')
  [[ $secrets == "${stack}_ca_crt ${stack}_node_crt ${stack}_node_key " ]] || fail "the stack's secrets are '$secrets'"
  ! docker exec "$(tasks_of seed-1)" sh -c 'grep -rl "PRIVATE KEY" /run/secrets | grep -v node.key' > /dev/null 2>&1 \
    || fail "a secret other than node.key holds a private key"
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:${api_port[seed-1]}/cluster")
  [[ $code == 401 ]] || fail "seed-1's published API answered $code to a request without the token, not 401"

  client submit 1 300000 > "$work/submit.txt" 2> "$work/submit.err" || fail "client submit failed: $(tail -n 3 "$work/submit.err")"
  exact_table 1 300000 "$work/submit.txt"
  figure "health check probe" "$(probe_cost "$(tasks_of worker | sed -n 1p)")"
  scenario_row "3 seeds and 3 workers converged; secrets without the CA's key; the API 401 without the token; [1, 300000] exact"
}

scenario_scale() {
  local id c t0 old="" before stopped=()
  for c in $(tasks_of worker); do old+="$(address_of "$c") "; done
  id=$(submit_detached 1 5000000)
  log "  job $id [1, 5000000] submitted"
  wait_until "job $id has batches done" 90 has_progress seed-1 "$id"
  docker service scale --detach "${stack}_worker=5" > /dev/null
  log "  docker service scale ${stack}_worker=5"
  new_workers_busy seed-1 "$id" 2 "$old"
  before=$(tasks_of worker)
  t0=$(now)
  docker service scale --detach "${stack}_worker=3" > /dev/null
  log "  docker service scale ${stack}_worker=3 while job $id is $(job_state seed-1 "$id")"
  wait_until "3 worker tasks run" 90 running worker 3
  # The tasks the swarm stopped: each left the cluster and exited 0 within its grace period.
  for c in $before; do
    grep -q "$c" <<< "$(tasks_of worker)" || stopped+=("$c")
  done
  [[ ${#stopped[@]} -eq 2 ]] || fail "scaling in stopped ${#stopped[@]} worker tasks, not 2"
  left_cleanly "$t0" 30 "${stopped[@]}"
  watch_exact "$id" 1 5000000
  wait_until "3 workers are registered with the coordinator" 60 workers_registered seed-1 3
  scenario_row "5 workers, 2 new ones counting, then 3 again mid-job, the 2 stopped exiting 0; [1, 5000000] exact"
}

scenario_worker-kill() {
  local id host victim t_kill t_gone coordinator seed
  id=$(submit_detached 1 3000000)
  log "  job $id [1, 3000000] submitted"
  wait_until "a worker holds batches of job $id" 60 busy_worker seed-1
  host=$(busy_worker seed-1)
  victim=$(container_of "$host") || fail "no container advertises $host"
  t_kill=$(now)
  docker kill "$victim" > /dev/null
  log "  killed the task of worker $host while the job is $(job_state seed-1 "$id")"
  wait_until "$host is downed and removed" 90 is_absent seed-1 "$host"
  coordinator=$(coordinator_seed)
  seed=$(tasks_of "$coordinator")
  t_gone=$(log_time "$seed" "Worker .*@$host:4053.* is gone") || fail "$coordinator's log does not say the worker on $host is gone"
  figure "requeue after a task's kill" "$(seconds_since "$t_kill" "$t_gone") s (docker kill to the coordinator's 'Worker ... is gone')"
  grep -E "Job $id: worker .*@$host:4053.*go back to the queue" "$work/log-time.txt" | cut -c1-240 | sed "s/^/    $coordinator: /" || true
  watch_exact "$id" 1 3000000
  wait_until "the swarm replaced the task: 3 workers run" 120 running worker 3
  wait_until "3 workers are registered with the coordinator" 90 workers_registered seed-1 3
  scenario_row "$host killed holding batches; requeued; [1, 3000000] exact; the swarm replaced it"
}

# job_seconds SEED ID: a finished job's elapsed time, in seconds.
job_seconds() { api "$1" "/jobs/$2" | json 'round(j["elapsed_ms"] / 1000, 1)'; }

scenario_update() {
  local baseline id t0 t_done returned state image rebuilt c
  # The same job without an update first, for the figure.
  id=$(submit_detached 1 4000000)
  wait_until "job $id is done" 300 is_job_done seed-1 "$id"
  baseline=$(job_seconds seed-1 "$id")
  log "  job $id [1, 4000000] without an update: $baseline s"

  # A rebuilt image: the same build, another image (its label differs).
  docker build -f docker/Dockerfile --label "org.primecluster.rebuilt=$(date +%s)" -t primecluster:next . > "$work/rebuild.log" 2>&1 \
    || { tail -n 20 "$work/rebuild.log" >&2; fail "rebuilding the image failed"; }
  rebuilt=$(docker image inspect -f '{{.Id}}' primecluster:next)
  [[ $rebuilt != "$(docker image inspect -f '{{.Id}}' primecluster:local)" ]] || fail "the rebuilt image is primecluster:local"

  returned=$(metric seed-1 primecluster_batches_returned_total)
  id=$(submit_detached 1 4000000)
  log "  job $id [1, 4000000] submitted"
  wait_until "job $id has batches done" 90 has_progress seed-1 "$id"
  t0=$(now)
  docker service update --detach --image primecluster:next --no-resolve-image "${stack}_worker" > /dev/null
  log "  docker service update --image primecluster:next ${stack}_worker while the job is $(job_state seed-1 "$id")"
  watch_exact "$id" 1 4000000
  t_done=$(date -d "$(api seed-1 "/jobs/$id" | json 'j["finished_at"]')" +%s.%N) || fail "job $id has no finished_at"
  wait_until "the rolling update completed" 300 eval "[[ \$(docker service inspect -f '{{.UpdateStatus.State}}' ${stack}_worker) == completed ]]"
  local t_updated
  t_updated=$(now)
  wait_until "3 workers are registered with the coordinator" 90 workers_registered seed-1 3
  for c in $(tasks_of worker); do
    image=$(docker inspect -f '{{.Image}}' "$c")
    [[ $image == "$rebuilt" ]] || fail "worker task $c runs $image, not the rebuilt image"
  done
  returned=$(($(metric seed-1 primecluster_batches_returned_total) - returned))
  local during overlap
  during=$(job_seconds seed-1 "$id")
  overlap=$(awk -v a="$t0" -v b="$t_done" -v c="$t_updated" 'BEGIN { printf "%.1f", (c < b ? c : b) - a }')
  figure "rolling update of 3 workers" "$(seconds_since "$t0" "$t_updated") s, start-first one at a time"
  figure "the job during the update" "$during s against $baseline s without ($(awk -v a="$during" -v b="$baseline" 'BEGIN { printf "%.2f", a / b }')x); $returned batches handed back by leaving workers; exact (update overlapped the job for $overlap s)"
  scenario_row "workers updated to the rebuilt image one at a time mid-job; [1, 4000000] exact"
}

scenario_seed-kill() {
  local id done_before t_kill t_resumed="" s seed
  [[ $(coordinator_seed) == seed-1 ]] || fail "the coordinator runs on $(coordinator_seed), not seed-1"
  id=$(submit_detached 1 3000000)
  log "  job $id [1, 3000000] submitted"
  wait_until "job $id has batches done" 60 has_progress seed-1 "$id"
  done_before=$(api seed-1 "/jobs/$id" | json 'str(j["progress"]["batches_done"]) + " of " + str(j["progress"]["batches_total"])')
  seed=$(tasks_of seed-1)
  t_kill=$(now)
  docker kill "$seed" > /dev/null
  log "  seed-1's task killed with $done_before batches done"
  watch_exact "$id" 1 3000000 --cluster http://seed-2:8080
  for s in seed-2 seed-3; do
    t_resumed=$(log_time "$(tasks_of "$s")" "Job $id resumed from its checkpoint") && break
  done
  [[ -n $t_resumed ]] || fail "neither seed-2's nor seed-3's log says job $id resumed from its checkpoint"
  figure "takeover after seed-1's kill" "$(seconds_since "$t_kill" "$t_resumed") s (docker kill to '$s: Job ... resumed from its checkpoint')"
  wait_until "the swarm started seed-1 again" 120 running seed-1 1
  wait_until "seed-1 is up in the cluster again" 120 is_status seed-2 seed-1 up
  wait_until "3 seeds and 3 workers are Up" 90 members_up seed-2 3 3
  scenario_row "seed-1 killed with $done_before batches done; $s resumed; [1, 3000000] exact; seed-1 back on its volume"
}

scenario_rm() {
  local id t0 containers
  id=$(submit_detached 1 3000000)
  wait_until "job $id has batches done" 60 has_progress seed-2 "$id"
  containers=$(node_containers)
  t0=$(now)
  docker stack rm "$stack"
  wait_until "the stack's services, containers and networks are gone" 120 stack_gone
  stack_up=0
  log "  docker stack rm took $(seconds_since "$t0" "$(now)") s to its last container"
  # shellcheck disable=SC2086 # one argument per container id
  left_cleanly "$t0" 30 $containers
  local v
  for v in seed-1-data seed-2-data seed-3-data; do docker volume rm "${stack}_$v" > /dev/null; done
  if [[ $swarm_made -eq 1 ]]; then
    docker swarm leave --force > /dev/null
    swarm_made=0
    log "  docker swarm leave --force"
  fi
  scenario_row "every task left mid-job and exited 0 within its 30 s grace; volumes removed; the swarm left"
}

story_run
