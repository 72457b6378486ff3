#!/usr/bin/env bash
# Afterimage's two commands (and a few more). Each one installs the Debian
# packages it is missing, builds with CMake (Release), then runs.
#   ./afterimage.sh demo    run the main job on the embedded defaults
#   ./afterimage.sh test    build and run the whole test suite (ctest), then the CPU
#                           suites under ASan+UBSan and the fuzzers; --quick: ctest only
#   ./afterimage.sh live [ARGS]  the show: output window and control panel (afterimage live ARGS)
#   ./afterimage.sh build   only build; ./afterimage.sh run ARGS... runs build/afterimage ARGS
set -euo pipefail
cd "$(dirname "$0")"
BUILD_DIR=${AFTERIMAGE_BUILD_DIR:-build}

BUILD_PACKAGES=(cmake ninja-build g++ pkg-config glslc libvulkan-dev mesa-vulkan-drivers
  portaudio19-dev libaubio-dev libsndfile1-dev libglfw3-dev libimgui-dev
  libtomlplusplus-dev libpng-dev libstb-dev nlohmann-json3-dev libicu-dev ffmpeg
  liblo-dev librtmidi-dev ableton-link-dev libasio-dev)
TEST_PACKAGES=(libgtest-dev vulkan-validationlayers aubio-tools xvfb xauth spirv-tools
  clang libclang-rt-14-dev)  # clang and its libFuzzer/sanitizer runtimes (Debian 12: LLVM 14)
SANITIZE_DIR=${AFTERIMAGE_SANITIZE_DIR:-build-asan}
FUZZ_SECONDS=${AFTERIMAGE_FUZZ_SECONDS:-25}

install_missing() {
  command -v dpkg-query >/dev/null || { echo "note: not a Debian system; install these yourself: $*" >&2; return; }
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  echo "Installing missing packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

build() {
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$BUILD_DIR" -j"$(nproc)"
}

# The suites labelled "cpu" (no GPU: audio analysis, sets, safetensors,
# configs, tokenizer, CLI arguments) under ASan+UBSan, in their own build
# folder. With clang the same build also makes the libFuzzer targets, so the
# libraries are compiled once for both.
# aubio: the analyzer's calls (pvoc, mel filterbank, onset) run here, though
# Debian's libaubio itself is not instrumented. aubio 0.4.9's heap over-read
# in aubio_beattracking_do (aubio issue 409) cannot trigger: nothing in the
# process calls aubio_tempo/beattracking (beats come from audio/
# tempo_estimator); only audio_beat_eval --aubio runs the `aubio` tool.
sanitize_test() {
  local compilers=() fuzz=OFF
  if command -v clang++ >/dev/null && command -v clang >/dev/null; then
    compilers=(-DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++)
    fuzz=ON
  fi
  cmake -S . -B "$SANITIZE_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DAFTERIMAGE_SANITIZE=ON \
    -DAFTERIMAGE_FUZZ=$fuzz "${compilers[@]}" >/dev/null
  local targets=(afterimage_cpu_tests)
  [ $fuzz = OFF ] || targets+=(afterimage_fuzzers)
  cmake --build "$SANITIZE_DIR" -j"$(nproc)" --target "${targets[@]}"
  # Leaks are checked too; tests/sanitizers.supp names the few outside the project.
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
  export LSAN_OPTIONS=suppressions=$PWD/tests/sanitizers.supp:print_suppressions=0
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  # The analyzer's CPU budget test is left out: instrumented code runs ~3x
  # slower, so its number would say nothing about the real build.
  ctest --test-dir "$SANITIZE_DIR" --output-on-failure -j"$(nproc)" -L '^cpu$' \
    -E '^Latency\.AnalysisCostsUnderThreePercentOfACore$'
  if [ $fuzz = OFF ]; then
    echo "note: clang not found: fuzzers skipped (Debian: apt-get install clang libclang-rt-14-dev)"
    return
  fi
  # Each fuzzer from its committed seeds (tests/fuzz/corpus/NAME, read only);
  # what it finds new goes to $SANITIZE_DIR/fuzz-corpus/NAME, a crash to
  # $SANITIZE_DIR/fuzz-crashes/ and fails the test.
  local name log
  mkdir -p "$SANITIZE_DIR/fuzz-crashes"
  for name in set_text safetensors unet_config tokenizer audio_file; do
    mkdir -p "$SANITIZE_DIR/fuzz-corpus/$name"
    log="$SANITIZE_DIR/fuzz-crashes/$name.log"
    if ! "$SANITIZE_DIR/tests/fuzz/fuzz_$name" -max_total_time="$FUZZ_SECONDS" -max_len=65536 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$SANITIZE_DIR/fuzz-crashes/$name-" \
        "$SANITIZE_DIR/fuzz-corpus/$name" "tests/fuzz/corpus/$name" >"$log" 2>&1; then
      tail -n 60 "$log"
      echo "fuzz_$name found a bug: the input is in $SANITIZE_DIR/fuzz-crashes/ (whole log: $log)"
      return 1
    fi
    echo "fuzz_$name: ${FUZZ_SECONDS} s, $(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | grep -o '[0-9]*$') inputs, no crash"
  done
}

command=${1:-help}
shift || true
case "$command" in
  demo)
    install_missing "${BUILD_PACKAGES[@]}"
    build
    # The show on the embedded defaults: sets/default.toml on the default
    # model over the project's synthesized demo track. The set's 256x256 at
    # 24 fps renders in a few minutes on 2 CPU cores (lavapipe); arguments
    # after "demo" go to render and win (e.g. --fps 30 --size 512x512).
    "$BUILD_DIR/afterimage" devices
    mkdir -p out
    "$BUILD_DIR/afterimage" demo-track -o out/demo.wav
    start=$SECONDS
    "$BUILD_DIR/afterimage" render --set sets/default.toml --audio out/demo.wav -o out/demo.mp4 \
      --csv out/demo.csv --fps 24 "$@"
    echo "How the frames follow the music:"
    "$BUILD_DIR/afterimage" reaction out/demo.csv || echo "(measured on the whole track only)"
    echo "Demo done in $((SECONDS - start)) s: out/demo.mp4 (the video, with the track), out/demo.wav (the track),"
    echo "out/demo.csv (per frame: audio features, the set's parameters, visual change)."
    ;;
  test)
    # --quick (or AFTERIMAGE_QUICK_TEST=1): the normal build and ctest only.
    quick=${AFTERIMAGE_QUICK_TEST:-0}
    [ "${1:-}" != --quick ] || { quick=1; shift; }
    install_missing "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
    build
    ctest --test-dir "$BUILD_DIR" --output-on-failure -j"$(nproc)" "$@"
    [ "$quick" = 1 ] || sanitize_test
    ;;
  build)
    install_missing "${BUILD_PACKAGES[@]}"
    build
    ;;
  live)
    install_missing "${BUILD_PACKAGES[@]}"
    build
    exec "$BUILD_DIR/afterimage" live "$@"
    ;;
  run)
    install_missing "${BUILD_PACKAGES[@]}"
    build
    exec "$BUILD_DIR/afterimage" "$@"
    ;;
  *)
    sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
    [ "$command" = help ] || exit 1
    ;;
esac
