#!/usr/bin/env bash
# Makes sure the images named by docker/Dockerfile's FROM lines are in the local Docker engine. Where they cannot be
# pulled (a machine that reaches no container registry), it builds stand-ins under exactly those names, from this
# machine's own Debian packages and .NET install:
#   base    a Debian bookworm root file system (debootstrap --variant=minbase from the machine's apt source, with the
#           libraries .NET needs), imported with `docker import`;
#   aspnet  (mcr.microsoft.com/dotnet/aspnet:X.Y) base + the machine's dotnet host and its Microsoft.NETCore.App and
#           Microsoft.AspNetCore.App runtimes X.Y, user `app` (uid/gid 1654, ENV APP_UID), as the official image;
#   sdk     (mcr.microsoft.com/dotnet/sdk:X.Y) base + the machine's whole .NET install on PATH, trusting the CA
#           certificates this machine added to Debian's defaults (/usr/local/share/ca-certificates) and checking
#           certificate revocation offline as the machine's own NuGet does, so that a restore in the build stage
#           reaches the registry the way the machine's does. The project's Dockerfile stays the one users run.
# A present image is used as it is; a stand-in made here from another .NET install is made again. Every image this
# script builds carries the label org.primecluster.standin, so that it can be told from the real one and removed.
#
#   docker/base-images.sh [DOCKERFILE]      # default docker/Dockerfile; needs root, docker and debootstrap
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dockerfile=${1:-$root/docker/Dockerfile}
dotnet_root=${DOTNET_ROOT:-$(dirname "$(readlink -f "$(command -v dotnet)")")}
readonly label=org.primecluster.standin
readonly base_image=primecluster-standin/debian:bookworm-minbase
readonly packages=ca-certificates,libicu72,libssl3,zlib1g,tzdata,libgcc-s1,libstdc++6

say() { printf 'base-images: %s\n' "$*"; }
fail() {
  printf 'base-images: FAILED: %s\n' "$*" >&2
  exit 1
}

trap 'printf "base-images: FAILED at line %s: %s\n" "$LINENO" "$BASH_COMMAND" >&2' ERR
work=$(mktemp -d -t primecluster-base-images.XXXXXX)
trap 'rm -rf "$work"' EXIT

# The .NET install the stand-ins copy, named by its SDK and runtime versions (a stand-in of another is made again).
sdk_version=$("$dotnet_root/dotnet" --version) || fail "no .NET SDK in $dotnet_root"
stamp="dotnet-$sdk_version@$dotnet_root"

# standin_of IMAGE: the label of a stand-in this script built, empty for any other image; fails when IMAGE is absent.
standin_of() { docker image inspect --format "{{ index .Config.Labels \"$label\" }}" "$1" 2> /dev/null; }

# The machine's own Debian mirror for bookworm's main component, from its apt sources (deb822 or one-line).
debian_mirror() {
  local file
  for file in /etc/apt/sources.list.d/*.sources; do
    [[ -f $file ]] || continue
    awk 'BEGIN { RS = ""; FS = "\n" }
      {
        uris = ""; suites = ""; comps = ""; types = ""
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^URIs:/) uris = $i; else if ($i ~ /^Suites:/) suites = $i
          else if ($i ~ /^Components:/) comps = $i; else if ($i ~ /^Types:/) types = $i
        }
        if (types ~ /[ \t]deb([ \t]|$)/ && suites ~ /[ \t]bookworm([ \t]|$)/ && comps ~ /[ \t]main([ \t]|$)/) {
          split(uris, u, /[ \t]+/); print u[2]; exit
        }
      }' "$file"
  done
  { cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2> /dev/null || true; } \
    | awk '$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } if ($(i+1) == "bookworm") { print $i; exit } }'
}

build_base() {
  if standin_of "$base_image" > /dev/null; then
    say "$base_image: present"
    return
  fi
  command -v debootstrap > /dev/null || fail "debootstrap is not installed (apt-get install debootstrap)"
  local mirror
  mirror=$(debian_mirror | head -n 1 || true)
  [[ -n $mirror ]] || fail "no apt source for bookworm main in /etc/apt/sources.list(.d)"
  say "$base_image: building with debootstrap --variant=minbase bookworm from $mirror (include $packages)"
  if ! debootstrap --variant=minbase --include="$packages" bookworm "$work/rootfs" "$mirror" > "$work/debootstrap.log" 2>&1; then
    tail -n 30 "$work/debootstrap.log" >&2
    fail "debootstrap failed"
  fi
  # What a container image does not need, as the official slim images leave it out: the package cache and lists
  # (apt-get update brings them back), documentation and message translations.
  (cd "$work/rootfs" && rm -rf var/cache/apt/archives/*.deb var/lib/apt/lists/* tmp/* usr/share/doc/* \
    usr/share/man/* usr/share/info/* && find usr/share/locale -mindepth 1 -maxdepth 1 -type d -exec rm -rf {} +)
  tar -C "$work/rootfs" --numeric-owner -c . \
    | docker import --change "LABEL $label=debootstrap-bookworm-minbase" \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'CMD ["bash"]' - "$base_image" > /dev/null
  rm -rf "$work/rootfs"
  say "$base_image: imported ($(docker image inspect --format '{{.Size}}' "$base_image" | awk '{printf "%.0f MB", $1 / 1e6}'))"
}

# build_standin IMAGE KIND: the Dockerfile and the context of a stand-in, streamed to docker build as one tar.
build_standin() {
  local image=$1 kind=$2 version=${1##*:} ctx=$work/$2 files=()
  [[ -d $dotnet_root/shared/Microsoft.NETCore.App ]] || fail "no .NET runtime in $dotnet_root"
  ls -d "$dotnet_root/shared/Microsoft.NETCore.App/$version".* > /dev/null 2>&1 \
    || fail "$image: this machine's .NET ($dotnet_root) has no runtime $version to stand in for it"
  build_base
  mkdir -p "$ctx/certs"
  case $kind in
    aspnet)
      files=(dotnet/dotnet dotnet/LICENSE.txt dotnet/ThirdPartyNotices.txt dotnet/host
        "dotnet/shared/Microsoft.NETCore.App" "dotnet/shared/Microsoft.AspNetCore.App")
      cat > "$ctx/Dockerfile" << EOF
FROM $base_image
COPY dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet \\
    && echo 'app:x:1654:' >> /etc/group \\
    && echo 'app:x:1654:1654::/home/app:/bin/sh' >> /etc/passwd \\
    && mkdir -p /home/app && chown 1654:1654 /home/app
ENV APP_UID=1654 \\
    ASPNETCORE_HTTP_PORTS=8080 \\
    DOTNET_RUNNING_IN_CONTAINER=true
LABEL $label="aspnet $version from $stamp"
EOF
      ;;
    sdk)
      files=(dotnet)
      cp /usr/local/share/ca-certificates/*.crt "$ctx/certs/" 2> /dev/null || true
      cat > "$ctx/Dockerfile" << EOF
FROM $base_image
COPY dotnet /usr/share/dotnet
COPY certs/ /usr/local/share/ca-certificates/
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet && update-ca-certificates > /dev/null
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/share/dotnet \\
    DOTNET_ROOT=/usr/share/dotnet \\
    DOTNET_RUNNING_IN_CONTAINER=true \\
    DOTNET_GENERATE_ASPNET_CERTIFICATE=false \\
    DOTNET_NOLOGO=1 \\
    NUGET_XMLDOC_MODE=skip \\
    NUGET_CERT_REVOCATION_MODE=offline
LABEL $label="sdk $version from $stamp"
EOF
      ;;
  esac
  say "$image: missing; building a stand-in ($kind: $stamp)"
  # Unchanged layers of an earlier stand-in come from the build cache.
  if ! tar -c -C "$ctx" Dockerfile certs -C "$(dirname "$dotnet_root")" \
    "${files[@]/#dotnet/$(basename "$dotnet_root")}" --transform "s,^$(basename "$dotnet_root"),dotnet," \
    | DOCKER_BUILDKIT=0 docker build -q -t "$image" - > "$work/$kind-build.log" 2>&1; then
    cat "$work/$kind-build.log" >&2
    fail "could not build the stand-in $image"
  fi
  say "$image: stand-in built ($(docker image inspect --format '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1 / 1e6}'))"
}

[[ -f $dockerfile ]] || fail "$dockerfile does not exist"
mapfile -t images < <(awk 'toupper($1) == "FROM" { print $2 }' "$dockerfile" | sort -u)
[[ ${#images[@]} -gt 0 ]] || fail "$dockerfile has no FROM line"
for image in "${images[@]}"; do
  case $image in
    */dotnet/sdk:*) kind=sdk ;;
    */dotnet/aspnet:*) kind=aspnet ;;
    *) kind="" ;;
  esac
  if made=$(standin_of "$image"); then
    if [[ -z $made ]]; then
      say "$image: present"
      continue
    elif [[ $made == "$kind ${image##*:} from $stamp" ]]; then
      say "$image: stand-in present ($made)"
      continue
    fi
    say "$image: a stand-in of another .NET install ($made); making it again"
  fi
  [[ -n $kind ]] || fail "$image is missing and no stand-in is known for it"
  build_standin "$image" "$kind"
done
