// Pieces of an ffmpeg argument vector that the renderer and live mode's
// recorder both build.
#pragma once
#include <filesystem>
#include <string>

namespace afterimage::system {

// "file:NAME": ffmpeg takes it as a file whatever it holds, never an option
// ("-x.mp4") nor a protocol ("http:...", "a:b.wav").
std::string ffmpegFileName(const std::filesystem::path& path);

// A number as ffmpeg reads it, without the locale or exponent surprises of
// std::to_string (10 significant digits).
std::string ffmpegNumber(double value);

// The muxer for a video file's extension: .mkv matroska, .mov mov, else mp4.
std::string ffmpegMuxerFor(const std::filesystem::path& output);

}  // namespace afterimage::system
