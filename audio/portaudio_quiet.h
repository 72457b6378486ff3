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

// PortAudio's ALSA probe asserts (aborting the process) when ALSA has no
// configuration: a machine or container without alsa.conf. Asked first, so
// that such a machine gets this message instead of a crash.
inline const char* alsaProblem() {
  snd_lib_error_set_handler(&silentAlsaError);
  snd_config_t* pcm = nullptr;
  if (snd_config_update() < 0 || !snd_config || snd_config_search(snd_config, "pcm", &pcm) < 0)
    return "ALSA has no configuration (alsa.conf not found: apt-get install libasound2-data, or set ALSA_CONFIG_PATH)";
  return nullptr;
}

inline PaError initializePortAudioQuietly() {
  if (alsaProblem()) return paHostApiNotFound;
  int saved = dup(STDERR_FILENO);
  int null = ::open("/dev/null", O_WRONLY);
  if (null >= 0) dup2(null, STDERR_FILENO), close(null);
  PaError status = Pa_Initialize();
  if (saved >= 0) dup2(saved, STDERR_FILENO), close(saved);
  return status;
}

}  // namespace afterimage::audio
