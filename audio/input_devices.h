// The audio input devices PortAudio can capture from.
#pragma once
#include <string>
#include <vector>

namespace afterimage::audio {

struct InputDevice {
  int index = -1;
  std::string name;
  std::string hostApi;
  int channels = 0;
  double defaultSampleRate = 0;
  bool isDefault = false;
};

struct InputDeviceList {
  std::vector<InputDevice> devices;
  std::string error;  // set when PortAudio itself could not start
};

InputDeviceList listInputDevices();

}  // namespace afterimage::audio
