#!/usr/bin/env bash
# Build the Go cross-check verifier (tests/interop/goverify) fully offline
# against the Debian packages golang-go and golang-golang-x-mod-dev.
#
#   usage: tests/interop/build.sh [OUTPUT_PATH]
#   default OUTPUT_PATH: tests/interop/goverify/goverify-bin
#
# Exit 0: built.  Exit 3: go or the golang.org/x/mod source is missing
# (install: apt-get install -y golang-go golang-golang-x-mod-dev).
# Any other non-zero exit: the build itself failed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="$here/goverify"
out="${1:-$src/goverify-bin}"
xmod="/usr/share/gocode/src/golang.org/x/mod"

if ! command -v go >/dev/null 2>&1; then
    echo "build.sh: 'go' not found; install Debian package golang-go" >&2
    exit 3
fi
for f in go.mod sumdb/note/note.go sumdb/tlog/tlog.go; do
    if [ ! -f "$xmod/$f" ]; then
        echo "build.sh: $xmod/$f not found; install Debian package golang-golang-x-mod-dev" >&2
        exit 3
    fi
done

case "$out" in
    /*) ;;
    *) out="$PWD/$out" ;;
esac
mkdir -p "$(dirname "$out")"

# No network, ever: the go.mod replaces golang.org/x/mod with the Debian
# source directory, which needs neither the module proxy nor go.sum.
export GOPROXY=off GOSUMDB=off GOFLAGS=-mod=readonly GOTOOLCHAIN=local GOWORK=off
export GO111MODULE=on CGO_ENABLED=0
# go needs a build cache; HOME may be unset under CI.
if [ -z "${GOCACHE:-}" ] && [ -z "${HOME:-}" ] && [ -z "${XDG_CACHE_HOME:-}" ]; then
    export GOCACHE="${TMPDIR:-/tmp}/goverify-gocache"
fi

cd "$src"
go build -o "$out" .
echo "build.sh: built $out ($(go version))"
