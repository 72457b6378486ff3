// OSC: the address space read into actions, and both directions over UDP
// on loopback: messages sent with liblo change the set's parameters through
// the same edit as the panel's, a busy port is a status and retried, and
// OSC out's stream arrives with the hop's numbers.
#include <gtest/gtest.h>
#include <lo/lo.h>

#include <chrono>
#include <cstring>
#include <map>
#include <thread>

#include "control/osc_address.h"
#include "control/osc_argument.h"
#include "control/osc_sender.h"
#include "control/osc_server.h"
#include "engine/pipeline/conductor.h"
#include "engine/pipeline/set_edit.h"
#include "engine/pipeline/set_file.h"

namespace afterimage::control {
namespace {

using pipeline::ControlVerb;
using pipeline::Parameter;

ControlAction parsed(std::string_view address, std::vector<double> args = {}) {
  OscResult r = parseOscMessage(address, args);
  if (auto* problem = std::get_if<std::string>(&r)) ADD_FAILURE() << *problem;
  return std::get_if<ControlAction>(&r) ? std::get<ControlAction>(r) : ControlAction{};
}

std::string refused(std::string_view address, std::vector<double> args = {}) {
  OscResult r = parseOscMessage(address, args);
  EXPECT_TRUE(std::holds_alternative<std::string>(r)) << address;
  return std::holds_alternative<std::string>(r) ? std::get<std::string>(r) : "";
}

// A UDP port nobody uses now (liblo picks it).
int freePort() {
  lo_server probe = lo_server_new(nullptr, nullptr);
  int port = lo_server_get_port(probe);
  lo_server_free(probe);
  return port;
}

// Arguments sit at 4-byte offsets in a packet: an 8-byte value there is
// read without touching lo_arg's 8-byte-aligned members (UBSan checks it).
TEST(OscArgument, NumbersAreReadAtAnyFourByteOffset) {
  alignas(8) unsigned char packet[24] = {};
  double d = 0.25;
  int64_t h = -7;
  float f = 1.5f;
  std::memcpy(packet + 4, &d, sizeof d);
  std::memcpy(packet + 12, &h, sizeof h);
  std::memcpy(packet + 20, &f, sizeof f);
  EXPECT_EQ(oscNumber(LO_DOUBLE, reinterpret_cast<const lo_arg*>(packet + 4)), 0.25);
  EXPECT_EQ(oscNumber(LO_INT64, reinterpret_cast<const lo_arg*>(packet + 12)), -7.0);
  EXPECT_EQ(oscNumber(LO_FLOAT, reinterpret_cast<const lo_arg*>(packet + 20)), 1.5);
  EXPECT_EQ(oscNumber(LO_TRUE, nullptr), 1.0);
  EXPECT_EQ(oscNumber(LO_STRING, reinterpret_cast<const lo_arg*>(packet)), std::nullopt);
}

TEST(OscAddress, ParametersCuesAndButtons) {
  EXPECT_EQ(parsed("/afterimage/param/strength", {0.4}),
            (ControlAction{ControlVerb::SetParameter, {Parameter::Strength, -1}, 0.4, 0}));
  EXPECT_EQ(parsed("/afterimage/param/prompt.1.weight", {0.25}),
            (ControlAction{ControlVerb::SetParameter, {Parameter::PromptWeight, 1}, 0.25, 0}));
  EXPECT_EQ(parsed("/afterimage/cue", {3}), (ControlAction{ControlVerb::Cue, {}, 0, 3}));
  EXPECT_EQ(parsed("/afterimage/next_scene").verb, ControlVerb::NextScene);
  EXPECT_EQ(parsed("/afterimage/tap").verb, ControlVerb::Tap);
  EXPECT_EQ(parsed("/afterimage/blackout").value, -1);  // toggles
  EXPECT_EQ(parsed("/afterimage/blackout", {1}).value, 1);
  EXPECT_EQ(parsed("/afterimage/freeze", {0}).value, 0);
}

TEST(OscAddress, MistakesSayWhat) {
  EXPECT_NE(refused("/afterimage/param/strenght", {0.4}).find("did you mean 'strength'"), std::string::npos);
  EXPECT_NE(refused("/afterimage/param/zoom").find("needs a number"), std::string::npos);
  EXPECT_NE(refused("/afterimage/cue", {-1}).find("scene index"), std::string::npos);
  EXPECT_NE(refused("/other/thing").find("start with /afterimage/"), std::string::npos);
  EXPECT_NE(refused("/afterimage/jump").find("osc-addresses"), std::string::npos);
}

TEST(OscAddress, TheListNamesEveryParameter) {
  std::string all;
  for (const auto& line : oscAddresses()) all += line + "\n";
  for (const auto& name : pipeline::parameterNames())
    EXPECT_NE(all.find("/afterimage/param/" + name + " "), std::string::npos) << name;
  for (const char* address : {"/afterimage/cue", "/afterimage/tap", "/afterimage/blackout", "/afterimage/freeze",
                              "/afterimage/tempo", "/afterimage/beat", "/afterimage/bands", "/afterimage/onset"})
    EXPECT_NE(all.find(address), std::string::npos) << address;
}

TEST(OscServer, MessagesOverLoopbackChangeTheSetsParameters) {
  int port = freePort();
  ControlQueue queue;
  OscServer server(port, queue);
  ASSERT_TRUE(server.status().listening) << server.status().problem;

  lo_address to = lo_address_new("127.0.0.1", std::to_string(port).c_str());
  lo_send(to, "/afterimage/param/strength", "f", 0.8f);
  lo_send(to, "/afterimage/param/zoom", "d", 1.5);
  lo_send(to, "/afterimage/cue", "i", 1);
  lo_send(to, "/afterimage/param/nothing", "f", 1.0f);
  lo_address_free(to);

  std::vector<ControlAction> actions, taken;
  for (auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
       actions.size() < 3 && std::chrono::steady_clock::now() < until;) {
    queue.take(taken);
    actions.insert(actions.end(), taken.begin(), taken.end());
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(actions.size(), 3u);
  EXPECT_EQ(actions[2], (ControlAction{ControlVerb::Cue, {}, 0, 1}));
  for (auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
       server.status().rejected < 1 && std::chrono::steady_clock::now() < until;)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(server.status().received, 4u);
  EXPECT_NE(server.status().problem.find("unknown parameter 'nothing'"), std::string::npos);

  // Applied as live mode applies them: the active scene's base values.
  pipeline::Set set = pipeline::parseSet("[[scene]]\nprompt = \"plasma\"\n", "osc.toml");
  std::vector<pipeline::ParameterValue> values;
  for (const auto& a : actions)
    if (a.verb == ControlVerb::SetParameter) values.push_back({a.target, a.value});
  pipeline::Conductor conductor(pipeline::withSceneParameters(set, 0, values));
  auto params = conductor.frame(audio::FeatureSnapshot{}, 0.1);
  EXPECT_FLOAT_EQ(params.strength, 0.8f);
  EXPECT_FLOAT_EQ(params.zoom, 1.5f);
}

TEST(OscServer, ABusyPortIsAStatusAndIsRetried) {
  int port = freePort();
  lo_server blocker = lo_server_new_with_proto(std::to_string(port).c_str(), LO_UDP, nullptr);
  ASSERT_NE(blocker, nullptr);
  ControlQueue queue;
  OscServer server(port, queue);
  EXPECT_FALSE(server.status().listening);
  EXPECT_NE(server.status().problem.find("OSC port " + std::to_string(port) + " cannot be opened"), std::string::npos)
      << server.status().problem;
  EXPECT_FALSE(server.retry());
  lo_server_free(blocker);
  EXPECT_TRUE(server.retry());
  EXPECT_TRUE(server.status().listening);
  EXPECT_EQ(server.status().problem, "");
}

struct Received {
  std::map<std::string, std::vector<float>> messages;
};

int collect(const char* path, const char* types, lo_arg** argv, int argc, lo_message, void* data) {
  std::vector<float> values;
  for (int i = 0; i < argc; ++i) values.push_back(types[i] == LO_FLOAT ? float(*oscNumber(types[i], argv[i])) : -999);
  static_cast<Received*>(data)->messages[path] = values;
  return 0;
}

TEST(OscSender, EachHopsAnalysisArrives) {
  int port = freePort();
  lo_server receiver = lo_server_new_with_proto(std::to_string(port).c_str(), LO_UDP, nullptr);
  ASSERT_NE(receiver, nullptr);
  Received received;
  lo_server_add_method(receiver, nullptr, nullptr, collect, &received);

  audio::FeatureSnapshot s;
  s.bpm = 124, s.confidence = 0.75f, s.beatPhase = 0.02f, s.barPosition = 0.005f;
  s.bands = {0.5f, 1.25f, 0.75f, 0.125f};
  s.loudness = 1.1f, s.rmsDbfs = -18;
  s.beat = true, s.beatInBar = 0, s.onset = true, s.onsetStrength = 0.6f;
  OscSender sender({"127.0.0.1:" + std::to_string(port)});
  sender.send(s);
  EXPECT_EQ(sender.sent(), 7u);
  for (int i = 0; i < 200 && received.messages.size() < 7; ++i) lo_server_recv_noblock(receiver, 10);
  lo_server_free(receiver);

  ASSERT_EQ(received.messages.size(), 7u);
  EXPECT_EQ(received.messages["/afterimage/tempo"], (std::vector<float>{124, 0.75f}));
  EXPECT_EQ(received.messages["/afterimage/bands"], (std::vector<float>{0.5f, 1.25f, 0.75f, 0.125f}));
  EXPECT_EQ(received.messages["/afterimage/loudness"], (std::vector<float>{1.1f, -18}));
  EXPECT_EQ(received.messages["/afterimage/beat"], (std::vector<float>{0, 4, 2}));
  EXPECT_EQ(received.messages["/afterimage/bar"], (std::vector<float>{}));
  EXPECT_EQ(received.messages["/afterimage/onset"], (std::vector<float>{0.6f}));
  EXPECT_EQ(received.messages["/afterimage/phase"], (std::vector<float>{0.02f, 0.005f}));
}

TEST(OscSender, ABeatOffTheDownbeatIsNoBar) {
  audio::FeatureSnapshot s;
  s.beat = true, s.beatInBar = 2;
  OscOutMessages out;
  int n = oscOutMessages(s, out);
  ASSERT_EQ(n, 5);
  EXPECT_STREQ(out[4].address, "/afterimage/beat");
  EXPECT_EQ(out[4].values[0], 2);
}

TEST(OscSender, DrumHitsAndASectionStartAreSentWhenTheyHappen) {
  audio::FeatureSnapshot s;
  s.drumHit[audio::Kick] = s.drumHit[audio::Hat] = true;
  s.drumHitStrength[audio::Kick] = 0.75f, s.drumHitStrength[audio::Hat] = 0.25f;
  s.sectionChange = true, s.section = audio::MusicSection::Buildup, s.dropInBars = 7.5f;
  OscOutMessages out;
  int n = oscOutMessages(s, out);
  ASSERT_EQ(n, 7);
  EXPECT_STREQ(out[4].address, "/afterimage/kick");
  EXPECT_EQ(out[4].values[0], 0.75f);
  EXPECT_STREQ(out[5].address, "/afterimage/hat");
  EXPECT_EQ(out[5].values[0], 0.25f);
  EXPECT_STREQ(out[6].address, "/afterimage/buildup");
  EXPECT_EQ(out[6].values[0], 7.5f);
  // Everything at once still fits.
  s.beat = true, s.beatInBar = 0, s.onset = true, s.drumHit[audio::Snare] = true;
  EXPECT_EQ(oscOutMessages(s, out), int(kMostOscOutMessages) - 1);
}

TEST(OscSender, ATargetThatIsNotHostPortIsRefused) {
  EXPECT_THROW(OscSender({"localhost"}), std::invalid_argument);
}

}  // namespace
}  // namespace afterimage::control
