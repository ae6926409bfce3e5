#!/bin/bash
# primecluster-healthcheck: the container health check. Asks the node in this container for /healthz and exits 0 when
# it answers 200 (Up in the cluster and reaching a seed), 1 otherwise, with the node's answer on stderr.
#
# A probe runs every few seconds for the container's whole life, so the common case costs a shell, not a .NET start:
# an http API_URL, with API_TOKEN from the environment, is asked over bash's /dev/tcp (a few milliseconds of CPU,
# against about 0.28 s for `primecluster-node --healthcheck`). Whatever the environment alone does not settle (an https
# API, a CLUSTER_CONFIG file that may set the API's URL or token) goes to that full probe, which reads every setting.
#   --live   exit 0 on any HTTP answer (503 included): the process serves its API, for a liveness probe
set -u
full() { exec /app/node/primecluster-node --healthcheck; }
live=0
[[ ${1:-} == --live ]] && live=1

url=${API_URL:-}
[[ -z ${CLUSTER_CONFIG:-} && $url == http://* ]] || full
authority=${url#http://}
authority=${authority%%/*}
authority=${authority##*@}
if [[ $authority == \[* ]]; then                     # [v6]:port
  host=${authority%%]*}]
  port=${authority#"$host"}
  port=${port#:}
  host=${host#[}
  host=${host%]}
else
  host=${authority%%:*}
  port=${authority#"$host"}
  port=${port#:}
fi
port=${port:-80}
[[ $port =~ ^[0-9]+$ ]] || full
# A node listening on every interface is asked on loopback, as the full probe does.
case $host in 0.0.0.0 | "" | "*" | + ) host=127.0.0.1 ;; :: ) host=::1 ;; esac
[[ $host == *:* ]] && hosthdr="[$host]" || hosthdr=$host

if ! { exec 3<> "/dev/tcp/$host/$port"; } 2> /dev/null; then
  echo "primecluster-healthcheck: $url cannot be reached on $host:$port" >&2
  exit 1
fi
token=${API_TOKEN:-}
printf 'GET /healthz HTTP/1.1\r\nHost: %s:%s\r\n%sConnection: close\r\n\r\n' "$hosthdr" "$port" \
  "${token:+Authorization: Bearer $token$'\r\n'}" >&3
status=""
IFS= read -r -t 5 status <&3
status=${status%$'\r'}
code=${status#HTTP/1.? }
code=${code%% *}
[[ $code == 200 ]] && exit 0
[[ $live -eq 1 && $code =~ ^[1-5][0-9][0-9]$ ]] && exit 0
# The body (the node's status, such as "starting" or "no-seed") for the engine's health log: among the first lines.
body=""
for _ in {1..32}; do
  IFS= read -r -t 2 line <&3 || [[ -n $line ]] || break
  [[ $line == \{* ]] && { body=${line%$'\r'}; break; }
  line=""
done
echo "primecluster-healthcheck: /healthz on $host:$port answered ${status:-nothing}${body:+: $body}" >&2
exit 1
