// The venue file (ui/venue.h): a full file reads back as written, every
// bad field is reported with the file, line and column and the field's
// name, and saving keeps a hand-edited file as a backup. The warp geometry
// (ui/warp_geometry.h): the corner pin takes the square's corners to the
// handles exactly and its centre to the diagonals' crossing; a regular mesh
// is no warp; Catmull-Rom passes through its control points.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/temp_path.h"
#include "ui/venue.h"
#include "ui/warp_geometry.h"

namespace afterimage::ui {
namespace {

namespace fs = std::filesystem;

const char* kTwoProjectors = R"(# the club, two projectors side by side
[[output]]
name = "left"
monitor = "HDMI-1"
size = [1280, 720]
region = [0, 0, 0.6, 1]
corners = [[0.02, 0.05], [0.98, 0], [1, 1], [0, 0.97]]
soft_edge = { right = 0.33, gamma = 2.2 }

[[output]]
name = "right"
monitor = 1
region = [0.4, 0, 0.6, 1]
mesh = { columns = 3, rows = 2, interpolation = "catmull-rom", points = [[0, 0], [0.5, 0.05], [1, 0], [0, 1], [0.5, 0.95], [1, 1]] }
soft_edge = { left = 0.33 }
)";

std::string errorOf(const std::string& text) {
  try {
    parseVenue(text, "club.toml");
  } catch (const VenueError& e) {
    return e.what();
  }
  return "";
}

TEST(Venue, ReadsTwoProjectorsAndWritesThemBackTheSame) {
  Venue venue = parseVenue(kTwoProjectors, "club.toml");
  ASSERT_EQ(venue.outputs.size(), 2u);
  const OutputLayout& left = venue.outputs[0];
  EXPECT_EQ(left.name, "left");
  EXPECT_EQ(left.monitor, "HDMI-1");
  EXPECT_EQ(left.width, 1280);
  EXPECT_FLOAT_EQ(left.region[2], 0.6f);
  ASSERT_TRUE(left.corners.has_value());
  EXPECT_FLOAT_EQ((*left.corners)[0][1], 0.05f);
  EXPECT_FLOAT_EQ(left.softEdge.right, 0.33f);
  const OutputLayout& right = venue.outputs[1];
  EXPECT_EQ(right.monitor, "1");
  EXPECT_FALSE(right.corners.has_value());
  EXPECT_TRUE(right.mesh.catmullRom);
  EXPECT_EQ(right.mesh.points.size(), 6u);
  EXPECT_FLOAT_EQ(right.mesh.points[1][1], 0.05f);
  EXPECT_FLOAT_EQ(right.softEdge.gamma, 2.2f);

  std::string text = formatVenue(venue);
  EXPECT_EQ(formatVenue(parseVenue(text, "again.toml")), text);
}

TEST(Venue, NamesTheFileLineAndFieldOfEachMistake) {
  EXPECT_EQ(errorOf("[[output]]\nregion = [0.5, 0, 0.6, 1]\n"),
            "club.toml:2:10: output[0].region: expected [x, y, width, height] inside the canvas with a positive size");
  EXPECT_EQ(errorOf("[[output]]\ncorners = [[0, 0], [1, 0], [1, 1]]\n"),
            "club.toml:2:11: output[0].corners: expected 4 points: top left, top right, bottom right, bottom left");
  EXPECT_EQ(errorOf("[[output]]\n[[output]]\nsoft_edge = { left = 0.7 }\n"),
            "club.toml:3:22: output[1].soft_edge.left: value 0.7 out of range [0, 0.5]");
  EXPECT_EQ(errorOf("[[output]]\nmesh = { columns = 2, rows = 2, points = [[0, 0]] }\n"),
            "club.toml:2:42: output[0].mesh.points: expected columns x rows = 4 points, found 1");
  EXPECT_EQ(errorOf("[[output]]\nmonitor = true\n"),
            "club.toml:2:11: output[0].monitor: expected a monitor name or an index >= 0");
  EXPECT_EQ(errorOf("[[output]]\ncorner = []\n"), "club.toml:2:10: output[0].corner: unknown field");
  EXPECT_EQ(errorOf("name = \"x\"\n"), "club.toml:1:8: venue.name: unknown field");
  EXPECT_EQ(errorOf(""), "club.toml: output: expected one or more [[output]] tables");
  EXPECT_NE(errorOf("[[output]\n").find("club.toml:1:"), std::string::npos);
  // Two mistakes: both, one a line.
  EXPECT_EQ(errorOf("[[output]]\nsize = [1, 1]\nregion = [0, 0, 2, 1]\n"),
            "club.toml:2:9: output[0].size[0]: value 1 out of range [16, 16384]\n"
            "club.toml:2:12: output[0].size[1]: value 1 out of range [16, 16384]\n"
            "club.toml:3:17: output[0].region[2]: value 2 out of range [0, 1]");
}

TEST(Venue, SavingKeepsAHandEditedFileAsABackup) {
  fs::path dir = afterimage::testing::uniqueTempPath("venue_save");
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::path file = dir / "club.toml";
  std::ofstream(file) << kTwoProjectors;
  Venue venue = loadVenue(file);
  (*venue.outputs[0].corners)[2] = {0.9f, 0.95f};
  saveVenue(venue, file);
  EXPECT_TRUE(fs::exists(dir / "club.toml.bak"));
  std::ifstream backup(dir / "club.toml.bak");
  std::stringstream kept;
  kept << backup.rdbuf();
  EXPECT_EQ(kept.str(), kTwoProjectors);
  Venue saved = loadVenue(file);
  EXPECT_FLOAT_EQ((*saved.outputs[0].corners)[2][0], 0.9f);
  EXPECT_FLOAT_EQ((*saved.outputs[0].corners)[2][1], 0.95f);
  // A file the venue wrote itself holds nothing more: no second backup.
  saveVenue(saved, file);
  EXPECT_FALSE(fs::exists(dir / "club.toml.bak.1"));
  fs::remove_all(dir);
}

TEST(WarpGeometry, TheCornerPinTakesTheSquareToTheHandles) {
  std::array<Point2, 4> quad{Point2{0.1f, 0.2f}, {0.8f, 0.1f}, {0.9f, 0.9f}, {0.2f, 0.7f}};
  Homography pin(quad);
  const float unit[4][2] = {{0, 0}, {1, 0}, {1, 1}, {0, 1}};
  for (int i = 0; i < 4; ++i) {
    Point2 p = pin(unit[i][0], unit[i][1]);
    EXPECT_NEAR(p[0], quad[size_t(i)][0], 1e-6) << "corner " << i;
    EXPECT_NEAR(p[1], quad[size_t(i)][1], 1e-6) << "corner " << i;
  }
  // A projective map keeps lines: the square's centre goes to where the
  // quad's diagonals cross (0.1,0.2)-(0.9,0.9) and (0.8,0.1)-(0.2,0.7).
  // (solved by hand: t = 0.4 along the first, (0.42, 0.48)).
  Point2 centre = pin(0.5f, 0.5f);
  EXPECT_NEAR(centre[0], 0.42, 1e-5);
  EXPECT_NEAR(centre[1], 0.48, 1e-5);
}

TEST(WarpGeometry, ARegularMeshIsNoWarpAndCatmullRomPassesThroughItsPoints) {
  WarpMesh mesh = WarpMesh::regular(4, 3);
  for (bool smooth : {false, true}) {
    mesh.catmullRom = smooth;
    Point2 p = meshPoint(mesh, 0.37f, 0.81f);
    EXPECT_NEAR(p[0], 0.37f, 1e-5);
    EXPECT_NEAR(p[1], 0.81f, 1e-5);
  }
  mesh.points[5] = {0.4f, 0.6f};  // column 1, row 1: at (1/3, 1/2)
  mesh.catmullRom = true;
  Point2 at = meshPoint(mesh, 1.0f / 3, 0.5f);
  EXPECT_NEAR(at[0], 0.4f, 1e-5);
  EXPECT_NEAR(at[1], 0.6f, 1e-5);
  mesh.catmullRom = false;
  Point2 half = meshPoint(mesh, 1.0f / 6, 0.5f);  // halfway to column 0
  EXPECT_NEAR(half[0], (0.0f + 0.4f) / 2, 1e-5);
  EXPECT_NEAR(half[1], (0.5f + 0.6f) / 2, 1e-5);
}

TEST(WarpGeometry, TrianglesCoverTheRegionOfTheCanvas) {
  OutputLayout layout;
  layout.region = {0.4f, 0, 0.6f, 1};
  std::vector<WarpVertex> triangles(4 * 4 * 6);
  std::array<Point2, 4> window{Point2{0, 0}, {1, 0}, {1, 1}, {0, 1}};
  ASSERT_EQ(writeWarpTriangles(layout, window, 4, triangles.data()), triangles.size());
  float minU = 1, maxU = 0;
  for (const auto& v : triangles) {
    minU = std::min(minU, v.u), maxU = std::max(maxU, v.u);
    EXPECT_NEAR(v.x, v.s, 1e-6);  // no warp: the window point is the region point
    EXPECT_NEAR(v.u, 0.4f + 0.6f * v.s, 1e-6);
  }
  EXPECT_FLOAT_EQ(minU, 0.4f);
  EXPECT_FLOAT_EQ(maxU, 1.0f);
}

}  // namespace
}  // namespace afterimage::ui
