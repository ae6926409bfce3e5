#!/usr/bin/env bash
# Publishes what the container image ships: the node into OUTDIR/node and the client into OUTDIR/cli,
# framework-dependent (the node needs the ASP.NET Core runtime, the client the .NET runtime).
# Each gets its own directory so that neither can overwrite a dependency of the other.
# The Dockerfile's build stage and CI run this same script.
#
#   docker/publish.sh OUTDIR
set -euo pipefail

if [[ $# -ne 1 || -z $1 ]]; then
  echo "usage: docker/publish.sh OUTDIR" >&2
  exit 2
fi

mkdir -p "$1"
out=$(cd "$1" && pwd)
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Each is published for this platform, which its project compiles ahead of time (ReadyToRun): a node or a command starts
# on compiled code. The client draws charts with SkiaSharp: only this platform's native libraries, not those of fifteen.
dotnet publish src/PrimeCluster.Node -c Release --use-current-runtime --self-contained false -o "$out/node"
dotnet publish src/PrimeCluster.Cli -c Release --use-current-runtime --self-contained false -o "$out/cli"

for binary in "$out/node/primecluster-node" "$out/node/primecluster-node.dll" "$out/cli/primecluster" "$out/cli/primecluster.dll"; do
  if [[ ! -f $binary ]]; then
    echo "publish: $binary was not produced" >&2
    exit 1
  fi
done
echo "publish: node in $out/node, client in $out/cli"
