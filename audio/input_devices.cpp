#include "audio/input_devices.h"

#include <alsa/asoundlib.h>
#include <fcntl.h>
#include <portaudio.h>
#include <unistd.h>

#include "audio/portaudio_quiet.h"

namespace afterimage::audio {
namespace {

// JACK's client library writes its "server not running" notes straight to
// stderr; hide them while PortAudio probes its host APIs.
class QuietStderr {
 public:
  QuietStderr() : saved_(dup(STDERR_FILENO)) {
    int null = open("/dev/null", O_WRONLY);
    if (null >= 0) dup2(null, STDERR_FILENO), close(null);
  }
  ~QuietStderr() {
    if (saved_ >= 0) dup2(saved_, STDERR_FILENO), close(saved_);
  }

 private:
  int saved_;
};

}  // namespace

InputDeviceList listInputDevices() {
  InputDeviceList list;
  if (const char* problem = alsaProblem()) {
    list.error = problem;
    return list;
  }
  QuietStderr quiet;
  PaError status = Pa_Initialize();
  if (status != paNoError) {
    list.error = Pa_GetErrorText(status);
    return list;
  }
  int count = Pa_GetDeviceCount();
  PaDeviceIndex defaultInput = Pa_GetDefaultInputDevice();
  for (int i = 0; i < count; ++i) {
    const PaDeviceInfo* info = Pa_GetDeviceInfo(i);
    if (!info || info->maxInputChannels <= 0) continue;
    const PaHostApiInfo* api = Pa_GetHostApiInfo(info->hostApi);
    list.devices.push_back(
        {i, info->name, api ? api->name : "", info->maxInputChannels, info->defaultSampleRate, i == defaultInput});
  }
  Pa_Terminate();
  return list;
}

}  // namespace afterimage::audio
