#!/usr/bin/env bash
# Cross-compiles static hookmock binaries stamped with a version, plus a
# SHA-256 checksum file.
#
#   scripts/release.sh [-o DIR] [-v VERSION] [GOOS/GOARCH ...]
#
# Defaults: DIR=dist, VERSION from `git describe --tags --always --dirty`,
# and every target below. Binaries are CGO_ENABLED=0 (the SQLite store is
# pure Go), -trimpath, VCS-stamped (-buildvcs=auto overrides a GOFLAGS
# -buildvcs=false), and named hookmock_<version>_<os>_<arch>[.exe].
set -euo pipefail
cd "$(dirname "$0")/.."

out=dist
ver=""
while getopts "o:v:" opt; do
  case $opt in
    o) out=$OPTARG ;;
    v) ver=$OPTARG ;;
    *) echo "usage: $0 [-o DIR] [-v VERSION] [GOOS/GOARCH ...]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
if [ -z "$ver" ]; then
  ver=$(git describe --tags --always --dirty 2>/dev/null || echo dev)
fi
case $ver in
  *[!A-Za-z0-9._+-]*) echo "release: version $ver has characters other than letters, digits and ._+-" >&2; exit 2 ;;
esac
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64)
fi

mkdir -p "$out"
names=()
for t in "${targets[@]}"; do
  goos=${t%/*}
  goarch=${t#*/}
  if [ "$goos" = "$t" ] || [ -z "$goarch" ]; then
    echo "release: target $t is not GOOS/GOARCH" >&2; exit 2
  fi
  name="hookmock_${ver}_${goos}_${goarch}"
  [ "$goos" = windows ] && name="$name.exe"
  echo "release: building $name"
  CGO_ENABLED=0 GOOS=$goos GOARCH=$goarch go build -trimpath -buildvcs=auto \
    -ldflags "-s -w -X github.com/hookmock/hookmock/cmd.version=$ver" \
    -o "$out/$name" ./cmd/hookmock
  names+=("$name")
done
(cd "$out" && sha256sum "${names[@]}" > SHA256SUMS)
echo "release: wrote ${#names[@]} binaries and SHA256SUMS to $out"
