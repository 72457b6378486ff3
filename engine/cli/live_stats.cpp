#include "engine/cli/live_stats.h"

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace afterimage::cli {

LiveStatsFile::LiveStatsFile(const std::string& path) : path_(path), file_(std::fopen(path.c_str(), "w")) {
  if (!file_) throw std::runtime_error(path + ": cannot write the stats file: " + std::strerror(errno));
  std::fprintf(file_, "time_s,frame_ms,presented,generated,new_frames\n");
}

LiveStatsFile::~LiveStatsFile() { std::fclose(file_); }

void LiveStatsFile::step(double seconds, uint64_t presented, uint64_t generated, uint64_t newFrames) {
  if (presented == presented_) return;
  // The first row has no interval before it (0); the readers skip it.
  double frameMs = lastPresent_ < 0 ? 0.0 : (seconds - lastPresent_) * 1000.0;
  std::fprintf(file_, "%.4f,%.3f,%llu,%llu,%llu\n", seconds, frameMs, static_cast<unsigned long long>(presented),
               static_cast<unsigned long long>(generated), static_cast<unsigned long long>(newFrames));
  presented_ = presented;
  lastPresent_ = seconds;
  // Flushed each second, so a run that is killed still leaves its rows.
  if (seconds - lastFlush_ >= 1.0) {
    std::fflush(file_);
    lastFlush_ = seconds;
  }
}

}  // namespace afterimage::cli
