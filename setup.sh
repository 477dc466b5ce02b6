#!/usr/bin/env bash
# policyproof set-up: installs what is missing (Debian 12, as root), builds, then
#   ./setup.sh run    evaluates the bundled example case on the bundled CMM-607 model
#   ./setup.sh test   builds and runs every test (what .ci/run calls)
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(build-essential cmake pkg-config libz3-dev libboost-graph-dev catch2
  graphviz libgraphviz-dev libcli11-dev libfmt-dev nlohmann-json3-dev
  libsimdjson-dev libyaml-cpp-dev libbenchmark-dev libssl-dev cvc5
  libxml2-utils tidy parallel clang libclang-rt-14-dev)

install_missing() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

build() {
  local dir=$1; shift
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
  cmake --build "$dir" -j "$(nproc)"
}

case "${1:-run}" in
  run)
    install_missing
    build build
    ./build/policyproof evaluate model/policies/example-case.json --format text
    ;;
  test)
    install_missing
    build build -DPP_WERROR=ON
    (cd build && ctest --output-on-failure -j "$(nproc)")
    ;;
  *)
    echo "usage: ./setup.sh run|test" >&2
    exit 2
    ;;
esac
