#include "engine/pipeline/video_writer.h"

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "engine/image/png_image.h"

namespace afterimage::pipeline {
namespace {

namespace fs = std::filesystem;

std::string quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

bool ffmpegAvailable() { return std::system("command -v ffmpeg >/dev/null 2>&1") == 0; }

}  // namespace

bool isVideoPath(const std::string& path) {
  std::string extension = fs::path(path).extension().string();
  return extension == ".mp4" || extension == ".mov" || extension == ".mkv";
}

VideoWriter::VideoWriter(const VideoOptions& options) : options_(options) {
  if (options.width == 0 || options.height == 0 || options.fps <= 0)
    throw std::invalid_argument("video: size and fps must be positive");
  if (!isVideoPath(options.output)) {
    fs::create_directories(options.output);
    return;
  }
  if (!ffmpegAvailable())
    throw std::runtime_error("ffmpeg not found: install the Debian package ffmpeg to write " + options.output +
                             ", or give a folder instead of a video name to write PNG frames");
  if (auto parent = fs::path(options.output).parent_path(); !parent.empty()) fs::create_directories(parent);
  logPath_ = options.output + ".ffmpeg.log";
  std::ostringstream command;
  command << "ffmpeg -hide_banner -loglevel error -y -f rawvideo -pix_fmt rgba -s " << options.width << "x"
          << options.height << " -r " << options.fps << " -i -";
  if (!options.audioPath.empty())
    command << " -ss " << options.audioStart << " -i " << quoted(options.audioPath) << " -map 0:v -map 1:a -c:a aac -b:a 192k";
  // yuv420p for players everywhere; even sizes are required by it.
  command << " -c:v libx264 -preset veryfast -crf 18 -pix_fmt yuv420p -vf 'pad=ceil(iw/2)*2:ceil(ih/2)*2'"
          << " -shortest -movflags +faststart " << quoted(options.output) << " 2> " << quoted(logPath_);
  pipe_ = popen(command.str().c_str(), "w");
  if (!pipe_) throw std::runtime_error("cannot start ffmpeg for " + options.output);
}

VideoWriter::~VideoWriter() {
  if (pipe_) pclose(pipe_);
}

void VideoWriter::write(std::span<const uint8_t> rgba) {
  size_t expected = size_t(options_.width) * options_.height * 4;
  if (rgba.size() != expected)
    throw std::invalid_argument("video: frame of " + std::to_string(rgba.size()) + " bytes, expected " +
                                std::to_string(expected));
  if (pipe_) {
    if (std::fwrite(rgba.data(), 1, rgba.size(), pipe_) != rgba.size())
      throw std::runtime_error("ffmpeg stopped taking frames for " + options_.output + " (see " + logPath_ + ")");
  } else {
    image::Image picture{options_.width, options_.height, {}};
    picture.planar.resize(size_t(3) * options_.width * options_.height);
    size_t plane = size_t(options_.width) * options_.height;
    for (size_t i = 0; i < plane; ++i)
      for (int c = 0; c < 3; ++c) picture.planar[c * plane + i] = rgba[i * 4 + c] / 255.0f;
    char name[32];
    std::snprintf(name, sizeof name, "frame_%06llu.png", static_cast<unsigned long long>(frames_));
    image::writePng((fs::path(options_.output) / name).string(), picture);
  }
  ++frames_;
}

void VideoWriter::finish() {
  if (!pipe_) return;
  int status = pclose(pipe_);
  pipe_ = nullptr;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::ifstream log(logPath_);
    std::string text((std::istreambuf_iterator<char>(log)), {});
    throw std::runtime_error("ffmpeg failed writing " + options_.output + ": " + text);
  }
  fs::remove(logPath_);
}

}  // namespace afterimage::pipeline
