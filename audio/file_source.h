// Audio from a file (WAV, FLAC, OGG and what else libsndfile reads), as
// mono blocks for the analyzer. Reading is as fast as the caller asks:
// offline analysis pulls it block by block.
#pragma once
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "audio/channel_selection.h"

namespace afterimage::audio {

class FileSource {
 public:
  // Throws std::runtime_error naming the file when it cannot be opened or
  // the channel does not exist.
  FileSource(const std::string& path, ChannelSelection selection = {});
  ~FileSource();
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;

  int sampleRate() const { return sampleRate_; }
  int channels() const { return channels_; }
  long long frames() const { return frames_; }
  const std::string& path() const { return path_; }

  // Reads up to `count` mono samples; returns fewer only at the end.
  size_t read(float* mono, size_t count);

 private:
  std::string path_;
  ChannelSelection selection_;
  void* file_ = nullptr;  // SNDFILE*
  int sampleRate_ = 0;
  int channels_ = 0;
  long long frames_ = 0;
  std::vector<float> interleaved_;
};

// Whole-file helpers (tests, offline tools).
std::vector<float> readMonoFile(const std::string& path, int* sampleRate, ChannelSelection selection = {});
// Writes mono float samples as a 16-bit or float WAV; throws on failure.
void writeMonoWav(const std::string& path, const std::vector<float>& samples, int sampleRate, bool asFloat = false);

}  // namespace afterimage::audio
