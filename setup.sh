#!/usr/bin/env bash
# policyproof set-up: installs what is missing (Debian 12, as root), builds, then
#   ./setup.sh run    evaluates the bundled example case on the bundled CMM-607 model
#   ./setup.sh test   builds and runs every test (what .ci/run calls)
#   ./setup.sh sanitize   the whole test suite under ASan+UBSan (a CI step of its own; loops
#                         over thousands of generated cases run a tenth of them there)
#   ./setup.sh fuzz [S]   libFuzzer on the case reader, the policy loader (YAML, and past it: vocabulary,
#                         expressions, framed criteria) and the properties file, S seconds each
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(build-essential cmake pkg-config libz3-dev libboost-graph-dev catch2
  graphviz libgraphviz-dev libcli11-dev libfmt-dev nlohmann-json3-dev
  libsimdjson-dev libyaml-cpp-dev libyaml-dev libbenchmark-dev libssl-dev cvc5
  libxml2-utils tidy parallel clang libclang-rt-14-dev chromium
  wrk nodejs python3-distributed poppler-utils)

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
  if command -v npm >/dev/null; then (cd tests/davinci/fhir-validate && npm ci --no-audit --no-fund --silent) || echo "setup: npm ci failed in tests/davinci/fhir-validate (FHIR validation will be skipped)" >&2; else echo "setup: no npm: FHIR validation in tests/davinci is skipped" >&2; fi
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
    command -v npm >/dev/null || PACKAGES+=(npm)  # Debian's nodejs comes without npm; NodeSource's with it
    install_missing
    if command -v npm >/dev/null; then (cd tests/browser && npm ci --no-audit --no-fund --prefer-offline >/dev/null); fi  # playwright-core, pinned
    build build -DPP_WERROR=ON
    (cd build && ctest --output-on-failure -j "$(nproc)")
    ;;
  sanitize)
    install_missing
    # Every test executable (every layer) under ASan+UBSan; the build defines
    # PP_SANITIZED for the tests, which then draw a tenth of their generated
    # cases (tests/support/scale.h), so that the step fits CI's hour.
    # -O1 -g1 (line tables): a quarter less compile time and memory than
    # -O2 -g (measured on serve/http_server.cpp: 169 -> 126 s, 1.8 -> 1.2 GB),
    # and reports still name the file and line.
    build build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG" \
      -DPP_SANITIZE=address,undefined -DPP_BUILD_BENCH=OFF
    (cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
       ctest --output-on-failure -j "$(nproc)" --timeout 1500)
    ;;
  fuzz)
    install_missing
    CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPP_FUZZ=ON \
      -DPP_SANITIZE=address,undefined -DPP_BUILD_TESTS=OFF -DPP_BUILD_BENCH=OFF >/dev/null
    cmake --build build-fuzz -j "$(nproc)" --target fuzz_case_reader fuzz_policy_loader fuzz_policy_model fuzz_properties
    secs=${2:-15}  # per target: four targets, so CI's total stays about a minute
    for t in case_reader policy_loader policy_model properties; do
      corpus=$(mktemp -d)
      cp tests/fuzz/corpus/${t%%_*}/* "$corpus"/ 2>/dev/null || true
      cp tests/fuzz/corpus/${t#*_}/* "$corpus"/ 2>/dev/null || true
      # The whole log on a failure (the stack and the input that crashed,
      # kept in build-fuzz/artifacts/), else its last lines.
      mkdir -p build-fuzz/artifacts
      if ./build-fuzz/tests/fuzz/fuzz_$t "$corpus" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
          -artifact_prefix=build-fuzz/artifacts/ -print_final_stats=1 > "$corpus.log" 2>&1; then
        tail -n 12 "$corpus.log"
      else
        status=$?
        grep -v '^#[0-9]' "$corpus.log" | tail -n 80
        for a in build-fuzz/artifacts/*; do echo "== $a (base64):"; base64 "$a" | head -c 4000; echo; done
        rm -rf "$corpus" "$corpus.log"
        exit "$status"
      fi
      rm -rf "$corpus" "$corpus.log"
    done
    ;;
  *)
    echo "usage: ./setup.sh run|test|sanitize|fuzz [seconds]" >&2
    exit 2
    ;;
esac
