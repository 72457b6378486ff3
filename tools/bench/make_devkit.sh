#!/usr/bin/env bash
# Packs what a GPU machine without the project's Debian packages needs to run
# the benchmarks and the GPU test suites: the built binaries (stripped), the
# shared libraries they load that are not glibc or the C++ runtime, the Vulkan
# loader and validation layer (.deb, unpacked there), into devkit/ (ignored by
# git; name it in the device tool's `carry`) as devkit/kit.tar.xz (bin/, lib/)
# and devkit/deb/. aubio links ffmpeg for reading
# files, which the benchmarks and GPU tests never call: empty stand-ins with
# ffmpeg's sonames and symbol versions keep the kit small (lazy binding
# resolves a function only when it is called). Run after ./afterimage.sh build.
#   tools/bench/make_devkit.sh            then on the GPU machine: tools/bench/gpu_check.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${AFTERIMAGE_BUILD_DIR:-build}
kit=devkit
rm -rf "$kit" && mkdir -p "$kit/bin" "$kit/lib" "$kit/deb"
binaries=("$build/afterimage" "$build"/tests/nn/nn_tests "$build"/tests/models/models_tests
  "$build"/tests/gpu/gpu_tests "$build"/tests/pipeline/pipeline_generator_tests)
for b in "${binaries[@]}"; do strip -o "$kit/bin/$(basename "$b")" "$b"; done

standins='libavcodec.so.59 libavformat.so.59 libavutil.so.57 libswresample.so.4'
aubio=$(ldd "$build/afterimage" | awk '/libaubio/ {print $3}')
for lib in $standins; do
  # aubio is linked BIND_NOW: every symbol it takes from the library must
  # exist, with its version; each becomes an empty function.
  version=$(echo "$lib" | sed -E 's/^lib([a-z]+)\.so\.([0-9]+)$/LIB\U\1\E_\2/')
  symbols=$(nm -D --undefined-only "$aubio" | awk -v v="@$version" '$2 ~ v {sub(/@.*/, "", $2); print $2}')
  { echo "$version { global:"; for s in $symbols; do echo "  $s;"; done; echo "local: *; };"; } > /tmp/standin.map
  { for s in $symbols; do echo "void $s(void) {}"; done; } > /tmp/standin.c
  gcc -shared -fPIC -o "$kit/lib/$lib" -Wl,-soname,"$lib" -Wl,--version-script=/tmp/standin.map /tmp/standin.c
done
ldd "${binaries[@]}" | awk '/=> \// {print $3}' | sort -u | while read -r path; do
  name=$(basename "$path")
  case "$name" in
    libc.so.*|libm.so.*|ld-linux*|libstdc++*|libgcc_s*|libpthread*|libdl.so*|librt.so*|libresolv*) continue ;;
  esac
  case " $standins " in *" $name "*) continue ;; esac
  # Only what the stand-ins leave reachable: skip ffmpeg's own dependencies.
  cp -L "$path" "$kit/lib/$name"
done
# Drop libraries only ffmpeg needed: keep those some kept binary or library names.
needed() { for f in "$kit"/bin/* "$kit"/lib/*; do readelf -d "$f" 2>/dev/null | sed -n 's/.*NEEDED.*\[\(.*\)\]/\1/p'; done | sort -u; }
for pass in 1 2 3 4 5 6; do
  keep=$(needed)
  for f in "$kit"/lib/*; do echo "$keep" | grep -qx "$(basename "$f")" || rm "$f"; done
done
(cd "$kit/deb" && apt-get download libvulkan1 vulkan-validationlayers libglvnd0 libgl1 libglx0 libegl1 libgles2 libopengl0 >/dev/null 2>&1) ||
  echo "note: could not download libvulkan1/vulkan-validationlayers; the GPU machine must have them" >&2
pwd > "$kit/source_dir"  # the test binaries read their goldens from here
tar cJf "$kit/kit.tar.xz" -C "$kit" bin lib && rm -rf "$kit/bin" "$kit/lib"
du -sh "$kit"
