// The output window's warp as triangles: a grid over the output's region of
// the canvas, each grid point moved by the mesh warp (bilinear or
// Catmull-Rom between control points) and then by the corner pin (the
// homography that takes the unit square to the four handles). Computed on
// the CPU each frame (a 32 x 32 grid is a few thousand points) and read by
// present_mesh.vert.
#pragma once
#include <array>
#include <cstddef>

#include "ui/venue.h"

namespace afterimage::ui {

// x, y: where it lands, 0..1 of the window; u, v: where it samples the
// canvas, 0..1; s, t: its place in the output's region, 0..1 (soft edges).
struct WarpVertex {
  float x, y, u, v, s, t, unused0, unused1;  // two vec4s for the shader
};

// The projective map taking (0,0), (1,0), (1,1), (0,1) to the quad's four
// points in that order.
class Homography {
 public:
  explicit Homography(const std::array<Point2, 4>& quad);
  Point2 operator()(float u, float v) const;

 private:
  double a_, b_, c_, d_, e_, f_, g_, h_;
};

// The warped position of (u, v) in the unit square; (u, v) itself without a mesh.
Point2 meshPoint(const WarpMesh& mesh, float u, float v);

// Writes the triangles (6 vertices a cell, cells x cells) for an output
// whose region lands on `corners` (window units) before the mesh; returns
// how many vertices. No allocation: it runs every presented frame.
size_t writeWarpTriangles(const OutputLayout& layout, const std::array<Point2, 4>& corners, int cells,
                          WarpVertex* out);

}  // namespace afterimage::ui
