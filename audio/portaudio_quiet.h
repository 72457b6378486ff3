// Pa_Initialize without the noise: ALSA reports every missing card and
// JACK's client every absent server on stderr while PortAudio probes; a
// machine without sound, or a retry each second, must not fill the log.
#pragma once
#include <alsa/asoundlib.h>
#include <fcntl.h>
#include <portaudio.h>
#include <unistd.h>

namespace afterimage::audio {

inline void silentAlsaError(const char*, int, const char*, int, const char*, ...) {}

inline PaError initializePortAudioQuietly() {
  snd_lib_error_set_handler(&silentAlsaError);
  int saved = dup(STDERR_FILENO);
  int null = ::open("/dev/null", O_WRONLY);
  if (null >= 0) dup2(null, STDERR_FILENO), close(null);
  PaError status = Pa_Initialize();
  if (saved >= 0) dup2(saved, STDERR_FILENO), close(saved);
  return status;
}

}  // namespace afterimage::audio
