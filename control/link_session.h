// Ableton Link: a session with the other Link apps on the network. Follow:
// grid() is the session's tempo and the time of a beat, for the beat clock
// to take. Lead: lead() publishes a tempo and the time of the next beat
// (the beat clock's prediction), re-mapping the session's beats only when
// they are off by more than a tolerance, so that a steady tempo does not
// nudge the other peers every call. Times are on Link's clock (seconds;
// now() reads it). The Link headers stay in the .cpp.
#pragma once
#include <cstddef>
#include <memory>

namespace afterimage::control {

class LinkSession {
 public:
  explicit LinkSession(double bpm = 120);
  ~LinkSession();
  LinkSession(const LinkSession&) = delete;
  LinkSession& operator=(const LinkSession&) = delete;

  size_t peers() const;
  double now() const;

  struct Grid {
    double bpm = 0;
    double beatTime = 0;  // a beat at or before the time asked about
    double phase = 0;     // beats since it, 0..1
  };
  Grid grid(double time) const;

  // Tempo `bpm` and a beat at `beatTime` (ahead of now, typically);
  // tolerance in beats.
  void lead(double bpm, double beatTime, double tolerance = 0.002);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace afterimage::control
