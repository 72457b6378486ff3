#include "audio/file_player.h"

#include "audio/portaudio_quiet.h"

#include <portaudio.h>
#include <sndfile.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace afterimage::audio {

FilePlayer::FilePlayer(const std::string& path, ChannelSelection analysed, Output output, const std::string& device,
                       Playback playback)
    : analysed_(analysed), ring_(1 << 16) {
  SF_INFO info{};
  SNDFILE* file = sf_open(path.c_str(), SFM_READ, &info);
  if (!file) throw std::runtime_error("cannot read audio file " + path + ": " + sf_strerror(nullptr));
  channels_ = info.channels, sampleRate_ = info.samplerate;
  if (analysed_.channel >= channels_) {
    sf_close(file);
    throw std::runtime_error(path + ": channel " + std::to_string(analysed_.channel) + " requested, the file has " +
                             std::to_string(channels_) + " (channels count from 0)");
  }
  interleaved_.resize(size_t(info.frames) * size_t(channels_));
  frames_ = size_t(sf_readf_float(file, interleaved_.data(), info.frames));
  sf_close(file);
  playback_ = frames_ > 0 ? playback : Playback::Once;
  if (output == Output::Device && openDevice(device)) return;
  pacer_ = std::thread([this] { pace(); });
}

FilePlayer::~FilePlayer() {
  stop_ = true;
  if (pacer_.joinable()) pacer_.join();
  if (stream_) {
    Pa_AbortStream(static_cast<PaStream*>(stream_));
    Pa_CloseStream(static_cast<PaStream*>(stream_));
  }
  if (paInitialized_) Pa_Terminate();
}

void FilePlayer::advance(float* out, size_t count, int outChannels) {
  size_t played = played_.load(std::memory_order_relaxed);
  size_t n = playback_ == Playback::Loop ? count : std::min(count, frames_ - std::min(frames_, played));
  float mono[256];
  for (size_t done = 0; done < n;) {
    size_t position = (played + done) % frames_;
    // Chunks end at the file's end, so a loop continues in the next one.
    size_t chunk = std::min({size_t(256), n - done, frames_ - position});
    const float* frames = interleaved_.data() + position * size_t(channels_);
    analysed_.toMono(frames, chunk, channels_, mono);
    ring_.write(mono, chunk);
    if (out) {
      for (size_t f = 0; f < chunk; ++f)
        for (int c = 0; c < outChannels; ++c)
          out[(done + f) * size_t(outChannels) + size_t(c)] = frames[f * size_t(channels_) + size_t(std::min(c, channels_ - 1))];
    }
    done += chunk;
  }
  if (out) std::fill(out + n * size_t(outChannels), out + count * size_t(outChannels), 0.0f);
  played_.store(played + n, std::memory_order_release);
}

bool FilePlayer::openDevice(const std::string& device) {
  if (initializePortAudioQuietly() != paNoError) {
    outputError_ = std::string("PortAudio could not start") + (alsaProblem() ? std::string(": ") + alsaProblem() : "");
    return false;
  }
  paInitialized_ = true;
  PaDeviceIndex index = paNoDevice;
  if (device.empty()) {
    index = Pa_GetDefaultOutputDevice();
  } else {
    for (int i = 0; i < Pa_GetDeviceCount(); ++i) {
      const PaDeviceInfo* info = Pa_GetDeviceInfo(i);
      if (info->maxOutputChannels > 0 && (std::to_string(i) == device || std::string(info->name).find(device) != std::string::npos)) {
        index = i;
        break;
      }
    }
  }
  if (index == paNoDevice) {
    outputError_ = device.empty() ? "no default audio output device" : "no audio output device named '" + device + "'";
    return false;
  }
  const PaDeviceInfo* info = Pa_GetDeviceInfo(index);
  PaStreamParameters params{};
  params.device = index;
  params.channelCount = std::min(std::max(channels_, 1), std::max(1, info->maxOutputChannels));
  params.sampleFormat = paFloat32;
  params.suggestedLatency = info->defaultLowOutputLatency;
  auto callback = [](const void*, void* output, unsigned long frames, const PaStreamCallbackTimeInfo*,
                     PaStreamCallbackFlags, void* user) -> int {
    auto* self = static_cast<FilePlayer*>(user);
    self->advance(static_cast<float*>(output), frames, self->outChannels_);
    return self->finished() ? paComplete : paContinue;
  };
  outChannels_ = params.channelCount;
  PaStream* stream = nullptr;
  PaError status = Pa_OpenStream(&stream, nullptr, &params, sampleRate_, 256, paNoFlag, callback, this);
  if (status != paNoError || Pa_StartStream(stream) != paNoError) {
    outputError_ = std::string(info->name) + ": cannot play at " + std::to_string(sampleRate_) + " Hz: " +
                   Pa_GetErrorText(status);
    if (stream) Pa_CloseStream(stream);
    return false;
  }
  stream_ = stream;
  return true;
}

void FilePlayer::pace() {
  using Clock = std::chrono::steady_clock;
  auto start = Clock::now();
  while (!stop_ && !finished()) {
    double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    size_t due = size_t(elapsed * sampleRate_);
    if (playback_ == Playback::Once) due = std::min(frames_, due);
    size_t position = played_.load();
    if (due > position) advance(nullptr, due - position, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(4));
  }
}

}  // namespace afterimage::audio
