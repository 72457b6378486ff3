#!/usr/bin/env bash
# Afterimage's two commands (and a few more). Each one installs the Debian
# packages it is missing, builds with CMake (Release), then runs.
#   ./afterimage.sh demo    run the main job on the embedded defaults
#   ./afterimage.sh test    build and run the whole test suite (ctest)
#   ./afterimage.sh live [ARGS]  the show: output window and control panel (afterimage live ARGS)
#   ./afterimage.sh build   only build; ./afterimage.sh run ARGS... runs build/afterimage ARGS
set -euo pipefail
cd "$(dirname "$0")"
BUILD_DIR=${AFTERIMAGE_BUILD_DIR:-build}

BUILD_PACKAGES=(cmake ninja-build g++ pkg-config glslc libvulkan-dev mesa-vulkan-drivers
  portaudio19-dev libaubio-dev libsndfile1-dev libglfw3-dev libimgui-dev
  libtomlplusplus-dev libpng-dev libstb-dev nlohmann-json3-dev libicu-dev ffmpeg)
TEST_PACKAGES=(libgtest-dev vulkan-validationlayers aubio-tools xvfb xauth spirv-tools)

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
    install_missing "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
    build
    ctest --test-dir "$BUILD_DIR" --output-on-failure -j"$(nproc)" "$@"
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
    sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
    [ "$command" = help ] || exit 1
    ;;
esac
