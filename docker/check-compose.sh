#!/usr/bin/env bash
# Checks docker/ without a Docker engine:
#   1. the compose file is valid for docker-compose (installed from Debian's packages when missing), with and
#      without the client profile, and keeps the shape the deployment relies on;
#   2. the Dockerfile parses (dockerfile-utils lint, from npm, when npm is there) and everything it copies from the
#      build context exists;
#   3. the Dockerfile's build step works: the files its build stage copies are staged as a build context would
#      give them (less bin/ and obj/, as the root .dockerignore leaves out), and docker/publish.sh publishes there;
#      the binaries that the image's ENTRYPOINT and HEALTHCHECK and the compose file's entrypoints and health checks
#      name exist in its output and run.
#
#   docker/check-compose.sh [OUTDIR]    # OUTDIR keeps the published binaries (for docker/netns-cluster.sh OUTDIR)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
compose_file=docker/docker-compose.yml
dockerfile=docker/Dockerfile

say() { printf 'check-compose: %s\n' "$*"; }
fail() {
  printf 'check-compose: FAILED: %s\n' "$*" >&2
  exit 1
}

work=$(mktemp -d -t primecluster-check.XXXXXX)
trap 'rm -rf "$work"' EXIT
if [[ $# -ge 1 && -n $1 ]]; then
  mkdir -p "$1"
  out=$(cd "$1" && pwd)
else
  out=$work/publish
fi

# 1. The compose file.
if ! command -v docker-compose > /dev/null; then
  say "installing docker-compose (Debian package)"
  if [[ $(id -u) -ne 0 ]]; then
    fail "docker-compose is missing and only root can install it (apt-get install docker-compose)"
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq > "$work/apt.log" 2>&1 || { cat "$work/apt.log" >&2; fail "apt-get update failed"; }
  apt-get install -y -qq docker-compose >> "$work/apt.log" 2>&1 || { cat "$work/apt.log" >&2; fail "apt-get install docker-compose failed"; }
fi
say "$(docker-compose version --short 2>/dev/null || docker-compose version | head -1)"

# The values that come from the host environment, both unset and set.
for token in "" "s3cret"; do
  API_TOKEN=$token docker-compose -f "$compose_file" config -q || fail "$compose_file is invalid (API_TOKEN='$token')"
done
say "$compose_file: valid"
if docker-compose --help 2>&1 | grep -q -- '--profile'; then
  docker-compose -f "$compose_file" --profile client config -q || fail "$compose_file is invalid with --profile client"
  say "$compose_file: valid with --profile client"
else
  say "this docker-compose has no --profile; the client profile was not checked"
fi

# The shape the deployment relies on, read from the resolved configuration (docker-compose brings python3-yaml).
API_TOKEN=s3cret docker-compose -f "$compose_file" --profile client config > "$work/compose.yml"
yaml_python=python3
python3 -c 'import yaml' 2> /dev/null || yaml_python=/usr/bin/python3
"$yaml_python" - "$work/compose.yml" > "$work/compose-binaries.txt" << 'EOF' || fail "$compose_file does not have the expected shape"
import sys, yaml

config = yaml.safe_load(open(sys.argv[1]))
services, networks = config["services"], config["networks"]
problems = []

def check(condition, message):
    if not condition:
        problems.append(message)

check(networks.get("cluster", {}).get("internal") is True, "network 'cluster' must be internal")
for name in ("seed-1", "seed-2", "worker"):
    check(name in services, f"service {name} is missing")
for name in ("seed-1", "seed-2"):
    seed = services.get(name, {})
    env = seed.get("environment", {})
    check(seed.get("container_name") == name and seed.get("hostname") == name, f"{name} needs container_name and hostname {name}")
    check(env.get("CLUSTER_IP") == name, f"{name} must advertise CLUSTER_IP={name}")
    check(set(seed.get("networks", {})) == {"cluster", "api"}, f"{name} must be on the cluster and api networks")
    for port in seed.get("ports", []):
        host_ip = port.get("host_ip") if isinstance(port, dict) else str(port).split(":")[0]
        check(host_ip == "127.0.0.1", f"{name} publishes a port beyond the host's loopback: {port}")
    for seedname in ("seed-1", "seed-2"):
        check(f"akka.tcp://primecluster@{seedname}:4053" in env.get("CLUSTER_SEEDS", ""), f"{name}'s CLUSTER_SEEDS must list {seedname}")
worker = services.get("worker", {})
env = worker.get("environment", {})
for key in ("container_name", "hostname", "ports"):
    check(key not in worker, f"worker must not set {key}, or it cannot be scaled")
check(env.get("CLUSTER_BIND") == "0.0.0.0" and not env.get("CLUSTER_IP"), "worker must bind 0.0.0.0 and leave CLUSTER_IP empty, to advertise its host name")
check(set(worker.get("networks", {})) == {"cluster"}, "worker must be on the cluster network only")
check(worker.get("depends_on", {}).get("seed-1", {}).get("condition") == "service_healthy", "worker must wait for a healthy seed-1")
# TLS on the cluster transport: the one-shot certs service writes the certificates before any node starts; the
# nodes read them from a volume they cannot write, and the CA's key stays in a volume no node mounts.
certs = services.get("certs", {})
check(certs.get("command", [])[:2] == ["certs", "/certs"], "service certs must run 'certs /certs ...'")
check(certs.get("network_mode") == "none", "service certs needs no network")
for name in ("seed-1", "seed-2", "worker"):
    node = services.get(name, {})
    env = node.get("environment", {})
    check((env.get("TLS_CERT"), env.get("TLS_KEY"), env.get("TLS_CA")) == ("/certs/node.crt", "/certs/node.key", "/certs/ca.crt"), f"{name} needs TLS_CERT, TLS_KEY and TLS_CA from /certs")
    check(node.get("depends_on", {}).get("certs", {}).get("condition") == "service_completed_successfully", f"{name} must wait for the certs service to succeed")
    mounts = [str(v.get("target", "")) + (":ro" if v.get("read_only") else "") if isinstance(v, dict) else str(v) for v in node.get("volumes", [])]
    check(any(m.endswith("/certs:ro") for m in mounts), f"{name} must mount the certificates read-only at /certs")
    check(not any("/ca" in m.split(":")[0] or m.startswith("/ca") for m in mounts), f"{name} must not mount the CA's key")
for name, service in services.items():
    if name == "certs":
        continue
    env = service.get("environment", {})
    if name != "client":
        check(env.get("API_TOKEN") == "s3cret", f"{name} must take API_TOKEN from the host environment")
        check(service.get("restart") in ("unless-stopped", "always", "on-failure"), f"{name} needs a restart policy")
        test = service.get("healthcheck", {}).get("test", [])
        check(test[:1] == ["CMD"] and len(test) > 1, f"{name} needs an exec-form health check")
        command = test[1:]
        # `env NAME=value ... program`: the program is what must exist in the image.
        if command[:1] == ["env"]:
            command = [w for w in command[1:] if "=" not in w]
        print(" ".join(command))
    else:
        check(service.get("profiles"), "client must be in a profile, so that up does not start it")
        check(env.get("PRIMECLUSTER_URL") == "http://seed-1:8080" and env.get("PRIMECLUSTER_TOKEN") == "s3cret", "client needs PRIMECLUSTER_URL and PRIMECLUSTER_TOKEN")
        print(" ".join(service.get("entrypoint", [])))
if problems:
    print("\n".join(problems), file=sys.stderr)
    sys.exit(1)
EOF
say "$compose_file: seeds, scalable workers, internal cluster network, token and health checks as expected"

# 2. The Dockerfile.
if command -v npm > /dev/null; then
  if (cd "$work" && npm install --no-audit --no-fund --silent --prefix "$work/lint" dockerfile-utils@0.16.3 > "$work/npm.log" 2>&1); then
    "$work/lint/node_modules/.bin/dockerfile-utils" lint "$dockerfile" || fail "$dockerfile does not parse"
    say "$dockerfile: parses (dockerfile-utils lint)"
  else
    say "could not install dockerfile-utils from npm; $dockerfile was not linted"
  fi
else
  say "no npm; $dockerfile was not linted"
fi

# Every COPY from the build context names something that exists, and the build stage's copies are staged in
# $work/context; the Dockerfile's binaries are read out: the paths the final stage copies published output to,
# and the commands of ENTRYPOINT and HEALTHCHECK.
python3 - "$dockerfile" "$work/dockerfile-binaries.txt" "$work/context" << 'EOF' || fail "$dockerfile refers to what does not exist"
import json, os, re, shutil, sys

text = open(sys.argv[1]).read().replace("\\\n", " ")
lines = [l.strip() for l in text.splitlines() if l.strip() and not l.strip().startswith("#")]
problems, copies, commands, publishes = [], {}, [], False
os.makedirs(sys.argv[3], exist_ok=True)
stages = [l for l in lines if l.upper().startswith("FROM ")]
if len(stages) < 2 or "mcr.microsoft.com/dotnet/sdk:" not in stages[0] or "mcr.microsoft.com/dotnet/aspnet:" not in stages[-1]:
    problems.append("expected a build stage FROM the .NET SDK image and a final stage FROM the ASP.NET Core image")
final = len(lines) - lines[::-1].index(stages[-1])
for number, line in enumerate(lines):
    words = line.split()
    instruction = words[0].upper()
    if instruction == "COPY":
        flags = [w for w in words[1:] if w.startswith("--")]
        paths = [w for w in words[1:] if not w.startswith("--")]
        sources, target = paths[:-1], paths[-1]
        if any(f.startswith("--from=") for f in flags):
            if number >= final:
                for source in sources:
                    copies[target] = source
        else:
            for source in sources:
                if not os.path.exists(source):
                    problems.append(f"COPY {source}: not in the build context")
                elif number < final:
                    # Docker's COPY: a directory's contents go into the target; a file into a target ending in /.
                    target_path = os.path.join(sys.argv[3], target)
                    if os.path.isdir(source):
                        shutil.copytree(source, target_path, dirs_exist_ok=True, ignore=shutil.ignore_patterns("bin", "obj"))
                    else:
                        os.makedirs(target_path if target.endswith("/") else os.path.dirname(target_path), exist_ok=True)
                        shutil.copy2(source, target_path)
    elif instruction == "RUN" and number < final and "docker/publish.sh /out" in line:
        publishes = True
    elif instruction in ("ENTRYPOINT", "HEALTHCHECK") and number >= final:
        match = re.search(r"\[.*\]", line)
        if not match:
            problems.append(f"{instruction} must use the exec form: {line}")
        else:
            command = json.loads(match.group(0))
            # `env NAME=value ... program`: the program is what must exist in the image.
            if command[:1] == ["env"]:
                command = [w for w in command[1:] if "=" not in w]
            commands.append((instruction, command))
if not publishes:
    problems.append("the build stage must RUN docker/publish.sh /out, as CI does")
if not any(i == "ENTRYPOINT" for i, _ in commands) or not any(i == "HEALTHCHECK" for i, _ in commands):
    problems.append("the final stage needs an ENTRYPOINT and a HEALTHCHECK")
if not any(l.upper().startswith("USER ") for l in lines[final:]):
    problems.append("the final stage must run as a non-root USER")
if not any(l.upper() == "STOPSIGNAL SIGTERM" for l in lines[final:]):
    problems.append("the final stage needs STOPSIGNAL SIGTERM")
with open(sys.argv[2], "w") as out:
    for target, source in copies.items():
        out.write(f"copy {target} {source}\n")
    for instruction, command in commands:
        out.write(f"run {instruction} {' '.join(command)}\n")
if problems:
    print("\n".join(problems), file=sys.stderr)
    sys.exit(1)
EOF
say "$dockerfile: its COPY sources exist; stages, publish step, user, stop signal, entrypoint and health check as expected"

# 3. The build step, as the build stage runs it on the staged context, and the binaries the image runs.
say "publishing with docker/publish.sh, in the build context as the Dockerfile stages it, into $out"
(cd "$work/context" && rm -rf src/*/bin src/*/obj && bash docker/publish.sh "$out") > "$work/publish.log" 2>&1 \
  || { tail -n 40 "$work/publish.log" >&2; fail "docker/publish.sh failed in the staged build context"; }
say "$(tail -n 1 "$work/publish.log")"

# An image path: where docker/publish.sh's output put it, by the Dockerfile's COPY --from=build lines (/out/X -> /app/X).
host_path() {
  local image_path=$1 target source
  while read -r kind target source; do
    [[ $kind == copy ]] || continue
    if [[ $image_path == "$target" || $image_path == "$target"/* ]]; then
      printf '%s%s\n' "$out${source#/out}" "${image_path#"$target"}"
      return 0
    fi
  done < "$work/dockerfile-binaries.txt"
  return 1
}

checked=0
while read -r image_path _; do
  [[ -n $image_path ]] || continue
  file=$(host_path "$image_path") || fail "$image_path (named by $compose_file or $dockerfile) is not copied from the build stage"
  [[ -x $file ]] || fail "$image_path: $file is missing from the published output or not executable"
  checked=$((checked + 1))
done < <(sed -n 's/^run [A-Z]* //p' "$work/dockerfile-binaries.txt"; cat "$work/compose-binaries.txt")
say "the $checked binaries named by ENTRYPOINT, HEALTHCHECK and the compose file exist in the published output"

# They run: the node and the client answer --help, and the health probe fails (exit 1) when no node is there.
"$out/node/primecluster-node" --help > /dev/null || fail "primecluster-node --help failed"
"$out/cli/primecluster" --help > /dev/null || fail "primecluster --help failed"
set +e
API_URL=http://127.0.0.1:9 "$out/node/primecluster-node" --healthcheck 2> "$work/probe.err"
probe=$?
set -e
[[ $probe -eq 1 ]] || fail "primecluster-node --healthcheck with no node answered $probe, expected 1: $(cat "$work/probe.err")"
say "primecluster-node --help, primecluster --help and the health probe (exit 1 with no node) run"
say "OK"
