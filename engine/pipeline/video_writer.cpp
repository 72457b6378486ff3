#include "engine/pipeline/video_writer.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "engine/image/png_image.h"
#include "engine/system/ffmpeg_arguments.h"

namespace afterimage::pipeline {
namespace {

namespace fs = std::filesystem;

std::string lastLines(const fs::path& file, size_t count) {
  std::ifstream in(file);
  std::deque<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
    if (lines.size() > count) lines.pop_front();
  }
  std::string text;
  for (const auto& line : lines) text += (text.empty() ? "" : "\n") + line;
  return text;
}

}  // namespace

bool isVideoPath(const std::string& path) {
  std::string extension = fs::path(path).extension().string();
  return extension == ".mp4" || extension == ".mov" || extension == ".mkv";
}

VideoWriter::VideoWriter(const VideoOptions& options) : options_(options) {
  if (options.width == 0 || options.height == 0 || !(options.fps > 0))
    throw std::invalid_argument("video: size and fps must be positive");
  if (!isVideoPath(options.output)) {
    fs::create_directories(options.output);
    framesDir_ = fs::path(options.output) / (".partial-" + std::to_string(getpid()));
    fs::remove_all(framesDir_);
    fs::create_directories(framesDir_);
    return;
  }
  video_ = std::make_unique<system::PendingFile>(options.output);
  logPath_ = system::temporaryBeside(fs::path(options.output).replace_extension(".log"), "ffmpeg");
  std::vector<std::string> argv = {"ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
                                   "-f", "rawvideo", "-pix_fmt", "rgba",
                                   "-s", std::to_string(options.width) + "x" + std::to_string(options.height),
                                   "-r", system::ffmpegNumber(options.fps), "-i", "pipe:0"};
  if (!options.audioPath.empty())
    argv.insert(argv.end(), {"-ss", system::ffmpegNumber(options.audioStart), "-i",
                             system::ffmpegFileName(options.audioPath), "-map", "0:v", "-map", "1:a", "-c:a", "aac",
                             "-b:a", "192k"});
  // yuv420p for players everywhere; even sizes are required by it.
  argv.insert(argv.end(), {"-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv420p", "-vf",
                           "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-shortest"});
  std::string muxer = system::ffmpegMuxerFor(options.output);
  if (muxer != "matroska") argv.insert(argv.end(), {"-movflags", "+faststart"});
  argv.insert(argv.end(), {"-f", muxer, system::ffmpegFileName(video_->path())});
  try {
    ffmpeg_ = std::make_unique<system::ChildProcess>(
        system::ChildOptions{.argv = argv, .pipeStdin = true, .stderrPath = logPath_.string()});
  } catch (const std::system_error& e) {
    if (e.code() == std::errc::no_such_file_or_directory)
      throw std::runtime_error("ffmpeg not found: install the Debian package ffmpeg to write " + options.output +
                               ", or give a folder instead of a video name to write PNG frames");
    throw std::runtime_error(options.output + ": " + e.what());
  }
}

VideoWriter::~VideoWriter() {
  if (ffmpeg_) ffmpeg_->kill();
  std::error_code ignored;
  if (ffmpeg_ && !logPath_.empty()) fs::remove(logPath_, ignored);
  if (!framesDir_.empty()) fs::remove_all(framesDir_, ignored);
  // video_ removes its temporary unless committed.
}

void VideoWriter::failVideo(const std::string& what) {
  system::ExitStatus status = ffmpeg_->wait();
  video_->discard();
  std::string log = logPath_.string(), tail = lastLines(logPath_, 6);
  logPath_.clear();  // kept for the user: the message names it
  throw std::runtime_error("ffmpeg " + what + " " + options_.output + " (" + status.describe() + "); its log " + log +
                           (tail.empty() ? " is empty" : " ends:\n" + tail));
}

void VideoWriter::probeVideo() {
  // ffprobe counts the video's frames (packets); without ffprobe a
  // non-empty file is the best evidence there is.
  std::vector<std::string> argv = {"ffprobe", "-v", "error", "-select_streams", "v:0", "-count_packets",
                                   "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0",
                                   system::ffmpegFileName(video_->path())};
  std::unique_ptr<system::ChildProcess> probe;
  try {
    probe = std::make_unique<system::ChildProcess>(
        system::ChildOptions{.argv = argv, .pipeStdout = true, .discardStderr = true});
  } catch (const std::system_error&) {
    std::error_code error;
    if (fs::file_size(video_->path(), error) == 0 || error) failVideo("wrote an empty file for");
    return;
  }
  std::string counted = probe->readAll();
  long packets = probe->wait().ok() ? std::strtol(counted.c_str(), nullptr, 10) : 0;
  if (packets <= 0) failVideo("wrote no readable video frame (ffprobe) for");
}

void VideoWriter::write(std::span<const uint8_t> rgba) {
  size_t expected = size_t(options_.width) * options_.height * 4;
  if (rgba.size() != expected)
    throw std::invalid_argument("video: frame of " + std::to_string(rgba.size()) + " bytes, expected " +
                                std::to_string(expected));
  if (ffmpeg_) {
    if (!ffmpeg_->write(rgba)) failVideo("stopped taking frames for");
  } else {
    image::Image picture{options_.width, options_.height, {}};
    picture.planar.resize(size_t(3) * options_.width * options_.height);
    size_t plane = size_t(options_.width) * options_.height;
    for (size_t i = 0; i < plane; ++i)
      for (int c = 0; c < 3; ++c) picture.planar[c * plane + i] = rgba[i * 4 + c] / 255.0f;
    char name[32];
    std::snprintf(name, sizeof name, "frame_%06llu.png", static_cast<unsigned long long>(frames_));
    image::writePng((framesDir_ / name).string(), picture);
  }
  ++frames_;
}

void VideoWriter::finish() {
  if (!ffmpeg_) {
    // Frame by frame into the folder: earlier frames of the same names are
    // replaced only now that every new one is written.
    for (const auto& entry : fs::directory_iterator(framesDir_))
      fs::rename(entry.path(), fs::path(options_.output) / entry.path().filename());
    fs::remove(framesDir_);
    framesDir_.clear();
    return;
  }
  if (!ffmpeg_->wait().ok()) failVideo("failed writing");
  probeVideo();
  video_->commit();
  fs::remove(logPath_);
  logPath_.clear();
}

}  // namespace afterimage::pipeline
