// The sets shipped in sets/: every one validates, reads back equal after a
// save, and drives the conductor through a minute of a steady beat.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include "engine/pipeline/conductor.h"
#include "engine/pipeline/set_file.h"

namespace afterimage::pipeline {
namespace {

std::filesystem::path setsFolder() { return std::filesystem::path(AFTERIMAGE_SOURCE_DIR) / "sets"; }

std::vector<std::filesystem::path> exampleSets() {
  std::vector<std::filesystem::path> files;
  for (auto& entry : std::filesystem::directory_iterator(setsFolder()))
    if (entry.path().extension() == ".toml") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

TEST(ExampleSets, AllValidateRoundTripAndRun) {
  auto files = exampleSets();
  ASSERT_GE(files.size(), 4u);
  auto folder = std::filesystem::temp_directory_path() / ("afterimage_examples_" + std::to_string(::getpid()));
  std::filesystem::create_directories(folder);
  for (const auto& file : files) {
    SCOPED_TRACE(file.string());
    Set set;
    try {
      set = loadSet(file);
    } catch (const SetError& e) {
      ADD_FAILURE() << e.what();
      continue;
    }
    EXPECT_FALSE(set.scenes.empty());
    // Saved next to the original (same relative model folder), read back equal.
    auto copy = setsFolder() / (".roundtrip_" + std::to_string(::getpid()) + ".toml");
    saveSet(set, copy);
    Set again = loadSet(copy);
    std::filesystem::remove(copy);
    EXPECT_TRUE(again == set) << formatSet(set, copy);

    Conductor conductor(set);
    audio::FeatureSnapshot s;
    s.bpm = 120, s.confidence = 1, s.rmsDbfs = -10, s.loudness = 1;
    s.bands = {1, 1, 1, 1};
    std::set<int> scenes;
    for (int i = 0; i < 60 * 30; ++i) {
      double t = i / 30.0;
      s.time = t;
      s.nextBeatTime = std::ceil(t * 2) / 2;
      s.beatInBar = int(std::floor(t * 2)) % 4;
      GenParams p = conductor.frame(s, t + 0.1);
      scenes.insert(p.scene);
      ASSERT_FALSE(p.prompts.empty());
      ASSERT_GE(p.strength, 0.0f);
      ASSERT_LE(p.strength, 1.0f);
    }
    if (set.sequence.bars > 0 && set.sequence.bars * 2.0 < 60) {
      EXPECT_GT(scenes.size(), 1u) << "the sequence moves within a minute (2 s bars)";
    }
  }
  std::filesystem::remove_all(folder);
}

TEST(ExampleSets, DefaultUsesTheDefaultModelAndSdTurboItsFolder) {
  Set def = loadSet(setsFolder() / "default.toml");
  EXPECT_TRUE(def.usesDefaultModel());
  EXPECT_TRUE(def.modelFolder().empty());
  const std::vector<std::string> styles{"plasma", "voronoi", "tunnel", "smoke", "starfield", "reaction_diffusion",
                                        "kaleidoscope", "metaballs", "flow_field", "moire", "domain_warp", "cellular"};
  for (const char* name : {"default.toml", "techno_strobe.toml", "ambient_morph.toml"}) {
    for (const Scene& scene : loadSet(setsFolder() / name).scenes)
      for (const ScenePrompt& p : scene.prompts)
        EXPECT_NE(std::find(styles.begin(), styles.end(), p.text), styles.end()) << name << ": style " << p.text;
  }
  Set turbo = loadSet(setsFolder() / "sd_turbo.toml");
  EXPECT_EQ(turbo.model, "models/sd-turbo");
  EXPECT_EQ(turbo.modelFolder(), (setsFolder() / "models/sd-turbo").lexically_normal());
  EXPECT_EQ(turbo.steps, 1);
  EXPECT_EQ(turbo.width, 512);
  EXPECT_EQ(turbo.height, 512);
}

}  // namespace
}  // namespace afterimage::pipeline
