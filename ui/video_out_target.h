// Where the show's picture goes besides the projectors, as ffmpeg argument
// vectors (never a shell): a recording (an H.264 video encoded live to a
// temporary, then muxed with the input audio into MP4/MOV/MKV) or a stream
// (udp://, rtp://, srt:// as MPEG-TS, or a v4l2loopback device /dev/videoN
// that OBS and browsers take as a camera).
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace afterimage::ui {

// `wanted` when nothing is there (nor in `taken`), else NAME-2.EXT,
// NAME-3.EXT, ...: a recording never replaces a file.
std::filesystem::path unusedName(const std::filesystem::path& wanted,
                                 const std::vector<std::filesystem::path>& taken = {});

// Throws std::invalid_argument naming the target unless it is a
// udp://, rtp:// or srt:// address or a /dev/videoN device.
void checkStreamTarget(const std::string& target);

// ffmpeg reading raw RGBA frames of that size at `fps` from its stdin.
std::vector<std::string> rawVideoInput(uint32_t width, uint32_t height, double fps);
// ...encoding them to a Matroska file (the recording's video part).
std::vector<std::string> recordingVideoArguments(uint32_t width, uint32_t height, double fps,
                                                 const std::filesystem::path& video);
// ...encoding them for a stream target (low latency).
std::vector<std::string> streamArguments(uint32_t width, uint32_t height, double fps, const std::string& target);
// The recording's video and its audio (raw 32-bit float mono) into `output`
// (the muxer named by the final name's extension); each keeps its own
// length (the recording's tests compare them).
std::vector<std::string> muxArguments(const std::filesystem::path& video, const std::filesystem::path& audio,
                                      int sampleRate, const std::filesystem::path& output,
                                      const std::filesystem::path& finalName);

}  // namespace afterimage::ui
