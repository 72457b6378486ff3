// Shared pieces of the `afterimage bench` benchmarks.
#pragma once
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "engine/cli/arguments.h"
#include "engine/cli/commands.h"
#include "engine/gpu/command_sequence.h"

namespace afterimage::cli {

// "256,512" -> {256, 512}; UsageError naming `option` otherwise.
std::vector<uint32_t> parseSizes(const std::string& text, const std::string& option = "--sizes");
// Uniform values in [-1, 1) (f16 rounding happens on upload).
std::vector<float> randomHalfValues(size_t count, std::mt19937& rng);

// --kernel for ops with a plain and a tensor-core kernel (nn::Conv2dKernel,
// nn::AttentionKernel): "auto", "plain", "coopmat", comma-separated.
template <class Kernel>
std::vector<Kernel> parsePlainOrCoopmat(const std::string& text) {
  std::vector<Kernel> kernels;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    if (item == "auto") kernels.push_back(Kernel::Auto);
    else if (item == "plain") kernels.push_back(Kernel::Plain);
    else if (item == "coopmat") kernels.push_back(Kernel::Coopmat);
    else throw UsageError("--kernel expects plain, coopmat or auto (comma-separated), got '" + item + "'");
  }
  return kernels;
}

// "a,b,c" -> {"a", "b", "c"}.
std::vector<std::string> splitList(const std::string& text, char separator);

// sqrt(sum (got - expected)^2 / sum expected^2).
double relativeL2(const std::vector<float>& got, const std::vector<float>& expected);

// --per-shader: the GPU time of a replay summed per shader (needs
// CommandSequence::profileEachDispatch on while the plan is recorded), the
// `top` largest first, with dispatch counts and shares; then the `top`
// slowest single dispatches with their grids and the stage they ran in.
void printShaderProfile(const std::vector<gpu::StageTime>& times, size_t top = 20);

int benchGemm(const CommandArgs& args);
int benchConv2d(const CommandArgs& args);
int benchAttention(const CommandArgs& args);
int benchTae(const CommandArgs& args);
int benchUNet(const CommandArgs& args);
int benchFrame(const CommandArgs& args);

}  // namespace afterimage::cli
