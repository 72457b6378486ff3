// The venue file (`live --outputs venue.toml`): how the show's picture (the
// canvas) reaches the projectors of one room. It sits next to the set, not
// in it, because the same set plays in many rooms. Each [[output]] is one
// window: on a monitor (by name or index) or windowed, showing a region of
// the canvas (the whole canvas mirrors it), optionally corner-pinned and
// mesh-warped, with soft edges where it overlaps a neighbour.
#pragma once
#include <array>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace afterimage::ui {

using Point2 = std::array<float, 2>;

// A grid of control points over the corner-pinned square, row-major, in
// that square's unit coordinates; the regular grid is no warp.
struct WarpMesh {
  int columns = 0, rows = 0;  // 0: no mesh
  std::vector<Point2> points;
  bool catmullRom = false;  // else bilinear between the points
  bool empty() const { return columns == 0; }
  static WarpMesh regular(int columns, int rows);
};

// Overlap widths as fractions of the output's region, per side, and the
// projector's gamma: the ramp is linear in light, so the two projectors'
// light sums to one across the overlap.
struct SoftEdge {
  float left = 0, right = 0, top = 0, bottom = 0;
  float gamma = 2.2f;
};

struct OutputLayout {
  std::string name;
  std::string monitor;                       // name or index; empty: windowed
  int width = 960, height = 540;             // windowed size
  std::array<float, 4> region{0, 0, 1, 1};   // x, y, width, height of the canvas, 0..1
  // Where the region's corners land in the window (top left, top right,
  // bottom right, bottom left; 0..1 of the window). None: letterboxed.
  std::optional<std::array<Point2, 4>> corners;
  WarpMesh mesh;
  SoftEdge softEdge;
};

struct Venue {
  std::vector<OutputLayout> outputs;  // at least one
  static Venue single();              // one windowed output, no warp
};

// Every problem in the file, one per line, each naming file:line:column
// and the field.
class VenueError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

Venue parseVenue(std::string_view text, const std::string& file);
Venue loadVenue(const std::filesystem::path& file);
std::string formatVenue(const Venue& venue);
// Written under a temporary name and renamed (a failed save leaves the old
// file); a hand-edited file (comments) is kept as a numbered backup first.
void saveVenue(const Venue& venue, const std::filesystem::path& file);

}  // namespace afterimage::ui
