// A Dear ImGui context without a window or renderer: panels are drawn into
// vertex lists that tests read, with the input the test feeds each frame.
#pragma once
#include <gtest/gtest.h>
#include <imgui.h>

namespace afterimage::ui::testing {

class HeadlessImGuiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(460, 640);
    io.DeltaTime = 1.0f / 60;
    unsigned char* pixels;
    int width, height;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &width, &height);  // builds the font atlas
  }
  void TearDown() override { ImGui::DestroyContext(); }
};

}  // namespace afterimage::ui::testing
