#include "engine/system/ffmpeg_arguments.h"

#include <sstream>

namespace afterimage::system {

std::string ffmpegFileName(const std::filesystem::path& path) { return "file:" + path.string(); }

std::string ffmpegNumber(double value) {
  std::ostringstream out;
  out.imbue(std::locale::classic());
  out.precision(10);
  out << value;
  return out.str();
}

std::string ffmpegMuxerFor(const std::filesystem::path& output) {
  std::string extension = output.extension().string();
  return extension == ".mkv" ? "matroska" : extension == ".mov" ? "mov" : "mp4";
}

}  // namespace afterimage::system
