#include "ui/venue.h"

#include <toml++/toml.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "engine/system/backup_copies.h"
#include "engine/system/pending_file.h"

namespace afterimage::ui {
namespace {

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}
  void error(const toml::node& at, const std::string& field, const std::string& message) {
    const auto& begin = at.source().begin;
    messages_ += (messages_.empty() ? "" : "\n") + file_ + ":" + std::to_string(begin.line) + ":" +
                 std::to_string(begin.column) + ": " + field + ": " + message;
  }
  void throwIfAny() const {
    if (!messages_.empty()) throw VenueError(messages_);
  }

  // A number in [min, max], or an error naming the field.
  std::optional<float> number(const toml::node& node, const std::string& field, double min, double max) {
    std::optional<double> value;
    if (auto i = node.as_integer()) value = double(i->get());
    else if (auto f = node.as_floating_point()) value = f->get();
    if (!value) return error(node, field, "expected a number"), std::nullopt;
    if (!std::isfinite(*value) || *value < min || *value > max) {
      std::ostringstream range;
      range << "value " << *value << " out of range [" << min << ", " << max << "]";
      return error(node, field, range.str()), std::nullopt;
    }
    return float(*value);
  }
  // An array of `count` numbers (count 0: any length).
  std::vector<float> numbers(const toml::node& node, const std::string& field, size_t count, double min, double max) {
    const toml::array* array = node.as_array();
    if (!array || (count && array->size() != count)) {
      error(node, field, "expected an array of " + (count ? std::to_string(count) + " " : "") + "numbers");
      return {};
    }
    std::vector<float> out;
    for (size_t i = 0; i < array->size(); ++i)
      if (auto v = number(*array->get(i), field + "[" + std::to_string(i) + "]", min, max)) out.push_back(*v);
    return out.size() == array->size() ? out : std::vector<float>{};
  }
  std::vector<Point2> points(const toml::node& node, const std::string& field, double min, double max) {
    const toml::array* array = node.as_array();
    if (!array) return error(node, field, "expected an array of [x, y] points"), std::vector<Point2>{};
    std::vector<Point2> out;
    for (size_t i = 0; i < array->size(); ++i) {
      auto xy = numbers(*array->get(i), field + "[" + std::to_string(i) + "]", 2, min, max);
      if (xy.size() == 2) out.push_back({xy[0], xy[1]});
    }
    return out.size() == array->size() ? out : std::vector<Point2>{};
  }
  void unknownKeys(const toml::table& table, const std::string& path, std::initializer_list<std::string_view> known) {
    for (const auto& [key, value] : table) {
      bool ok = false;
      for (auto k : known) ok |= key.str() == k;
      if (!ok) error(value, path + "." + std::string(key.str()), "unknown field");
    }
  }

 private:
  std::string file_, messages_;
};

// Warped points may reach past the window (a projector larger than the screen).
constexpr double kReach = 4.0;

OutputLayout readOutput(Reader& reader, const toml::table& table, const std::string& path) {
  OutputLayout out;
  reader.unknownKeys(table, path, {"name", "monitor", "size", "region", "corners", "mesh", "soft_edge"});
  if (auto node = table.get("name")) {
    if (auto s = node->as_string()) out.name = s->get();
    else reader.error(*node, path + ".name", "expected a string");
  }
  if (auto node = table.get("monitor")) {
    if (auto s = node->as_string()) out.monitor = s->get();
    else if (auto i = node->as_integer(); i && i->get() >= 0) out.monitor = std::to_string(i->get());
    else reader.error(*node, path + ".monitor", "expected a monitor name or an index >= 0");
  }
  if (auto node = table.get("size")) {
    auto size = reader.numbers(*node, path + ".size", 2, 16, 16384);
    if (size.size() == 2) out.width = int(size[0]), out.height = int(size[1]);
  }
  if (auto node = table.get("region")) {
    auto r = reader.numbers(*node, path + ".region", 4, 0, 1);
    if (r.size() == 4) {
      if (r[2] <= 0 || r[3] <= 0 || r[0] + r[2] > 1.0001f || r[1] + r[3] > 1.0001f)
        reader.error(*node, path + ".region", "expected [x, y, width, height] inside the canvas with a positive size");
      else out.region = {r[0], r[1], r[2], r[3]};
    }
  }
  if (auto node = table.get("corners")) {
    auto c = reader.points(*node, path + ".corners", -kReach, kReach);
    if (c.size() == 4) out.corners = std::array<Point2, 4>{c[0], c[1], c[2], c[3]};
    else if (!c.empty()) reader.error(*node, path + ".corners", "expected 4 points: top left, top right, bottom right, bottom left");
  }
  if (auto node = table.get("mesh")) {
    const toml::table* mesh = node->as_table();
    std::string field = path + ".mesh";
    if (!mesh) {
      reader.error(*node, field, "expected a table { columns, rows, points, interpolation }");
    } else {
      reader.unknownKeys(*mesh, field, {"columns", "rows", "points", "interpolation"});
      int columns = 0, rows = 0;
      for (auto [key, target] : {std::pair{"columns", &columns}, std::pair{"rows", &rows}}) {
        const toml::node* n = mesh->get(key);
        auto i = n ? n->as_integer() : nullptr;
        if (!i || i->get() < 2 || i->get() > 64) reader.error(n ? *n : *node, field + "." + key, "expected an integer 2..64");
        else *target = int(i->get());
      }
      if (auto n = mesh->get("interpolation")) {
        auto s = n->as_string();
        if (s && s->get() == "catmull-rom") out.mesh.catmullRom = true;
        else if (!s || s->get() != "bilinear") reader.error(*n, field + ".interpolation", "expected \"bilinear\" or \"catmull-rom\"");
      }
      if (columns && rows) {
        out.mesh.columns = columns, out.mesh.rows = rows;
        if (auto n = mesh->get("points")) {
          out.mesh.points = reader.points(*n, field + ".points", -kReach, kReach);
          if (!out.mesh.points.empty() && out.mesh.points.size() != size_t(columns * rows))
            reader.error(*n, field + ".points", "expected columns x rows = " + std::to_string(columns * rows) +
                                                    " points, found " + std::to_string(out.mesh.points.size()));
        }
        if (out.mesh.points.size() != size_t(columns * rows)) out.mesh = WarpMesh::regular(columns, rows);
      }
    }
  }
  if (auto node = table.get("soft_edge")) {
    const toml::table* edge = node->as_table();
    std::string field = path + ".soft_edge";
    if (!edge) {
      reader.error(*node, field, "expected a table { left, right, top, bottom, gamma }");
    } else {
      reader.unknownKeys(*edge, field, {"left", "right", "top", "bottom", "gamma"});
      for (auto [key, target] : {std::pair{"left", &out.softEdge.left}, std::pair{"right", &out.softEdge.right},
                                 std::pair{"top", &out.softEdge.top}, std::pair{"bottom", &out.softEdge.bottom}})
        if (auto n = edge->get(key))
          if (auto v = reader.number(*n, field + "." + key, 0, 0.5)) *target = *v;
      if (auto n = edge->get("gamma"))
        if (auto v = reader.number(*n, field + ".gamma", 0.5, 4)) out.softEdge.gamma = *v;
    }
  }
  return out;
}

std::string number(float v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

std::string quoted(const std::string& text) {
  std::ostringstream out;
  out << toml::value<std::string>(text);
  return out.str();
}

std::string point(const Point2& p) { return "[" + number(p[0]) + ", " + number(p[1]) + "]"; }

}  // namespace

WarpMesh WarpMesh::regular(int columns, int rows) {
  WarpMesh mesh;
  mesh.columns = columns, mesh.rows = rows;
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < columns; ++c) mesh.points.push_back({float(c) / float(columns - 1), float(r) / float(rows - 1)});
  return mesh;
}

Venue Venue::single() {
  Venue venue;
  venue.outputs.emplace_back();
  return venue;
}

Venue parseVenue(std::string_view text, const std::string& file) {
  toml::table root;
  try {
    root = toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    const auto& at = e.source().begin;
    throw VenueError(file + ":" + std::to_string(at.line) + ":" + std::to_string(at.column) + ": " +
                     std::string(e.description()));
  }
  Reader reader(file);
  Venue venue;
  reader.unknownKeys(root, "venue", {"output"});
  const toml::node* outputs = root.get("output");
  const toml::array* array = outputs ? outputs->as_array() : nullptr;
  if (!array || array->empty() || !array->is_array_of_tables()) {
    reader.throwIfAny();
    throw VenueError(file + ": output: expected one or more [[output]] tables");
  }
  for (size_t i = 0; i < array->size(); ++i)
    venue.outputs.push_back(readOutput(reader, *array->get(i)->as_table(), "output[" + std::to_string(i) + "]"));
  reader.throwIfAny();
  return venue;
}

Venue loadVenue(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw VenueError(file.string() + ": cannot read the venue file");
  std::stringstream text;
  text << in.rdbuf();
  return parseVenue(text.str(), file.string());
}

std::string formatVenue(const Venue& venue) {
  std::string out = "# Afterimage venue: the outputs of one room (afterimage live --outputs FILE).\n";
  for (const auto& o : venue.outputs) {
    out += "\n[[output]]\n";
    if (!o.name.empty()) out += "name = " + quoted(o.name) + "\n";
    if (!o.monitor.empty()) out += "monitor = " + quoted(o.monitor) + "\n";
    out += "size = [" + std::to_string(o.width) + ", " + std::to_string(o.height) + "]\n";
    out += "region = [" + number(o.region[0]) + ", " + number(o.region[1]) + ", " + number(o.region[2]) + ", " +
           number(o.region[3]) + "]\n";
    if (o.corners) {
      out += "corners = [";
      for (int i = 0; i < 4; ++i) out += (i ? ", " : "") + point((*o.corners)[size_t(i)]);
      out += "]\n";
    }
    if (!o.mesh.empty()) {
      out += "mesh = { columns = " + std::to_string(o.mesh.columns) + ", rows = " + std::to_string(o.mesh.rows) +
             ", interpolation = \"" + (o.mesh.catmullRom ? "catmull-rom" : "bilinear") + "\", points = [";
      for (size_t i = 0; i < o.mesh.points.size(); ++i) out += (i ? ", " : "") + point(o.mesh.points[i]);
      out += "] }\n";
    }
    const SoftEdge& e = o.softEdge;
    out += "soft_edge = { left = " + number(e.left) + ", right = " + number(e.right) + ", top = " + number(e.top) +
           ", bottom = " + number(e.bottom) + ", gamma = " + number(e.gamma) + " }\n";
  }
  return out;
}

void saveVenue(const Venue& venue, const std::filesystem::path& file) {
  std::string text = formatVenue(venue);
  system::PendingFile pending(file);
  std::error_code missing;
  if (std::filesystem::is_regular_file(pending.destination(), missing)) {
    // A file this function wrote holds nothing the venue does not; any other
    // (comments, its own layout) is kept beside it first.
    std::ifstream in(pending.destination(), std::ios::binary);
    std::stringstream existing;
    existing << in.rdbuf();
    bool ours = false;
    try {
      ours = formatVenue(parseVenue(existing.str(), file.string())) == existing.str();
    } catch (const VenueError&) {
    }
    if (!ours) system::keepBackup(pending.destination());
  }
  pending.write(text);
  pending.commit();
}

}  // namespace afterimage::ui
