// TinyAutoencoder against PyTorch goldens (tools/reference/
// model_tiny_autoencoder.py): two random-weight variants made by the project
// and the real TAEF2 weights from ../shared/models.
// Tolerance: relative L2 < 1e-2. Activations are stored in f16 between ~45
// layers (PyTorch runs f32), so rounding accumulates beyond a single op's
// 2e-3; the measured error is printed.
#include "engine/models/tiny_autoencoder.h"

#include <filesystem>

#include "engine/image/png_image.h"
#include "tests/support/golden.h"
#include "tests/support/gpu_test.h"

namespace afterimage {
namespace {

using testing::GpuTest;
constexpr double kTolerance = 1e-2;

std::string sharedModel(const std::string& name) {
  return std::string(AFTERIMAGE_SOURCE_DIR) + "/../shared/models/" + name;
}

class TinyAutoencoderTest : public GpuTest {
 protected:
  // Encodes golden `image` and decodes golden `latent_in`; checks both.
  void checkAgainstGolden(const std::string& caseName, const std::string& encoderPath, const std::string& decoderPath) {
    testing::Golden golden("models/tiny_autoencoder.safetensors");
    models::TinyAutoencoder tae(context(), encoderPath, decoderPath);
    nn::Plan plan(context());
    auto image = plan.persistent(golden.shape(caseName, "image"));
    auto latentIn = plan.persistent(golden.shape(caseName, "latent_in"));
    auto latent = tae.encode(plan, image);
    auto decoded = tae.decode(plan, latentIn);
    plan.finalize();
    EXPECT_EQ(latent.shape(), golden.shape(caseName, "latent"));
    EXPECT_EQ(decoded.shape(), golden.shape(caseName, "decoded"));
    nn::writeTensor(context(), image, golden.values(caseName, "image"));
    nn::writeTensor(context(), latentIn, golden.values(caseName, "latent_in"));
    plan.run();
    double latentError = testing::relativeL2(nn::readTensor(context(), latent), golden.values(caseName, "latent"));
    double decodedError = testing::relativeL2(nn::readTensor(context(), decoded), golden.values(caseName, "decoded"));
    std::printf("%s: encoder relative L2 %.2e, decoder %.2e (limit %.0e); %llu parameters, plan %.2f MiB activations\n",
                caseName.c_str(), latentError, decodedError, kTolerance,
                static_cast<unsigned long long>(tae.parameterCount()), plan.activationBytes() / 1048576.0);
    EXPECT_LT(latentError, kTolerance);
    EXPECT_LT(decodedError, kTolerance);
  }
};

TEST_F(TinyAutoencoderTest, RandomWeightsWidth16MatchPyTorch) {
  std::string dir = testing::goldenPath("models/tae_random_w16/");
  checkAgainstGolden("random_w16", dir + "encoder.safetensors", dir + "decoder.safetensors");
}

TEST_F(TinyAutoencoderTest, RandomWeightsWithPoolPathMatchPyTorch) {
  std::string dir = testing::goldenPath("models/tae_random_w8_pool/");
  checkAgainstGolden("random_w8_pool", dir + "encoder.safetensors", dir + "decoder.safetensors");
}

class Taef2Test : public TinyAutoencoderTest {
 protected:
  void SetUp() override {
    TinyAutoencoderTest::SetUp();
    if (!std::filesystem::exists(sharedModel("taef2_encoder.safetensors")))
      GTEST_SKIP() << "needs the pretrained TAEF2 weights in ../shared/models (beside the checkout), not found at "
                   << sharedModel("");
  }
};

TEST_F(Taef2Test, RealWeightsMatchPyTorch) {
  checkAgainstGolden("taef2", sharedModel("taef2_encoder.safetensors"), sharedModel("taef2_decoder.safetensors"));
}

TEST_F(Taef2Test, RoundTripOfTheTestPictureIsRecognisable) {
  auto picture = image::readPng(testing::goldenPath("models/test_picture_64.png"));
  models::TinyAutoencoder tae(context(), sharedModel("taef2_encoder.safetensors"),
                              sharedModel("taef2_decoder.safetensors"));
  EXPECT_EQ(tae.latentChannels(), 32u);
  nn::Plan plan(context());
  auto input = plan.persistent({1, 3, picture.height, picture.width});
  auto latent = tae.encode(plan, input);
  auto output = tae.decode(plan, latent);
  plan.finalize();
  nn::writeTensor(context(), input, picture.planar);
  plan.run();
  image::Image decoded{picture.width, picture.height, nn::readTensor(context(), output)};
  double psnr = image::psnr(picture, decoded);
  std::printf("TAEF2 encode+decode of the 64x64 test picture: PSNR %.2f dB (limit 20 dB)\n", psnr);
  EXPECT_GT(psnr, 20.0);
}

TEST_F(TinyAutoencoderTest, ReplayAllocatesNothingAndCreatesNoPipelines) {
  std::string dir = testing::goldenPath("models/tae_random_w8_pool/");
  models::TinyAutoencoder tae(context(), dir + "encoder.safetensors", dir + "decoder.safetensors");
  nn::Plan plan(context());
  auto input = plan.persistent({1, 3, 16, 24});
  auto output = tae.decode(plan, tae.encode(plan, input));
  plan.finalize();
  auto pipelines = context().pipelines().pipelinesCreated();
  for (int frame = 0; frame < 3; ++frame) {
    // Writing the input may stage through a temporary buffer (device-local
    // memory on discrete GPUs); the replay itself must allocate nothing.
    nn::writeTensor(context(), input, testing::randomHalfValues(3 * 16 * 24, frame, 0.0f, 1.0f));
    auto arena = context().arena().stats();
    plan.run();
    EXPECT_EQ(context().arena().stats().sliceAllocations, arena.sliceAllocations);
    EXPECT_EQ(context().arena().stats().deviceMemoryAllocations, arena.deviceMemoryAllocations);
  }
  EXPECT_EQ(context().pipelines().pipelinesCreated(), pipelines);
  EXPECT_EQ(output.shape(), (nn::Shape{1, 3, 16, 24}));
}

TEST_F(TinyAutoencoderTest, ActivationMemoryIsReusedAcrossLayers) {
  std::string dir = testing::goldenPath("models/tae_random_w16/");
  models::TinyAutoencoder tae(context(), "", dir + "decoder.safetensors");
  nn::Plan plan(context());
  auto latent = plan.persistent({1, 4, 8, 8});
  tae.decode(plan, latent);
  // The largest activation is 16 channels at 64x64 in f16 (128 KiB); a plan
  // without reuse would hold every layer's output (tens of them).
  size_t largest = 16 * 64 * 64 * 2;
  std::printf("decoder plan activations: %.1f KiB (largest tensor %.1f KiB)\n", plan.activationBytes() / 1024.0,
              largest / 1024.0);
  EXPECT_LE(plan.activationBytes(), 6 * largest);
}

TEST_F(TinyAutoencoderTest, EncoderFileGivenAsDecoderIsRefusedNamingTheFile) {
  std::string dir = testing::goldenPath("models/tae_random_w16/");
  try {
    models::TinyAutoencoder tae(context(), "", dir + "encoder.safetensors");
    FAIL() << "expected a WeightError";
  } catch (const nn::WeightError& e) {
    EXPECT_NE(std::string(e.what()).find("encoder.safetensors"), std::string::npos) << e.what();
  }
}

TEST_F(TinyAutoencoderTest, MismatchedEncoderAndDecoderAreRefused) {
  std::string a = testing::goldenPath("models/tae_random_w16/"), b = testing::goldenPath("models/tae_random_w8_pool/");
  EXPECT_THROW(models::TinyAutoencoder(context(), a + "encoder.safetensors", b + "decoder.safetensors"),
               nn::WeightError);
}

}  // namespace
}  // namespace afterimage
