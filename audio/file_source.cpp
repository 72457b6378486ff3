#include "audio/file_source.h"

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
  interleaved_.resize(count * size_t(channels_));
  sf_count_t got = sf_readf_float(static_cast<SNDFILE*>(file_), interleaved_.data(), sf_count_t(count));
  if (got <= 0) return 0;
  selection_.toMono(interleaved_.data(), size_t(got), channels_, mono);
  return size_t(got);
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
