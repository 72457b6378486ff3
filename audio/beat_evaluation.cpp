#include "audio/beat_evaluation.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

namespace afterimage::audio {
namespace {

std::vector<double> after(const std::vector<double>& beats, double ignoreBefore) {
  std::vector<double> kept;
  for (double t : beats)
    if (t >= ignoreBefore) kept.push_back(t);
  std::sort(kept.begin(), kept.end());
  return kept;
}

double medianInterval(const std::vector<double>& beats) {
  if (beats.size() < 2) return 0;
  std::vector<double> intervals;
  for (size_t i = 1; i < beats.size(); ++i) intervals.push_back(beats[i] - beats[i - 1]);
  std::nth_element(intervals.begin(), intervals.begin() + long(intervals.size() / 2), intervals.end());
  return intervals[intervals.size() / 2];
}

// Correct detections against one metrical reading of the annotations.
double continuityAgainst(const std::vector<double>& detections, const std::vector<double>& reference) {
  const double tolerance = 0.175;
  if (detections.size() < 2 || reference.size() < 2) return 0;
  std::vector<bool> used(reference.size(), false);
  int correct = 0;
  for (size_t i = 1; i < detections.size(); ++i) {
    double d = detections[i];
    size_t j = size_t(std::lower_bound(reference.begin(), reference.end(), d) - reference.begin());
    if (j == reference.size() || (j > 0 && d - reference[j - 1] < reference[j] - d)) --j;
    double period = j > 0 ? reference[j] - reference[j - 1] : reference[1] - reference[0];
    bool phase = std::abs(d - reference[j]) < tolerance * period;
    bool tempo = std::abs((d - detections[i - 1]) - period) < tolerance * period;
    if (phase && tempo && !used[j]) used[j] = true, ++correct;
  }
  return double(correct) / double(std::max(detections.size(), reference.size()));
}

}  // namespace

BeatScore beatFMeasure(const std::vector<double>& detections, const std::vector<double>& annotations, double window,
                       double ignoreBefore) {
  std::vector<double> d = after(detections, ignoreBefore), a = after(annotations, ignoreBefore);
  std::vector<bool> used(a.size(), false);
  BeatScore s;
  for (double t : d) {
    size_t best = a.size();
    double bestError = window;
    for (size_t i = 0; i < a.size(); ++i) {
      double e = std::abs(a[i] - t);
      if (!used[i] && e <= bestError) best = i, bestError = e;
    }
    if (best < a.size()) used[best] = true, ++s.matched;
  }
  s.detections = int(d.size()), s.annotations = int(a.size());
  s.precision = d.empty() ? 0 : double(s.matched) / double(d.size());
  s.recall = a.empty() ? 0 : double(s.matched) / double(a.size());
  s.fMeasure = s.precision + s.recall > 0 ? 2 * s.precision * s.recall / (s.precision + s.recall) : 0;
  return s;
}

ContinuityScore beatContinuity(const std::vector<double>& detections, const std::vector<double>& annotations,
                               double ignoreBefore) {
  std::vector<double> d = after(detections, ignoreBefore), a = after(annotations, ignoreBefore);
  ContinuityScore s;
  if (a.size() < 2) return s;
  std::vector<double> offBeat, twice, halfOdd, halfEven;
  for (size_t i = 0; i + 1 < a.size(); ++i) {
    double middle = 0.5 * (a[i] + a[i + 1]);
    offBeat.push_back(middle);
    twice.push_back(a[i]), twice.push_back(middle);
  }
  twice.push_back(a.back());
  for (size_t i = 0; i < a.size(); ++i) (i % 2 ? halfOdd : halfEven).push_back(a[i]);
  s.cmlt = continuityAgainst(d, a);
  s.amlt = s.cmlt;
  for (const auto* reading : {&offBeat, &twice, &halfOdd, &halfEven})
    s.amlt = std::max(s.amlt, continuityAgainst(d, *reading));
  return s;
}

const char* toString(MetricalRelation relation) {
  switch (relation) {
    case MetricalRelation::Right: return "right";
    case MetricalRelation::OffBeat: return "offbeat";
    case MetricalRelation::Double: return "double";
    case MetricalRelation::Half: return "half";
    case MetricalRelation::ThreeHalves: return "3:2";
    case MetricalRelation::TwoThirds: return "2:3";
    case MetricalRelation::Other: return "other";
  }
  return "other";
}

MetricalRelation metricalRelation(const std::vector<double>& detections, const std::vector<double>& annotations,
                                  double ignoreBefore) {
  std::vector<double> d = after(detections, ignoreBefore), a = after(annotations, ignoreBefore);
  double detected = medianInterval(d), annotated = medianInterval(a);
  if (detected <= 0 || annotated <= 0) return MetricalRelation::Other;
  double tempoRatio = annotated / detected;  // detected tempo / annotated tempo
  auto near = [&](double r) { return std::abs(tempoRatio / r - 1) < 0.08; };
  if (near(2)) return MetricalRelation::Double;
  if (near(0.5)) return MetricalRelation::Half;
  if (near(1.5)) return MetricalRelation::ThreeHalves;
  if (near(2.0 / 3)) return MetricalRelation::TwoThirds;
  if (!near(1)) return MetricalRelation::Other;
  // Same tempo: on the beat or between the beats?
  int onBeat = 0, between = 0;
  for (double t : d) {
    size_t j = size_t(std::lower_bound(a.begin(), a.end(), t) - a.begin());
    if (j == 0 || j == a.size()) continue;
    double phase = (t - a[j - 1]) / (a[j] - a[j - 1]);
    if (phase < 0.175 || phase > 0.825) ++onBeat;
    else if (std::abs(phase - 0.5) < 0.175) ++between;
  }
  return between > onBeat ? MetricalRelation::OffBeat : MetricalRelation::Right;
}

double medianBpm(const std::vector<double>& beats, double ignoreBefore) {
  double interval = medianInterval(after(beats, ignoreBefore));
  return interval > 0 ? 60.0 / interval : 0;
}

std::vector<AnnotatedClip> findAnnotatedClips(const std::string& folder) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (!fs::is_directory(folder, error)) throw std::runtime_error(folder + ": not a folder");
  std::vector<AnnotatedClip> clips;
  for (fs::recursive_directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) {
    if (!it->is_regular_file()) continue;
    fs::path path = it->path();
    std::string extension = path.extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    if (extension != ".wav" && extension != ".flac" && extension != ".ogg" && extension != ".aiff" &&
        extension != ".aif" && extension != ".mp3")
      continue;
    fs::path beats = path;
    beats.replace_extension(".beats");
    if (!fs::is_regular_file(beats)) continue;
    AnnotatedClip clip;
    clip.name = path.stem().string();
    fs::path genre = path.parent_path().lexically_relative(folder);
    clip.genre = genre.empty() || genre == "." ? "-" : genre.string();
    clip.audioPath = path.string(), clip.beatsPath = beats.string();
    clips.push_back(clip);
  }
  if (error) throw std::runtime_error(folder + ": " + error.message());
  if (clips.empty()) throw std::runtime_error(folder + ": no audio file with a .beats file beside it");
  std::sort(clips.begin(), clips.end(), [](const AnnotatedClip& x, const AnnotatedClip& y) {
    return x.genre != y.genre ? x.genre < y.genre : x.name < y.name;
  });
  return clips;
}

namespace {

// Each annotated beat: its time and its number in the bar (0 where the line has none).
std::vector<std::pair<double, int>> readNumberedBeats(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot be read");
  std::vector<std::pair<double, int>> beats;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    std::istringstream fields(line);
    std::string first, second;
    if (!(fields >> first) || first[0] == '#') continue;
    double t = 0;
    try {
      size_t used = 0;
      t = std::stod(first, &used);
      if (used != first.size() || !std::isfinite(t) || t < 0) throw std::invalid_argument(first);
    } catch (const std::exception&) {
      throw std::runtime_error(path + ":" + std::to_string(number) + ": expected a beat time in seconds, found '" +
                               first + "'");
    }
    int inBar = 0;
    if (fields >> second) {
      char* end = nullptr;
      double n = std::strtod(second.c_str(), &end);
      // Some sets write 1.0, 2.0; anything else after the time is a label, not a number.
      if (*end == '\0' && n >= 1 && n <= 64 && n == std::floor(n)) inBar = int(n);
    }
    beats.emplace_back(t, inBar);
  }
  std::sort(beats.begin(), beats.end());
  return beats;
}

}  // namespace

std::vector<double> readBeatAnnotations(const std::string& path) {
  std::vector<double> times;
  for (const auto& [t, inBar] : readNumberedBeats(path)) times.push_back(t);
  return times;
}

BarAnnotations readBarAnnotations(const std::string& path) {
  BarAnnotations bars;
  std::map<int, int> lengths;  // bar length in beats -> bars of that length
  int previous = 0;
  for (const auto& [t, inBar] : readNumberedBeats(path)) {
    if (inBar == 1) {
      bars.downbeats.push_back(t);
      if (previous > 0) lengths[previous]++;
    }
    previous = inBar;
  }
  int most = 0;
  for (const auto& [length, count] : lengths)
    if (count > most) most = count, bars.beatsPerBar = length;
  return bars;
}

void writeBeatAnnotations(const std::string& path, const std::vector<double>& beats, const std::vector<int>& places) {
  if (!places.empty() && places.size() != beats.size())
    throw std::invalid_argument(path + ": " + std::to_string(places.size()) + " places for " +
                                std::to_string(beats.size()) + " beats");
  std::ofstream out(path);
  if (!out) throw std::runtime_error(path + ": cannot be written");
  char line[48];
  for (size_t i = 0; i < beats.size(); ++i) {
    if (!places.empty())
      std::snprintf(line, sizeof line, "%.6f\t%d\n", beats[i], places[i]);
    else
      std::snprintf(line, sizeof line, "%.6f\n", beats[i]);
    out << line;
  }
  out.flush();
  if (!out) throw std::runtime_error(path + ": cannot be written (disk full?)");
}

}  // namespace afterimage::audio
