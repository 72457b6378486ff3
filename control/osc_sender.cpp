#include "control/osc_sender.h"

#include <lo/lo.h>

#include <stdexcept>

#include "control/osc_address.h"
#include "engine/pipeline/control_settings.h"

namespace afterimage::control {

OscSender::OscSender(const std::vector<std::string>& targets) : names_(targets) {
  for (const std::string& target : targets) {
    auto hostPort = pipeline::splitHostPort(target);
    if (!hostPort) throw std::invalid_argument("OSC target '" + target + "' is not host:port");
    lo_address address = lo_address_new(hostPort->host.c_str(), hostPort->port.c_str());
    if (!address) throw std::invalid_argument("OSC target '" + target + "' cannot be used");
    addresses_.push_back(address);
  }
}

OscSender::~OscSender() {
  for (void* address : addresses_) lo_address_free(lo_address(address));
}

void OscSender::send(const audio::FeatureSnapshot& snapshot) {
  OscOutMessages messages;
  int count = oscOutMessages(snapshot, messages);
  for (int i = 0; i < count; ++i) {
    lo_message message = lo_message_new();
    for (int v = 0; v < messages[size_t(i)].count; ++v) lo_message_add_float(message, messages[size_t(i)].values[size_t(v)]);
    for (void* address : addresses_)
      if (lo_send_message(lo_address(address), messages[size_t(i)].address, message) >= 0) sent_++;
    lo_message_free(message);
  }
}

}  // namespace afterimage::control
