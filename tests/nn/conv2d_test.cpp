// conv2d against PyTorch (tests/golden/ops/conv2d.safetensors, written by
// tools/reference/ops_conv2d.py): every golden case, f16 storage with f32
// accumulation within a relative L2 error of 2e-3.
#include "engine/nn/conv2d.h"

#include "engine/gpu/gpu_error.h"
#include "engine/nn/concat.h"
#include "engine/nn/resample.h"
#include "tests/support/golden.h"
#include "tests/support/gpu_test.h"

namespace afterimage {
namespace {

using testing::GpuTest;

constexpr double kTolerance = 2e-3;  // relative L2, f16 output rounding dominates

class Conv2dTest : public GpuTest {
 protected:
  // Runs the golden cases named (all if none) with `tiling`; returns how many ran.
  size_t runGoldenCases(const nn::Conv2dTiling& tiling, std::vector<std::string> cases = {});
};

size_t Conv2dTest::runGoldenCases(const nn::Conv2dTiling& tiling, std::vector<std::string> cases) {
  testing::Golden golden("ops/conv2d.safetensors");
  if (cases.empty()) cases = golden.cases();
  for (const auto& name : cases) {
    SCOPED_TRACE(name);
    auto params = golden.params(name);
    nn::Plan plan(context());
    auto input = testing::goldenInput(plan, golden, name, "input");
    auto weight = testing::goldenInput(plan, golden, name, "weight");
    testing::GoldenInput bias, residual;
    if (golden.has(name, "bias")) bias = testing::goldenInput(plan, golden, name, "bias");
    if (golden.has(name, "residual")) residual = testing::goldenInput(plan, golden, name, "residual");
    nn::Conv2dOptions options{params["stride"].get<uint32_t>(), params["padding"].get<uint32_t>(),
                              nn::activationNamed(params["activation"].get<std::string>()), tiling};
    auto output = nn::conv2d(plan, input.tensor, {weight.tensor, bias.tensor}, options, residual.tensor);
    if (output.shape() != golden.shape(name, "output")) {
      ADD_FAILURE() << "output shape " << nn::toString(output.shape());
      continue;
    }
    plan.finalize();
    testing::writeGoldenInputs(context(), {&input, &weight});
    if (bias.tensor.valid()) testing::writeGoldenInputs(context(), {&bias});
    if (residual.tensor.valid()) testing::writeGoldenInputs(context(), {&residual});
    plan.run();
    EXPECT_LT(testing::goldenError(context(), output, golden, name, "output", kTolerance), kTolerance);
  }
  return cases.size();
}

TEST_F(Conv2dTest, MatchesPyTorchWithTheDeviceTiling) { EXPECT_GE(runGoldenCases({}), 10u); }

// Other tilings on a few cases that between them have 1x1 and 3x3 kernels,
// stride 2, odd channel counts, no bias and a residual (each tiling compiles
// its own pipelines, which is most of this test's time on lavapipe).
const std::vector<std::string> kTilingCases = {"rgb_to_5_k3", "k3_stride2_nobias", "k1_many_channels",
                                               "k3_residual_gelu"};

// The tiling GPUs get (no weight sharing across lanes), checked here too.
TEST_F(Conv2dTest, MatchesPyTorchWithTheGpuTiling) { EXPECT_EQ(runGoldenCases({16, 4, 1}, kTilingCases), 4u); }

// Tiles that divide nothing evenly, with weights shared over two lanes.
TEST_F(Conv2dTest, MatchesPyTorchWithOddTiles) { EXPECT_EQ(runGoldenCases({6, 3, 2}, kTilingCases), 4u); }

// A bias per image and channel (a UNet ResNet's conv1 adding its time
// projection): the same convolution without bias, plus table[n, offset + c].
TEST_F(Conv2dTest, ImageChannelBiasAddsEachImagesColumns) {
  const uint32_t batch = 2, in = 5, out = 6, height = 7, width = 9, stride = 10, offset = 3;
  nn::Plan plan(context());
  auto input = plan.persistent({batch, in, height, width});
  auto weight = plan.persistent({out, in, 3, 3});
  auto table = plan.persistent({batch, stride});
  auto plain = nn::conv2d(plan, input, {weight, {}});
  auto biased = nn::conv2d(plan, input, {weight, {}}, {.activation = nn::Activation::SiLU}, {}, {table, offset});
  plan.finalize();
  auto tableValues = testing::randomHalfValues(batch * stride, 23);
  nn::writeTensor(context(), input, testing::randomHalfValues(input.elements(), 21));
  nn::writeTensor(context(), weight, testing::randomHalfValues(weight.elements(), 22, -0.3f, 0.3f));
  nn::writeTensor(context(), table, tableValues);
  plan.run();
  auto expected = nn::readTensor(context(), plain);
  for (uint32_t n = 0; n < batch; ++n)
    for (uint32_t c = 0; c < out; ++c)
      for (uint32_t i = 0; i < height * width; ++i) {
        float& v = expected[(size_t(n) * out + c) * height * width + i];
        v = nn::activate(nn::Activation::SiLU, v + tableValues[n * stride + offset + c]);
      }
  double error = testing::relativeL2(nn::readTensor(context(), biased), expected);
  std::printf("conv2d with a bias per image and channel: relative L2 error %.2e\n", error);
  EXPECT_LT(error, kTolerance);

  nn::Plan other(context());
  auto bias = other.persistent({out});
  EXPECT_THROW(nn::conv2d(other, other.persistent({batch, in, height, width}), {other.persistent({out, in, 3, 3}), bias},
                          {}, {}, {other.persistent({batch, stride}), offset}),
               gpu::GpuError);
  EXPECT_THROW(nn::conv2d(other, other.persistent({batch, in, height, width}), {other.persistent({out, in, 3, 3}), {}},
                          {}, {}, {other.persistent({batch, out + offset - 1}), offset}),
               gpu::GpuError);
}

// An upsampling convolution reads the input doubled in place: the same as
// the nearest upsample op followed by the convolution, for 3x3 (the UNet's
// and TAESD's) and 1x1 kernels, stride 1 and 2, odd sizes.
TEST_F(Conv2dTest, UpsampleInPlaceEqualsUpsampleThenConv) {
  for (uint32_t kernel : {3u, 1u})
    for (uint32_t stride : {1u, 2u}) {
      SCOPED_TRACE("kernel " + std::to_string(kernel) + " stride " + std::to_string(stride));
      nn::Plan plan(context());
      auto input = plan.persistent({2, 3, 5, 7});
      auto weight = plan.persistent({4, 3, kernel, kernel});
      auto bias = plan.persistent({4});
      nn::Conv2dOptions options{.stride = stride, .padding = kernel / 2, .activation = nn::Activation::ReLU};
      auto larger = nn::upsampleNearest2x(plan, input);
      auto separate = nn::conv2d(plan, larger, {weight, bias}, options);
      options.upsample = true;
      auto fused = nn::conv2d(plan, input, {weight, bias}, options);
      ASSERT_EQ(fused.shape(), separate.shape());
      plan.finalize();
      nn::writeTensor(context(), input, testing::randomHalfValues(input.elements(), 31));
      nn::writeTensor(context(), weight, testing::randomHalfValues(weight.elements(), 32));
      nn::writeTensor(context(), bias, testing::randomHalfValues(bias.elements(), 33));
      plan.run();
      double error = testing::relativeL2(nn::readTensor(context(), fused), nn::readTensor(context(), separate));
      EXPECT_LT(error, 1e-6);
    }
}

// The input channels split (a UNet's lowest resolution is one workgroup
// otherwise): the same output as in one pass, with every epilogue (bias,
// bias per image, residual, activation) applied once after the sum by the
// last split of each tile, for 3x3 and 1x1, stride 2, the upsampling read,
// uneven splits, an odd number of pixels and a batch; each plan replayed
// twice on new input (the arrival counts must be back at zero).
TEST_F(Conv2dTest, SplitInputChannelsEqualOnePass) {
  struct Case {
    uint32_t in, out, height, width, kernel, stride, splits;
    bool upsample, residual, perImage;
  };
  for (const Case& c : {Case{48, 24, 4, 4, 3, 1, 3, false, true, false}, Case{40, 8, 8, 6, 1, 1, 16, false, false, true},
                        Case{33, 12, 8, 8, 3, 2, 4, false, false, false}, Case{32, 16, 2, 2, 3, 1, 2, true, true, true},
                        Case{32, 8, 3, 3, 3, 1, 2, false, true, false}, Case{48, 32, 8, 8, 3, 1, 3, false, true, true}}) {
    SCOPED_TRACE("in " + std::to_string(c.in) + " splits " + std::to_string(c.splits));
    const uint32_t batch = 2, tableStride = c.out + 3;
    nn::Plan plan(context());
    auto input = plan.persistent({batch, c.in, c.height, c.width});
    auto weight = plan.persistent({c.out, c.in, c.kernel, c.kernel});
    auto bias = plan.persistent({c.out});
    auto table = plan.persistent({batch, tableStride});
    nn::Conv2dOptions options{.stride = c.stride, .padding = c.kernel / 2, .activation = nn::Activation::SiLU,
                              .kernel = nn::Conv2dKernel::Plain};
    options.upsample = c.upsample;
    options.splits = 1;
    uint32_t outSide = ((c.height << (c.upsample ? 1 : 0)) + 2 * options.padding - c.kernel) / c.stride + 1;
    nn::Tensor residual = c.residual ? plan.persistent({batch, c.out, outSide, outSide * c.width / c.height}) : nn::Tensor{};
    nn::Conv2dWeights weights{weight, c.perImage ? nn::Tensor{} : bias};
    nn::ImageChannelBias imageBias = c.perImage ? nn::ImageChannelBias{table, 2} : nn::ImageChannelBias{};
    auto whole = nn::conv2d(plan, input, weights, options, residual, imageBias);
    options.splits = c.splits;
    auto split = nn::conv2d(plan, input, weights, options, residual, imageBias);
    // The tensor-core kernel split as many ways, where the device has one (on lavapipe under
    // AFTERIMAGE_COOPMAT=emulate: nn_tests_emulated_tensor_cores) and the layer fits it.
    nn::Tensor tensorSplit;
    if (nn::conv2dCoopmatFits(context().info(), c.in, c.kernel, outSide * c.width / c.height) && c.stride == 1) {
      nn::Conv2dOptions coopmat = options;
      coopmat.kernel = nn::Conv2dKernel::Coopmat;
      coopmat.splits = 0;
      coopmat.launch = nn::parseCoopmatLaunch("32x32/16x16/32:" + std::to_string(c.splits));
      tensorSplit = nn::conv2d(plan, input, weights, coopmat, residual, imageBias);
    }
    plan.finalize();
    nn::writeTensor(context(), input, testing::randomHalfValues(input.elements(), 41));
    nn::writeTensor(context(), weight, testing::randomHalfValues(weight.elements(), 42, -0.2f, 0.2f));
    nn::writeTensor(context(), bias, testing::randomHalfValues(bias.elements(), 43));
    nn::writeTensor(context(), table, testing::randomHalfValues(table.elements(), 44));
    if (c.residual) nn::writeTensor(context(), residual, testing::randomHalfValues(residual.elements(), 45));
    for (uint32_t replay = 0; replay < 2; ++replay) {
      if (replay == 1) nn::writeTensor(context(), input, testing::randomHalfValues(input.elements(), 46));
      plan.run();
      // Sums in another order, each output rounded to f16 once either way.
      double error = testing::relativeL2(nn::readTensor(context(), split), nn::readTensor(context(), whole));
      std::printf("conv2d split %u ways, replay %u: relative L2 %.2e from one pass\n", c.splits, replay, error);
      EXPECT_LT(error, 1e-3);
      if (tensorSplit.valid()) {
        double tensorError = testing::relativeL2(nn::readTensor(context(), tensorSplit), nn::readTensor(context(), whole));
        std::printf("tensor-core conv2d split %u ways, replay %u: relative L2 %.2e from one plain pass\n", c.splits,
                    replay, tensorError);
        EXPECT_LT(tensorError, 2e-3);
      }
    }
  }
  nn::Plan plan(context());
  EXPECT_THROW(nn::conv2d(plan, plan.persistent({1, 32, 4, 4}), {plan.persistent({8, 32, 3, 3}), {}}, {.splits = 17}),
               gpu::GpuError);
}

// A concatenated input ([first, second] along channels, a UNet up block's
// [h, skip]) read in place: exactly the output of the stored concatenation,
// with each kernel the device has (under AFTERIMAGE_COOPMAT=emulate the
// tensor-core one takes the layers 8 wide), split or not, for 1x1 and 3x3,
// stride 2, the upsampling read and a batch.
TEST_F(Conv2dTest, ConcatenatedInputEqualsTheStoredConcatenation) {
  struct Case {
    uint32_t first, second, out, height, width, kernel, stride, splits;
    bool upsample;
  };
  std::vector<nn::Conv2dKernel> kernels = {nn::Conv2dKernel::Plain};
  if (context().info().tensorCores) kernels.push_back(nn::Conv2dKernel::Coopmat);
  for (nn::Conv2dKernel kernel : kernels)
    for (const Case& c : {Case{8, 8, 12, 8, 8, 1, 1, 1, false}, Case{24, 16, 16, 8, 8, 3, 1, 1, false},
                          Case{5, 11, 7, 6, 10, 3, 2, 1, false}, Case{16, 32, 8, 4, 4, 3, 1, 2, true},
                          Case{40, 24, 8, 8, 8, 1, 1, 4, false}}) {
      if (kernel == nn::Conv2dKernel::Coopmat && (c.splits > 1 || ((c.first + c.second) * c.kernel * c.kernel) % 8 != 0 ||
                                                  c.stride != 1))
        continue;
      SCOPED_TRACE("kernel " + std::string(kernel == nn::Conv2dKernel::Plain ? "plain" : "tensor cores") + ", " +
                   std::to_string(c.first) + " + " + std::to_string(c.second) + " channels, " +
                   std::to_string(c.kernel) + "x" + std::to_string(c.kernel) + ", splits " + std::to_string(c.splits));
      const uint32_t batch = 2;
      nn::Plan plan(context());
      auto first = plan.persistent({batch, c.first, c.height, c.width});
      auto second = plan.persistent({batch, c.second, c.height, c.width});
      auto weight = plan.persistent({c.out, c.first + c.second, c.kernel, c.kernel});
      auto bias = plan.persistent({c.out});
      nn::Conv2dOptions options{.stride = c.stride, .padding = c.kernel / 2, .activation = nn::Activation::SiLU,
                                .kernel = kernel, .upsample = c.upsample, .splits = c.splits};
      auto stored = nn::conv2d(plan, nn::concatChannels(plan, first, second), {weight, bias}, options);
      options.concatenated = second;
      auto inPlace = nn::conv2d(plan, first, {weight, bias}, options);
      ASSERT_EQ(inPlace.shape(), stored.shape());
      plan.finalize();
      nn::writeTensor(context(), first, testing::randomHalfValues(first.elements(), 71));
      nn::writeTensor(context(), second, testing::randomHalfValues(second.elements(), 72));
      nn::writeTensor(context(), weight, testing::randomHalfValues(weight.elements(), 73, -0.2f, 0.2f));
      nn::writeTensor(context(), bias, testing::randomHalfValues(bias.elements(), 74));
      plan.run();
      EXPECT_EQ(nn::readTensor(context(), inPlace), nn::readTensor(context(), stored));
    }
  nn::Plan plan(context());
  auto first = plan.persistent({1, 4, 8, 8});
  EXPECT_THROW(nn::conv2d(plan, first, {plan.persistent({6, 8, 3, 3}), {}}, {.concatenated = plan.persistent({1, 4, 8, 4})}),
               gpu::GpuError);
}

// A ResNet's projection shortcut in the same pass: the 1x1 convolution of
// the shortcut input (or of two inputs concatenated) added as more input
// channels of conv2's sum equals conv2 with the shortcut convolved apart as
// its residual (each rounded to f16 once there, so within 2e-3), with the
// plain kernel split or not and with the tensor-core one where the device has
// it (split too; its shortcut channels a multiple of 8, else convolved apart
// inside).
TEST_F(Conv2dTest, ShortcutInTheSamePassEqualsItsConvolutionAsResidual) {
  struct Case {
    uint32_t in, shortcutFirst, shortcutSecond, out, side, splits;
    bool shortcutBias;
  };
  std::vector<nn::Conv2dKernel> kernels = {nn::Conv2dKernel::Plain};
  if (context().info().tensorCores) kernels.push_back(nn::Conv2dKernel::Coopmat);
  for (nn::Conv2dKernel kernel : kernels)
    for (const Case& c : {Case{16, 24, 0, 16, 8, 1, true}, Case{24, 16, 16, 8, 8, 3, false}, Case{8, 5, 7, 12, 8, 1, true},
                          Case{32, 24, 8, 16, 4, 2, true}, Case{48, 32, 0, 16, 8, 3, true}}) {
      bool tensorCores = kernel == nn::Conv2dKernel::Coopmat;
      if (tensorCores && c.side % 8 != 0) continue;  // its rows are whole 16-byte words
      SCOPED_TRACE(std::string(tensorCores ? "tensor cores" : "plain") + ", shortcut " + std::to_string(c.shortcutFirst) +
                   " + " + std::to_string(c.shortcutSecond) + " channels, splits " + std::to_string(c.splits));
      const uint32_t batch = 2, shortcutChannels = c.shortcutFirst + c.shortcutSecond;
      nn::Plan plan(context());
      auto input = plan.persistent({batch, c.in, c.side, c.side});
      auto first = plan.persistent({batch, c.shortcutFirst, c.side, c.side});
      nn::Tensor second = c.shortcutSecond ? plan.persistent({batch, c.shortcutSecond, c.side, c.side}) : nn::Tensor{};
      auto weight = plan.persistent({c.out, c.in, 3, 3}), bias = plan.persistent({c.out});
      auto shortcutWeight = plan.persistent({c.out, shortcutChannels, 1, 1});
      nn::Tensor shortcutBias = c.shortcutBias ? plan.persistent({c.out}) : nn::Tensor{};
      nn::Conv2dOptions options{.activation = nn::Activation::SiLU, .kernel = kernel, .splits = c.splits};
      // The tensor-core kernel split as many ways: a split's K range crosses from conv2's taps into the shortcut's.
      if (tensorCores) options.launch = nn::parseCoopmatLaunch("32x32/16x16/32:" + std::to_string(c.splits));
      auto apart = nn::conv2d(plan, first, {shortcutWeight, shortcutBias}, {.padding = 0, .concatenated = second});
      auto separate = nn::conv2d(plan, input, {weight, bias}, options, apart);
      options.shortcut = {first, second, {shortcutWeight, shortcutBias}};
      auto fused = nn::conv2d(plan, input, {weight, bias}, options);
      plan.finalize();
      nn::writeTensor(context(), input, testing::randomHalfValues(input.elements(), 81));
      nn::writeTensor(context(), first, testing::randomHalfValues(first.elements(), 82));
      if (second.valid()) nn::writeTensor(context(), second, testing::randomHalfValues(second.elements(), 83));
      nn::writeTensor(context(), weight, testing::randomHalfValues(weight.elements(), 84, -0.2f, 0.2f));
      nn::writeTensor(context(), bias, testing::randomHalfValues(bias.elements(), 85));
      nn::writeTensor(context(), shortcutWeight, testing::randomHalfValues(shortcutWeight.elements(), 86, -0.3f, 0.3f));
      if (shortcutBias.valid()) nn::writeTensor(context(), shortcutBias, testing::randomHalfValues(c.out, 87));
      plan.run();
      double error = testing::relativeL2(nn::readTensor(context(), fused), nn::readTensor(context(), separate));
      std::printf("conv2d with its shortcut in the same pass: relative L2 %.2e from the shortcut apart\n", error);
      EXPECT_LT(error, 2e-3);
    }
  nn::Plan plan(context());
  auto input = plan.persistent({1, 8, 8, 8});
  nn::Conv2dOptions wrongSize{.shortcut = {plan.persistent({1, 8, 4, 4}), {}, {plan.persistent({8, 8, 1, 1}), {}}}};
  EXPECT_THROW(nn::conv2d(plan, input, {plan.persistent({8, 8, 3, 3}), {}}, wrongSize), gpu::GpuError);
  nn::Conv2dOptions withResidual{.shortcut = {input, {}, {plan.persistent({8, 8, 1, 1}), {}}}};
  EXPECT_THROW(nn::conv2d(plan, input, {plan.persistent({8, 8, 3, 3}), {}}, withResidual, input), gpu::GpuError);
}

TEST_F(Conv2dTest, MismatchedWeightIsAnErrorNamingBothShapes) {
  nn::Plan plan(context());
  auto input = plan.persistent({1, 4, 8, 8});
  auto weight = plan.persistent({6, 5, 3, 3});
  try {
    nn::conv2d(plan, input, {weight, {}});
    FAIL() << "expected an error";
  } catch (const gpu::GpuError& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("[6, 5, 3, 3]"), std::string::npos) << message;
    EXPECT_NE(message.find("[1, 4, 8, 8]"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace afterimage
