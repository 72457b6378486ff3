#include "engine/pipeline/reaction.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace afterimage::pipeline {
namespace {

std::vector<std::string> splitCommas(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream in(line);
  std::string field;
  while (std::getline(in, field, ',')) fields.push_back(field);
  return fields;
}

}  // namespace

std::vector<RenderedFrame> readRenderCsv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot read the render's CSV");
  std::string line;
  if (!std::getline(in, line)) throw std::runtime_error(path + ": empty, expected a header line");
  auto header = splitCommas(line);
  auto column = [&](const std::string& name) {
    auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) throw std::runtime_error(path + ":1: no column '" + name + "'");
    return size_t(it - header.begin());
  };
  size_t time = column("time"), onset = column("onset_strength"), change = column("visual_change");
  std::vector<RenderedFrame> frames;
  for (int number = 2; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    auto fields = splitCommas(line);
    auto value = [&](size_t i) {
      try {
        if (i < fields.size()) return std::stod(fields[i]);
      } catch (const std::exception&) {
      }
      throw std::runtime_error(path + ":" + std::to_string(number) + ": column '" + header[i] +
                               "': expected a number, found '" + (i < fields.size() ? fields[i] : "") + "'");
    };
    frames.push_back({value(time), value(onset), value(change)});
  }
  return frames;
}

double Reaction::silenceShare() const {
  return onBeats > 0 ? inSilence / onBeats : std::numeric_limits<double>::infinity();
}

double Reaction::beatRatio() const {
  return offBeats > 0 ? onBeats / offBeats : std::numeric_limits<double>::infinity();
}

Reaction measureReaction(std::span<const RenderedFrame> frames, std::span<const double> beats, double silenceFrom,
                         double silenceTo, double beatWindow) {
  if (frames.size() < 3) throw std::invalid_argument("measureReaction: fewer than three frames");
  std::span<const RenderedFrame> measured = frames.subspan(1);
  Reaction r;
  r.frames = measured.size();

  double meanX = 0, meanY = 0;
  for (const auto& f : measured) meanX += f.visualChange, meanY += f.onsetStrength;
  meanX /= double(r.frames), meanY /= double(r.frames);
  double xy = 0, xx = 0, yy = 0;
  for (const auto& f : measured) {
    double x = f.visualChange - meanX, y = f.onsetStrength - meanY;
    xy += x * y, xx += x * x, yy += y * y;
  }
  r.correlation = xx > 0 && yy > 0 ? xy / std::sqrt(xx * yy) : 0.0;

  std::vector<double> onsets;
  for (const auto& f : measured) onsets.push_back(f.onsetStrength);
  auto quantile = onsets.begin() + ptrdiff_t(kQuietQuantile * double(onsets.size() - 1));
  std::nth_element(onsets.begin(), quantile, onsets.end());
  r.quietOnset = *quantile;

  for (const auto& f : measured) {
    bool onBeat = std::any_of(beats.begin(), beats.end(), [&](double b) { return f.time >= b && f.time < b + beatWindow; });
    if (onBeat) r.onBeats += f.visualChange, r.beatFrames++;
    else r.offBeats += f.visualChange, r.offBeatFrames++;
    if (f.time >= silenceFrom && f.time < silenceTo) r.inSilence += f.visualChange, r.silentFrames++;
    if (!onBeat && f.onsetStrength <= r.quietOnset) r.flicker += f.visualChange, r.quietFrames++;
  }
  if (r.beatFrames == 0) throw std::invalid_argument("measureReaction: no frame on a beat");
  if (r.offBeatFrames == 0) throw std::invalid_argument("measureReaction: no frame off the beats");
  if (silenceFrom < silenceTo && r.silentFrames == 0)
    throw std::invalid_argument("measureReaction: no frame in the silent passage");
  r.onBeats /= double(r.beatFrames);
  r.offBeats /= double(r.offBeatFrames);
  if (r.silentFrames > 0) r.inSilence /= double(r.silentFrames);
  if (r.quietFrames > 0) r.flicker /= double(r.quietFrames);
  return r;
}

}  // namespace afterimage::pipeline
