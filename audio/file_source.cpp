#include "audio/file_source.h"

#include <algorithm>

#include <sndfile.h>

#include <stdexcept>

namespace afterimage::audio {

FileSource::FileSource(const std::string& path, ChannelSelection selection) : path_(path), selection_(selection) {
  SF_INFO info{};
  SNDFILE* file = sf_open(path.c_str(), SFM_READ, &info);
  if (!file) throw std::runtime_error("cannot read audio file " + path + ": " + sf_strerror(nullptr));
  file_ = file;
  sampleRate_ = info.samplerate;
  channels_ = info.channels;
  frames_ = info.frames;
  if (selection_.channel >= channels_) {
    sf_close(file);
    file_ = nullptr;
    throw std::runtime_error(path + ": channel " + std::to_string(selection_.channel) + " requested, the file has " +
                             std::to_string(channels_) + " (channels count from 0)");
  }
}

FileSource::~FileSource() {
  if (file_) sf_close(static_cast<SNDFILE*>(file_));
}

size_t FileSource::read(float* mono, size_t count) {
  // In chunks: a whole long file with many channels, interleaved, would
  // need several times the memory of its mono mix.
  constexpr size_t kChunkFrames = size_t(1) << 16;
  interleaved_.resize(std::min(count, kChunkFrames) * size_t(channels_));
  size_t done = 0;
  while (done < count) {
    size_t wanted = std::min(count - done, kChunkFrames);
    sf_count_t got = sf_readf_float(static_cast<SNDFILE*>(file_), interleaved_.data(), sf_count_t(wanted));
    if (got <= 0) break;
    selection_.toMono(interleaved_.data(), size_t(got), channels_, mono + done);
    done += size_t(got);
    if (size_t(got) < wanted) break;
  }
  return done;
}

std::vector<float> readMonoFile(const std::string& path, int* sampleRate, ChannelSelection selection) {
  FileSource source(path, selection);
  std::vector<float> samples(size_t(source.frames()));
  samples.resize(source.read(samples.data(), samples.size()));
  if (sampleRate) *sampleRate = source.sampleRate();
  return samples;
}

void writeMonoWav(const std::string& path, const std::vector<float>& samples, int sampleRate, bool asFloat) {
  SF_INFO info{};
  info.samplerate = sampleRate;
  info.channels = 1;
  info.format = SF_FORMAT_WAV | (asFloat ? SF_FORMAT_FLOAT : SF_FORMAT_PCM_16);
  SNDFILE* file = sf_open(path.c_str(), SFM_WRITE, &info);
  if (!file) throw std::runtime_error("cannot write audio file " + path + ": " + sf_strerror(nullptr));
  sf_write_float(file, samples.data(), sf_count_t(samples.size()));
  sf_close(file);
}

}  // namespace afterimage::audio
