#include "ui/warp_geometry.h"

#include <algorithm>
#include <cmath>

namespace afterimage::ui {
namespace {

float catmullRom(float p0, float p1, float p2, float p3, float t) {
  float t2 = t * t, t3 = t2 * t;
  return 0.5f * (2 * p1 + (p2 - p0) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t2 + (3 * p1 - p0 - 3 * p2 + p3) * t3);
}

}  // namespace

// Heckbert's square-to-quad mapping (Fundamentals of Texture Mapping, 1989).
Homography::Homography(const std::array<Point2, 4>& q) {
  double x0 = q[0][0], y0 = q[0][1], x1 = q[1][0], y1 = q[1][1], x2 = q[2][0], y2 = q[2][1], x3 = q[3][0],
         y3 = q[3][1];
  double dx3 = x0 - x1 + x2 - x3, dy3 = y0 - y1 + y2 - y3;
  if (std::fabs(dx3) < 1e-12 && std::fabs(dy3) < 1e-12) {  // a parallelogram: affine
    g_ = h_ = 0;
  } else {
    double dx1 = x1 - x2, dx2 = x3 - x2, dy1 = y1 - y2, dy2 = y3 - y2;
    double det = dx1 * dy2 - dx2 * dy1;
    if (std::fabs(det) < 1e-12) det = 1e-12;  // a degenerate quad: draw something rather than nothing
    g_ = (dx3 * dy2 - dx2 * dy3) / det;
    h_ = (dx1 * dy3 - dx3 * dy1) / det;
  }
  a_ = x1 - x0 + g_ * x1, b_ = x3 - x0 + h_ * x3, c_ = x0;
  d_ = y1 - y0 + g_ * y1, e_ = y3 - y0 + h_ * y3, f_ = y0;
}

Point2 Homography::operator()(float u, float v) const {
  double w = g_ * u + h_ * v + 1;
  return {float((a_ * u + b_ * v + c_) / w), float((d_ * u + e_ * v + f_) / w)};
}

Point2 meshPoint(const WarpMesh& mesh, float u, float v) {
  if (mesh.empty() || mesh.points.size() != size_t(mesh.columns * mesh.rows)) return {u, v};
  auto stored = [&](int c, int r) { return mesh.points[size_t(r * mesh.columns + c)]; };
  // Past the border (Catmull-Rom's outer neighbours) the grid continues in a
  // straight line, so a regular grid stays exactly no warp.
  auto at = [&](int c, int r) {
    Point2 p{};
    int cc = std::clamp(c, 0, mesh.columns - 1), rc = std::clamp(r, 0, mesh.rows - 1);
    int stepC = c < 0 ? 1 : -1, stepR = r < 0 ? 1 : -1;
    for (int k = 0; k < 2; ++k) {
      float v = stored(cc, rc)[size_t(k)];
      if (c != cc) v = 2 * v - stored(cc + stepC, rc)[size_t(k)];
      if (r != rc) v += stored(cc, rc)[size_t(k)] - stored(cc, rc + stepR)[size_t(k)];
      p[size_t(k)] = v;
    }
    return p;
  };
  float gx = std::clamp(u, 0.0f, 1.0f) * float(mesh.columns - 1), gy = std::clamp(v, 0.0f, 1.0f) * float(mesh.rows - 1);
  int c = std::min(int(gx), mesh.columns - 2), r = std::min(int(gy), mesh.rows - 2);
  float fx = gx - float(c), fy = gy - float(r);
  Point2 out;
  for (int k = 0; k < 2; ++k) {
    if (mesh.catmullRom) {
      float rows[4];
      for (int j = 0; j < 4; ++j)
        rows[j] = catmullRom(at(c - 1, r - 1 + j)[k], at(c, r - 1 + j)[k], at(c + 1, r - 1 + j)[k],
                             at(c + 2, r - 1 + j)[k], fx);
      out[size_t(k)] = catmullRom(rows[0], rows[1], rows[2], rows[3], fy);
    } else {
      float top = at(c, r)[k] + (at(c + 1, r)[k] - at(c, r)[k]) * fx;
      float bottom = at(c, r + 1)[k] + (at(c + 1, r + 1)[k] - at(c, r + 1)[k]) * fx;
      out[size_t(k)] = top + (bottom - top) * fy;
    }
  }
  return out;
}

size_t writeWarpTriangles(const OutputLayout& layout, const std::array<Point2, 4>& corners, int cells,
                          WarpVertex* out) {
  Homography pin(corners);
  const auto& region = layout.region;
  auto vertex = [&](int i, int j) {
    float s = float(i) / float(cells), t = float(j) / float(cells);
    Point2 warped = meshPoint(layout.mesh, s, t);
    Point2 at = pin(warped[0], warped[1]);
    return WarpVertex{at[0], at[1], region[0] + s * region[2], region[1] + t * region[3], s, t, 0, 0};
  };
  size_t n = 0;
  for (int j = 0; j < cells; ++j) {
    for (int i = 0; i < cells; ++i) {
      WarpVertex a = vertex(i, j), b = vertex(i + 1, j), c = vertex(i + 1, j + 1), d = vertex(i, j + 1);
      for (const WarpVertex& v : {a, b, c, a, c, d}) out[n++] = v;
    }
  }
  return n;
}

}  // namespace afterimage::ui
