#!/usr/bin/env bash
# The GPU machine's one run: unpacks devkit/ (tools/bench/make_devkit.sh), then
# runs the parts named on the command line, each under a time limit, writing
# everything to $OUT/gpu_check.log (and stdout):
#   devices  the Vulkan device and its cooperative-matrix shapes
#   kernels  bench gemm/conv2d/attention/tae, plain beside tensor-core kernels,
#            each self-checked; torch.matmul at the same GEMM shapes
#   tests    the GPU test suites (op and model goldens) with the device's kernels
#   goldens  the op and model goldens only (nn_tests, models_tests): a quick check
#   models   SD-Turbo-shaped random folder: bench unet 512, bench frame 512, and
#            diffusers beside it (tools/bench/side_by_side.py, wheels in .whl/)
#   convs    bench conv2d (SD and default-model shapes) and attention, tensor-core
#            kernels only: a quick look after a kernel change
#   sweep    every tensor-core launch (tile x splits) at SD-Turbo's and TAESD's
#            convolution shapes, and the GEMM tiles at SD-Turbo's: data for the
#            launch cost model (engine/nn/coopmat_tile.cpp)
#   profile  where SD-Turbo's 512x512 UNet and frame spend their GPU time: per
#            block, per stage and per shader (no torch)
# Example (device tool, carry devkit and .whl):
#   tools/bench/gpu_check.sh devices kernels tests
set -uo pipefail
cd "$(dirname "$0")/../.."
out=${OUT:-/tmp/gpu_check}
mkdir -p "$out"
exec > >(tee -a "$out/gpu_check.log") 2>&1
kit=/tmp/afterimage-kit
rm -rf "$kit" && mkdir -p "$kit/root"
tar xJf devkit/kit.tar.xz -C "$kit"
for deb in devkit/deb/*.deb; do dpkg -x "$deb" "$kit/root"; done
export LD_LIBRARY_PATH="$kit/lib:$kit/root/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export VK_LAYER_PATH="$kit/root/usr/share/vulkan/explicit_layer.d"
for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json \
  /usr/share/vulkan/icd.d/nvidia_icd.json; do
  [ -f "$icd" ] && export VK_DRIVER_FILES="$icd" VK_ICD_FILENAMES="$icd" && break
done
# The test binaries read goldens from the source folder they were built in.
source_dir=$(cat devkit/source_dir)
if [ -n "$source_dir" ] && [ ! -e "$source_dir" ]; then mkdir -p "$(dirname "$source_dir")" && ln -s "$PWD" "$source_dir"; fi
[ -e build/afterimage ] || { mkdir -p build && ln -s "$kit/bin/afterimage" build/afterimage; }
bin=$kit/bin
export AFTERIMAGE_CACHE_DIR=/tmp/afterimage-cache
step() { echo; echo "=== $* ($(date +%T))"; }
limit() { local s=$1; shift; timeout "$s" "$@"; echo "[exit $?]"; }

for part in "$@"; do
  case "$part" in
    devices)
      step devices
      limit 30 "$bin/afterimage" devices
      nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv 2>/dev/null
      ;;
    kernels)
      step bench gemm
      limit 120 "$bin/afterimage" bench gemm --shapes 512x512x512,4096x4096x4096 --kernel tiled,coopmat --repeats 10 \
        --tile auto,128x128/64x32/32x2,128x128/64x64/32x2,128x256/64x64/32,128x128/64x64/64,128x64/32x32/32x2
      limit 60 "$bin/afterimage" bench gemm --shapes sd --kernel tiled,coopmat --repeats 10
      limit 60 "$bin/afterimage" bench gemm --shapes sd --kernel coopmat --transposed --repeats 10
      step torch.matmul
      limit 60 python3 tools/bench/gemm_torch.py --shapes 4096x4096x4096,4096x320x320,4096x2560x320,4096x320x1280,1024x640x640,256x1280x11520,4096x4096x64x5
      step bench conv2d
      limit 90 "$bin/afterimage" bench conv2d --shapes sd --kernel plain,coopmat --repeats 5
      limit 60 "$bin/afterimage" bench conv2d --kernel plain,coopmat --repeats 5
      step bench attention
      limit 60 "$bin/afterimage" bench attention --sizes 1024,4096 --kernel plain,coopmat --repeats 5
      limit 60 "$bin/afterimage" bench attention --sizes 4096 --keys 77 --kernel plain,coopmat --repeats 5
      step bench tae
      limit 60 "$bin/afterimage" bench tae --size 512 --repeats 5
      AFTERIMAGE_COOPMAT=0 limit 60 "$bin/afterimage" bench tae --size 512 --repeats 3
      ;;
    tests)
      step tests with the tensor-core kernels
      for t in gpu_tests nn_tests models_tests pipeline_generator_tests; do
        limit 240 "$bin/$t" --gtest_brief=1
      done
      ;;
    goldens)
      step "op and model goldens with the device's kernels"
      for t in nn_tests models_tests; do limit 90 "$bin/$t" --gtest_brief=1; done
      ;;
    models)
      step SD-Turbo beside diffusers
      limit 240 python3 tools/bench/side_by_side.py --afterimage "$bin/afterimage" --model /tmp/sd-turbo-random \
        --frames 10 --repeats 5 --iterations 10 --warmup 3 --timeout 120
      step "where the frame's time goes (per shader), and the default model"
      limit 90 "$bin/afterimage" bench frame --model /tmp/sd-turbo-random --size 512x512 --steps 1 --frames 5 --per-shader
      limit 60 "$bin/afterimage" bench frame --model sets/models/default --size 256x256 --steps 1 --frames 20 --pipelined
      ;;
    convs)
      step "tensor-core convolutions and attention"
      limit 60 "$bin/afterimage" bench conv2d --shapes sd --kernel coopmat --repeats 10
      limit 60 "$bin/afterimage" bench conv2d --kernel coopmat --repeats 10
      limit 60 "$bin/afterimage" bench attention --sizes 1024,4096 --kernel coopmat --repeats 10
      ;;
    sweep)
      step "launch sweep: convolutions"
      launches=auto
      for tile in 128x128/64x32/64 128x128/64x32/32 128x128/64x64/32x2 256x128/64x64/32 128x64/32x32/32 \
        64x128/32x32/32 64x64/32x32/32; do
        for splits in 1 2 4 8; do launches+=",$tile:$splits"; done
      done
      limit 150 "$bin/afterimage" bench conv2d --shapes sd --kernel coopmat --launch "$launches" --repeats 5
      limit 60 "$bin/afterimage" bench conv2d --sizes 512,256 --kernel coopmat --launch "$launches" --repeats 5
      step "launch sweep: GEMM tiles"
      limit 90 "$bin/afterimage" bench gemm --shapes sd --kernel coopmat --repeats 5 \
        --tile auto,128x128/64x32/64,128x128/64x32/32,256x128/64x64/32,128x64/32x32/32,64x128/32x32/32,64x64/32x32/32,32x64/16x32/32
      ;;
    profile)
      step "SD-Turbo 512x512: per block, per stage, per shader"
      [ -d /tmp/sd-turbo-random ] || limit 60 "$bin/afterimage" models random /tmp/sd-turbo-random \
        --tokenizer tests/golden/tokenizer/clip_cut
      limit 60 "$bin/afterimage" bench unet --model /tmp/sd-turbo-random --size 512x512 --repeats 10
      limit 60 "$bin/afterimage" bench unet --model /tmp/sd-turbo-random --size 512x512 --repeats 5 --per-shader
      limit 60 "$bin/afterimage" bench frame --model /tmp/sd-turbo-random --size 512x512 --steps 1 --frames 20 --pipelined
      limit 60 "$bin/afterimage" bench frame --model /tmp/sd-turbo-random --size 512x512 --steps 1 --frames 5 --per-shader
      nvidia-smi --query-gpu=clocks.sm,clocks.max.sm,power.draw --format=csv 2>/dev/null
      ;;
    *) echo "unknown part '$part' (devices, kernels, convs, sweep, tests, goldens, models, profile)" ;;
  esac
done
echo; echo "=== done ($(date +%T))"
