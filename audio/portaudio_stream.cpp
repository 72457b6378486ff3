// The PortAudio input stream behind CaptureSource. Each open initialises
// PortAudio afresh (it only sees devices plugged in since its last
// initialisation), finds the device by index or name, and streams float
// samples; the callback only mixes to mono and writes into the ring.
#include <algorithm>
#include <cctype>

#include "audio/capture_source.h"
#include "audio/portaudio_quiet.h"

namespace afterimage::audio {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

class PortAudioStream : public InputStream {
 public:
  ~PortAudioStream() override {
    if (stream_) {
      Pa_AbortStream(stream_);
      Pa_CloseStream(stream_);
    }
    if (initialized_) Pa_Terminate();
  }

  bool open(const CaptureOptions& options, RingBuffer& ring, std::string* error) {
    PaError status = initializePortAudioQuietly();
    if (status != paNoError)
      return fail(error, std::string("PortAudio could not start: ") + (alsaProblem() ? alsaProblem() : Pa_GetErrorText(status)));
    initialized_ = true;
    PaDeviceIndex device = findDevice(options.device, error);
    if (device == paNoDevice) return false;
    const PaDeviceInfo* info = Pa_GetDeviceInfo(device);
    name_ = info->name;
    channels_ = options.channel.channel >= 0 ? options.channel.channel + 1 : std::min(info->maxInputChannels, 8);
    if (channels_ > info->maxInputChannels)
      return fail(error, name_ + " has " + std::to_string(info->maxInputChannels) + " input channels, channel " +
                             std::to_string(options.channel.channel) + " requested (channels count from 0)");
    selection_ = options.channel;
    ring_ = &ring;
    sampleRate_ = options.sampleRate > 0 ? options.sampleRate : int(info->defaultSampleRate);
    PaStreamParameters input{};
    input.device = device;
    input.channelCount = channels_;
    input.sampleFormat = paFloat32;
    input.suggestedLatency = info->defaultLowInputLatency;
    status = Pa_OpenStream(&stream_, &input, nullptr, sampleRate_, unsigned(options.framesPerBuffer), paNoFlag,
                           &PortAudioStream::callback, this);
    if (status != paNoError) {
      stream_ = nullptr;
      return fail(error, name_ + ": cannot open at " + std::to_string(sampleRate_) + " Hz: " + Pa_GetErrorText(status));
    }
    status = Pa_StartStream(stream_);
    if (status != paNoError) return fail(error, name_ + ": cannot start: " + Pa_GetErrorText(status));
    return true;
  }

  bool active() const override { return stream_ && Pa_IsStreamActive(stream_) == 1; }
  int sampleRate() const override { return sampleRate_; }
  std::string name() const override { return name_; }

 private:
  static bool fail(std::string* error, const std::string& message) {
    if (error) *error = message;
    return false;
  }

  static PaDeviceIndex findDevice(const std::string& request, std::string* error) {
    if (request.empty()) {
      PaDeviceIndex d = Pa_GetDefaultInputDevice();
      if (d == paNoDevice) fail(error, "no default audio input device");
      return d;
    }
    int count = Pa_GetDeviceCount();
    bool numeric = std::all_of(request.begin(), request.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
    if (numeric) {
      int index = std::stoi(request);
      if (index < count && Pa_GetDeviceInfo(index)->maxInputChannels > 0) return index;
      fail(error, "no audio input device with index " + request + " (see `afterimage devices`)");
      return paNoDevice;
    }
    for (int i = 0; i < count; ++i) {
      const PaDeviceInfo* info = Pa_GetDeviceInfo(i);
      if (info->maxInputChannels > 0 && lower(info->name).find(lower(request)) != std::string::npos) return i;
    }
    fail(error, "no audio input device named '" + request + "' (see `afterimage devices`)");
    return paNoDevice;
  }

  // Real time: no locks, no allocation, no logging.
  static int callback(const void* input, void*, unsigned long frames, const PaStreamCallbackTimeInfo*,
                      PaStreamCallbackFlags, void* user) {
    auto* self = static_cast<PortAudioStream*>(user);
    if (!input) return paContinue;
    const float* samples = static_cast<const float*>(input);
    float mono[256];
    for (unsigned long done = 0; done < frames;) {
      size_t n = std::min<unsigned long>(256, frames - done);
      self->selection_.toMono(samples + done * size_t(self->channels_), n, self->channels_, mono);
      self->ring_->write(mono, n);
      done += n;
    }
    return paContinue;
  }

  PaStream* stream_ = nullptr;
  bool initialized_ = false;
  RingBuffer* ring_ = nullptr;
  ChannelSelection selection_;
  int channels_ = 1;
  int sampleRate_ = 0;
  std::string name_;
};

}  // namespace

StreamOpener portAudioOpener() {
  return [](const CaptureOptions& options, RingBuffer& ring, std::string* error) -> std::unique_ptr<InputStream> {
    auto stream = std::make_unique<PortAudioStream>();
    if (!stream->open(options, ring, error)) return nullptr;
    return stream;
  };
}

}  // namespace afterimage::audio
