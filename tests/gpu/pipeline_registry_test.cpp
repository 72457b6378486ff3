// PipelineRegistry: one pipeline per (shader, specialization), an on-disk
// cache, and a clear error for a shader that was never embedded.
#include "engine/gpu/pipeline_registry.h"

#include <filesystem>

#include "engine/gpu/gpu_error.h"
#include "engine/gpu/shader_library.h"
#include "tests/support/gpu_test.h"

namespace afterimage {
namespace {

using testing::GpuTest;

class PipelineRegistryTest : public GpuTest {};

TEST_F(PipelineRegistryTest, SameSpecGivesTheSamePipeline) {
  gpu::PipelineRegistry registry(context().device(), "");
  const auto& first = registry.get({"matmul", 8, 48, {0, 0}});
  const auto& second = registry.get({"matmul", 8, 48, {0, 0}});
  EXPECT_EQ(&first, &second);
  EXPECT_EQ(registry.pipelinesCreated(), 1u);
  registry.get({"matmul", 8, 48, {1, 0}});
  EXPECT_EQ(registry.pipelinesCreated(), 2u);
}

TEST_F(PipelineRegistryTest, CacheIsWrittenToDisk) {
  auto file = std::filesystem::temp_directory_path() / "afterimage-registry-test" / "pipelines.bin";
  std::filesystem::remove_all(file.parent_path());
  {
    gpu::PipelineRegistry registry(context().device(), file.string());
    registry.get({"matmul", 8, 48, {0, 1}});
  }
  ASSERT_TRUE(std::filesystem::exists(file));
  EXPECT_GT(std::filesystem::file_size(file), 0u);
  gpu::PipelineRegistry reloaded(context().device(), file.string());  // loads the file back
  reloaded.get({"matmul", 8, 48, {0, 1}});
  EXPECT_EQ(reloaded.pipelinesCreated(), 1u);
}

TEST_F(PipelineRegistryTest, UnknownShaderIsAnErrorNamingIt) {
  gpu::PipelineRegistry registry(context().device(), "");
  try {
    registry.get({"no_such_shader", 1, 0, {}});
    FAIL() << "expected an error";
  } catch (const gpu::GpuError& e) {
    EXPECT_NE(std::string(e.what()).find("no_such_shader"), std::string::npos) << e.what();
  }
}

TEST_F(PipelineRegistryTest, ShadersAreEmbedded) {
  EXPECT_FALSE(gpu::embeddedShaders().empty());
  auto words = gpu::findShader("matmul");
  ASSERT_GT(words.size(), 5u);
  EXPECT_EQ(words[0], 0x07230203u);  // SPIR-V magic
}

}  // namespace
}  // namespace afterimage
