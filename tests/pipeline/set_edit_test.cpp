// The control panel's set edits, through the functions live mode calls for
// the panel's events: a shipped set loaded by the watcher, a gain and a
// prompt mix edited, saved and loaded back equal to the edited set with
// everything else as it was; an edit the set file would reject is refused
// and leaves the set alone.
#include <gtest/gtest.h>

#include <filesystem>

#include "engine/pipeline/set_edit.h"
#include "engine/pipeline/set_file.h"
#include "engine/pipeline/set_watcher.h"

namespace afterimage::pipeline {
namespace {

namespace fs = std::filesystem;

class SetEditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = fs::temp_directory_path() / ("afterimage_set_edit_" + std::to_string(::getpid()));
    fs::remove_all(folder_);
    fs::create_directories(folder_);
    file_ = folder_ / "default.toml";
    fs::copy_file(fs::path(AFTERIMAGE_SOURCE_DIR) / "sets" / "default.toml", file_);
  }
  void TearDown() override { fs::remove_all(folder_); }

  fs::path folder_, file_;
};

TEST_F(SetEditTest, PanelEditsSaveAndLoadBackWithNothingLost) {
  SetWatcher watcher(file_);
  ASSERT_TRUE(watcher.current()) << watcher.error();
  const Set original = *watcher.current();
  ASSERT_GE(original.mappings.size(), 2u);
  ASSERT_GE(original.scenes.size(), 2u);

  // What the panel sends: a gain dragged, then a scene's prompts retyped.
  Set edited = withMappingGain(*watcher.current(), -1, 1, 0.0425);
  watcher.replace(edited);
  edited = withScenePrompts(*watcher.current(), 0, "plasma:0.25, domain_warp:0.5, tunnel:0.25");
  watcher.replace(edited);
  edited = withMappingGain(*watcher.current(), 1, 0, 1.0 / 3.0);  // the tunnel scene's own mapping
  watcher.replace(edited);
  watcher.save();

  Set reloaded = loadSet(file_);
  EXPECT_TRUE(reloaded == *watcher.current()) << formatSet(reloaded, file_);
  EXPECT_EQ(reloaded.mappings[1].gain, 0.0425);
  EXPECT_EQ(reloaded.scenes[1].mappings[0].gain, 1.0 / 3.0);
  ASSERT_EQ(reloaded.scenes[0].prompts.size(), 3u);
  EXPECT_EQ(reloaded.scenes[0].prompts[2].text, "tunnel");
  EXPECT_EQ(reloaded.scenes[0].prompts[1].weight, 0.5);

  // Everything the panel did not touch is as it was.
  Set untouched = reloaded;
  untouched.mappings[1].gain = original.mappings[1].gain;
  untouched.scenes[1].mappings[0].gain = original.scenes[1].mappings[0].gain;
  untouched.scenes[0].prompts = original.scenes[0].prompts;
  EXPECT_TRUE(untouched == original);
  // The watcher does not mistake its own save for an edit.
  EXPECT_FALSE(watcher.poll());
  EXPECT_EQ(watcher.error(), "");
}

TEST_F(SetEditTest, ThePanelsPromptTextGivesTheSameWeightsBack) {
  Set set = loadSet(file_);
  set.scenes[2].prompts[0].weight = 0.1 + 0.2;  // not a float: written with every digit
  for (size_t scene = 0; scene < set.scenes.size(); ++scene) {
    std::string mix = scenePromptMix(set.scenes[scene]);
    Set again = withScenePrompts(set, int(scene), mix);
    EXPECT_TRUE(again == set) << "scene " << scene << ": " << mix;
  }
  EXPECT_EQ(scenePromptMix(loadSet(file_).scenes[0]), "plasma:0.7, domain_warp:0.3");
}

TEST_F(SetEditTest, AnEditTheSetFileWouldRejectIsRefused) {
  Set set = loadSet(file_);
  // The tunnel scene maps "mid" to prompt.1.weight: one prompt is too few.
  try {
    withScenePrompts(set, 1, "tunnel");
    FAIL() << "one prompt accepted";
  } catch (const SetError& e) {
    std::string message = e.what();
    std::printf("%s\n", message.c_str());
    EXPECT_NE(message.find("the edit cannot be made"), std::string::npos) << message;
    EXPECT_NE(message.find("prompt 1 does not exist"), std::string::npos) << message;
  }
  EXPECT_THROW(withScenePrompts(set, 0, ":0.5"), SetError);
  EXPECT_THROW(withMappingGain(set, -1, 99, 1.0), SetError);
  EXPECT_THROW(withMappingGain(set, 7, 0, 1.0), SetError);
  EXPECT_TRUE(set == loadSet(file_));
}

}  // namespace
}  // namespace afterimage::pipeline
