// OSC out: the analysis of each hop (osc_address.h's oscOutMessages) sent
// over UDP to every target, so lights and other visuals follow Afterimage's
// tempo, beats and bands. Called on the analysis thread; UDP sends do not
// wait for anyone.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "audio/feature_snapshot.h"

namespace afterimage::control {

class OscSender {
 public:
  // Targets as "host:port"; throws std::invalid_argument naming one that
  // is not (the set file checks them first).
  explicit OscSender(const std::vector<std::string>& targets);
  ~OscSender();
  OscSender(const OscSender&) = delete;
  OscSender& operator=(const OscSender&) = delete;

  void send(const audio::FeatureSnapshot& snapshot);
  uint64_t sent() const { return sent_; }
  const std::vector<std::string>& targets() const { return names_; }

 private:
  std::vector<std::string> names_;
  std::vector<void*> addresses_;  // lo_address
  uint64_t sent_ = 0;
};

}  // namespace afterimage::control
