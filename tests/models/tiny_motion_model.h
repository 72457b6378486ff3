// The tiny random UNet and motion adapter of tools/reference/
// model_motion_adapter.py (tests/golden/models/motion_*), loaded for a test.
#pragma once
#include <memory>

#include "engine/models/motion_adapter.h"
#include "engine/models/unet.h"
#include "tests/support/golden.h"
#include "tests/support/gpu_test.h"

namespace afterimage::testing {

class TinyMotionModel : public GpuTest {
 protected:
  void SetUp() override {
    GpuTest::SetUp();
    std::string unetDir = goldenPath("models/motion_unet_tiny/");
    std::string adapterDir = goldenPath("models/motion_adapter_tiny/");
    unet = std::make_unique<models::UNet>(context(), unetDir + "config.json",
                                          unetDir + "diffusion_pytorch_model.safetensors");
    adapter = std::make_unique<models::MotionAdapter>(context(), adapterDir + "config.json",
                                                      adapterDir + "diffusion_pytorch_model.safetensors");
    adapter->config().checkFits(unet->config(), adapterDir + "config.json");
  }

  Golden golden{"models/motion_adapter.safetensors"};
  std::unique_ptr<models::UNet> unet;
  std::unique_ptr<models::MotionAdapter> adapter;
};

}  // namespace afterimage::testing
