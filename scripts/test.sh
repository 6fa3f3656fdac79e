#!/usr/bin/env bash
# Sets ringbench up (scripts/setup.sh) and runs its tests with ctest.
#
#   scripts/test.sh                 unit, integration and statistical tests
#   scripts/test.sh -L unit         only one label (any ctest arguments pass through)
#   RB_SANITIZE=1 scripts/test.sh   the same under ASan/UBSan, in build-asan/
#   RB_VALGRIND=1 scripts/test.sh   the unit tests under valgrind
#
# Labels: unit (fast, no network), integration (SIPp, secretaryd, chromium on
# loopback), statistical (fixed-seed checks against exact results), slow
# (long runs, benchmarks' correctness checks), fuzz (bounded libFuzzer runs).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${RB_SANITIZE:-0}" = 1 ]; then
  export RB_BUILD_DIR=${RB_BUILD_DIR:-build-asan}
  export RB_CMAKE_ARGS="${RB_CMAKE_ARGS:-} -DRB_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug"
  # Leaks in third-party libraries' caches are not ours; ours are found by valgrind too.
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
fi
build=${RB_BUILD_DIR:-build}
scripts/setup.sh
args=("$@")
if [ ${#args[@]} -eq 0 ]; then
  args=(-L 'unit|integration|statistical')
fi
if [ "${RB_VALGRIND:-0}" = 1 ]; then
  cd "$build"
  # ctest's memcheck mode reads its checker from the overrides (no CTest
  # dashboard configuration here); valgrind's exit code 99 fails a test.
  exec ctest --output-on-failure -j2 -L unit -E '^fuzz' -T memcheck \
    --overwrite MemoryCheckCommand="$(command -v valgrind)" \
    --overwrite MemoryCheckCommandOptions="--leak-check=full --error-exitcode=99 --errors-for-leak-kinds=definite"
fi
cd "$build"
exec ctest --output-on-failure -j2 "${args[@]}"
