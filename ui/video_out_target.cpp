#include "ui/video_out_target.h"

#include <algorithm>
#include <regex>
#include <stdexcept>

#include "engine/system/ffmpeg_arguments.h"

namespace afterimage::ui {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

fs::path unusedName(const fs::path& wanted, const std::vector<fs::path>& taken) {
  auto free = [&](const fs::path& candidate) {
    std::error_code error;
    return !fs::exists(fs::symlink_status(candidate, error)) &&
           std::find(taken.begin(), taken.end(), candidate) == taken.end();
  };
  if (free(wanted)) return wanted;
  for (int n = 2;; ++n) {
    fs::path candidate = wanted.parent_path() / (wanted.stem().string() + "-" + std::to_string(n) +
                                                 wanted.extension().string());
    if (free(candidate)) return candidate;
  }
}

void checkStreamTarget(const std::string& target) {
  static const std::regex address(R"((udp|rtp|srt)://[A-Za-z0-9.\-\[\]:]+(:\d+)?([/?][^\s]*)?)");
  static const std::regex device(R"(/dev/video\d+)");
  if (!std::regex_match(target, address) && !std::regex_match(target, device))
    throw std::invalid_argument("--stream " + target +
                                ": expected udp://HOST:PORT, rtp://HOST:PORT, srt://HOST:PORT or /dev/videoN "
                                "(a v4l2loopback device)");
}

std::vector<std::string> rawVideoInput(uint32_t width, uint32_t height, double fps) {
  return {"ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-f", "rawvideo", "-pix_fmt", "rgba", "-s",
          std::to_string(width) + "x" + std::to_string(height), "-r", system::ffmpegNumber(fps), "-i", "pipe:0"};
}

std::vector<std::string> recordingVideoArguments(uint32_t width, uint32_t height, double fps, const fs::path& video) {
  // yuv420p needs even sizes.
  return concat(rawVideoInput(width, height, fps),
                {"-c:v", "libx264", "-preset", "ultrafast", "-crf", "18", "-pix_fmt", "yuv420p", "-vf",
                 "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-f", "matroska", system::ffmpegFileName(video)});
}

std::vector<std::string> streamArguments(uint32_t width, uint32_t height, double fps, const std::string& target) {
  checkStreamTarget(target);
  if (target.rfind("/dev/", 0) == 0)
    return concat(rawVideoInput(width, height, fps), {"-pix_fmt", "yuv420p", "-f", "v4l2", target});
  int keyframes = std::max(1, int(fps + 0.5));  // one a second: a receiver joining late starts within it
  std::string muxer = target.rfind("rtp://", 0) == 0 ? "rtp_mpegts" : "mpegts";
  return concat(rawVideoInput(width, height, fps),
                {"-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", std::to_string(keyframes),
                 "-pix_fmt", "yuv420p", "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-f", muxer, target});
}

std::vector<std::string> muxArguments(const fs::path& video, const fs::path& audio, int sampleRate,
                                      const fs::path& output, const fs::path& finalName) {
  std::string muxer = system::ffmpegMuxerFor(finalName);
  std::vector<std::string> argv = {"ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-i",
                                   system::ffmpegFileName(video), "-f", "f32le", "-ar", std::to_string(sampleRate),
                                   "-ac", "1", "-i", system::ffmpegFileName(audio), "-map", "0:v", "-map", "1:a",
                                   "-c:v", "copy", "-c:a", "aac", "-b:a", "192k"};
  if (muxer != "matroska") argv.insert(argv.end(), {"-movflags", "+faststart"});
  argv.insert(argv.end(), {"-f", muxer, system::ffmpegFileName(output)});
  return argv;
}

}  // namespace afterimage::ui
