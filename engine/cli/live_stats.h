// `afterimage live --stats FILE`: one CSV row per presentation of the
// output window, so a long run (tools/soak/soak.sh) can measure what the
// audience saw: the time between presentations (its percentiles, and the
// missed ones, far above the display's period), and the frames generated.
// Rows go through stdio's buffer: no allocation in the frame loop.
#pragma once
#include <cstdint>
#include <cstdio>
#include <string>

namespace afterimage::cli {

class LiveStatsFile {
 public:
  // Throws naming the file when it cannot be created.
  explicit LiveStatsFile(const std::string& path);
  ~LiveStatsFile();
  LiveStatsFile(const LiveStatsFile&) = delete;
  LiveStatsFile& operator=(const LiveStatsFile&) = delete;

  // Called after each step of the presenter with the counts so far; writes
  // a row when the output presented since the last call.
  void step(double seconds, uint64_t presented, uint64_t generated, uint64_t newFrames);

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
  uint64_t presented_ = 0;
  double lastPresent_ = -1;
  double lastFlush_ = 0;
};

}  // namespace afterimage::cli
