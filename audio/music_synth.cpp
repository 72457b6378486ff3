#include "audio/music_synth.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>
#include <tuple>

namespace afterimage::audio {
namespace {

constexpr double kPi = 3.14159265358979323846;

enum class Drum { Kick, Snare, ClosedHat, OpenHat, Rim };

struct Hit {
  double beat;  // position in beats from the start of the bar
  Drum drum;
  float velocity;
};

struct Pattern {
  int beatsPerBar = 4;
  double swing = 0;  // 0: straight; 1/6: the off-8th moves from 1/2 to 2/3 of the beat
  std::vector<Hit> hits;
};

void eighthHats(Pattern& p, float velocity) {
  for (int b = 0; b < p.beatsPerBar; ++b) {
    p.hits.push_back({double(b), Drum::ClosedHat, velocity});
    p.hits.push_back({b + 0.5, Drum::ClosedHat, velocity * 0.7f});
  }
}

Pattern patternNamed(const std::string& name) {
  Pattern p;
  auto add = [&](double beat, Drum d, float v) { p.hits.push_back({beat, d, v}); };
  if (name == "house") {
    for (int b = 0; b < 4; ++b) {
      add(b, Drum::Kick, 1.0f);
      add(b + 0.5, Drum::OpenHat, 0.5f);
      add(b + 0.25, Drum::ClosedHat, 0.25f);
      add(b + 0.75, Drum::ClosedHat, 0.25f);
    }
    add(1, Drum::Snare, 0.7f), add(3, Drum::Snare, 0.7f);
  } else if (name == "rock" || name == "punk" || name == "slow") {
    add(0, Drum::Kick, 1.0f), add(2, Drum::Kick, 1.0f), add(2.5, Drum::Kick, 0.8f);
    add(1, Drum::Snare, 0.9f), add(3, Drum::Snare, 0.9f);
    eighthHats(p, 0.4f);
  } else if (name == "dnb") {
    add(0, Drum::Kick, 1.0f), add(2.5, Drum::Kick, 0.9f);
    add(1, Drum::Snare, 1.0f), add(3, Drum::Snare, 1.0f), add(3.75, Drum::Snare, 0.35f);
    eighthHats(p, 0.35f);
  } else if (name == "hiphop") {
    p.swing = 1.0 / 6;
    add(0, Drum::Kick, 1.0f), add(1.5, Drum::Kick, 0.7f), add(2.5, Drum::Kick, 0.9f);
    add(1, Drum::Snare, 0.9f), add(3, Drum::Snare, 0.9f);
    eighthHats(p, 0.4f);
  } else if (name == "waltz") {
    p.beatsPerBar = 3;
    add(0, Drum::Kick, 1.0f), add(1, Drum::Snare, 0.5f), add(2, Drum::Snare, 0.5f);
    for (int b = 0; b < 3; ++b) add(b + 0.5, Drum::ClosedHat, 0.3f);
  } else if (name == "funk") {
    add(0, Drum::Kick, 1.0f), add(0.75, Drum::Kick, 0.6f), add(2.5, Drum::Kick, 0.8f), add(3.25, Drum::Kick, 0.5f);
    add(1, Drum::Snare, 0.9f), add(3, Drum::Snare, 0.9f), add(1.75, Drum::Snare, 0.2f), add(2.25, Drum::Snare, 0.2f);
    for (int s = 0; s < 16; ++s) add(s * 0.25, Drum::ClosedHat, s % 2 ? 0.18f : 0.35f);
  } else if (name == "dembow") {
    for (int b = 0; b < 4; ++b) add(b, Drum::Kick, 1.0f);
    for (int half = 0; half < 2; ++half) add(half * 2 + 0.75, Drum::Rim, 0.8f), add(half * 2 + 1.5, Drum::Rim, 0.8f);
    eighthHats(p, 0.25f);
  } else {
    throw std::runtime_error("unknown pattern " + name);
  }
  return p;
}

// Beat times of a constant tempo or a linear ramp of the tempo.
std::vector<double> beatTimes(const TrackSpec& spec) {
  std::vector<double> beats;
  double t = 0;
  double endBpm = spec.endBpm > 0 ? spec.endBpm : spec.bpm;
  while (t < spec.seconds) {
    beats.push_back(t);
    double bpm = spec.bpm + (endBpm - spec.bpm) * (t / spec.seconds);
    t += 60.0 / bpm;
  }
  beats.push_back(t);  // closes the last beat for interpolation
  return beats;
}

class Mixer {
 public:
  Mixer(size_t n, int rate, unsigned seed) : out(n, 0.0f), rate_(rate), rng_(seed) {}

  void drum(double t, Drum d, float v) {
    switch (d) {
      case Drum::Kick: return kick(t, v);
      case Drum::Snare: return snare(t, v);
      case Drum::ClosedHat: return hat(t, v, 0.018);
      case Drum::OpenHat: return hat(t, v, 0.12);
      case Drum::Rim: return rim(t, v);
    }
  }

  void tone(double t, double seconds, double freq, float v, double attack, double release, int harmonics) {
    size_t start = size_t(t * rate_), len = size_t((seconds + release) * rate_);
    for (size_t i = 0; i < len && start + i < out.size(); ++i) {
      double s = double(i) / rate_;
      double env = std::min(1.0, s / attack) * (s < seconds ? 1.0 : std::exp(-(s - seconds) / (release / 4)));
      double x = 0;
      for (int h = 1; h <= harmonics; ++h) x += std::sin(2 * kPi * freq * h * s) / (h * h);
      out[start + i] += float(v * env * x);
    }
  }

  float noise() { return std::uniform_real_distribution<float>(-1, 1)(rng_); }

  std::vector<float> out;

 private:
  void kick(double t, float v) {
    size_t start = size_t(t * rate_), len = size_t(0.35 * rate_);
    double phase = 0;
    for (size_t i = 0; i < len && start + i < out.size(); ++i) {
      double s = double(i) / rate_;
      phase += 2 * kPi * (48 + 110 * std::exp(-s / 0.035)) / rate_;
      out[start + i] += float(v * 0.9 * std::exp(-s / 0.18) * std::sin(phase));
    }
  }
  void snare(double t, float v) {
    size_t start = size_t(t * rate_), len = size_t(0.25 * rate_);
    float previous = 0;
    for (size_t i = 0; i < len && start + i < out.size(); ++i) {
      double s = double(i) / rate_;
      float n = noise(), hp = n - previous;  // first difference: brighter noise
      previous = n;
      out[start + i] += float(v * (0.35 * hp * std::exp(-s / 0.07) + 0.4 * std::sin(2 * kPi * 190 * s) * std::exp(-s / 0.04)));
    }
  }
  void hat(double t, float v, double decay) {
    size_t start = size_t(t * rate_), len = size_t((decay * 6) * rate_);
    float previous = 0;
    for (size_t i = 0; i < len && start + i < out.size(); ++i) {
      double s = double(i) / rate_;
      float n = noise(), hp = n - previous;
      previous = n;
      out[start + i] += float(v * 0.25 * hp * std::exp(-s / decay));
    }
  }
  void rim(double t, float v) {
    size_t start = size_t(t * rate_), len = size_t(0.06 * rate_);
    for (size_t i = 0; i < len && start + i < out.size(); ++i) {
      double s = double(i) / rate_;
      out[start + i] += float(v * 0.5 * std::exp(-s / 0.012) * (std::sin(2 * kPi * 1700 * s) + 0.3 * noise()));
    }
  }

  int rate_;
  std::mt19937 rng_;
};

double noteHz(int midi) { return 440.0 * std::pow(2.0, (midi - 69) / 12.0); }

}  // namespace

LabelledTrack synthesize(const TrackSpec& spec) {
  LabelledTrack track;
  track.name = spec.name;
  track.sampleRate = spec.sampleRate;
  Pattern pattern = patternNamed(spec.pattern);
  std::vector<double> grid = beatTimes(spec);
  auto timeAt = [&](double beat) {
    size_t k = std::min(size_t(beat), grid.size() - 2);
    return grid[k] + (beat - double(k)) * (grid[k + 1] - grid[k]);
  };
  auto swung = [&](double pos) {
    double whole = std::floor(pos), frac = pos - whole;
    if (pattern.swing > 0 && std::abs(frac - 0.5) < 1e-9) frac += pattern.swing;
    return whole + frac;
  };
  Mixer mix(size_t(spec.seconds * spec.sampleRate), spec.sampleRate, spec.seed);

  size_t beatCount = grid.size() - 1;
  for (size_t k = 0; k < beatCount; ++k)
    if (grid[k] < spec.seconds) track.beats.push_back(grid[k]);
  size_t bars = beatCount / pattern.beatsPerBar + 1;

  // Chord progression i - VI - III - VII in A minor, one chord a bar; the
  // bass plays the root on the beats of the pattern's kick.
  const int roots[4] = {45, 41, 48, 43};
  const int thirds[4] = {3, 4, 4, 4};
  for (size_t bar = 0; bar < bars; ++bar) {
    double barBeat = double(bar * pattern.beatsPerBar);
    double start = timeAt(barBeat);
    if (start >= spec.seconds) break;
    bool inBreakdown = start >= spec.breakdownFrom && start < spec.breakdownTo;
    int root = roots[bar % 4];
    if (spec.tonal) {
      double barLength = timeAt(barBeat + pattern.beatsPerBar) - start;
      for (int interval : {12, 12 + thirds[bar % 4], 19})
        mix.tone(start, barLength * 0.95, noteHz(root + interval), 0.07f, 0.12, 0.3, 4);
    }
    for (const Hit& hit : pattern.hits) {
      double t = timeAt(barBeat + swung(hit.beat));
      if (t >= spec.seconds) continue;
      bool drumsPlay = spec.drums && !(t >= spec.breakdownFrom && t < spec.breakdownTo);
      if (drumsPlay) {
        mix.drum(t, hit.drum, hit.velocity);
        track.hits.push_back(t);
      }
      if (spec.tonal && hit.drum == Drum::Kick && !inBreakdown)
        mix.tone(t, 60.0 / spec.bpm * 0.4, noteHz(root - 12), 0.35f * hit.velocity, 0.004, 0.05, 3);
    }
  }

  std::sort(track.hits.begin(), track.hits.end());
  std::vector<double> merged;
  for (double t : track.hits)
    if (merged.empty() || t - merged.back() > 0.03) merged.push_back(t);
  track.hits = merged;

  std::vector<float>& x = mix.out;
  if (spec.noiseSnrDb > 0) {
    double signal = 0;
    for (float v : x) signal += double(v) * v;
    signal /= double(x.size());
    double noiseRms = std::sqrt(signal / std::pow(10.0, spec.noiseSnrDb / 10)) * std::sqrt(3.0);
    for (float& v : x) v += float(noiseRms * mix.noise());
  }
  float peak = 1e-9f;
  for (float v : x) peak = std::max(peak, std::abs(v));
  float scale = float(std::pow(10.0, spec.peakDbfs / 20) / peak);
  for (float& v : x) v *= scale;
  if (spec.silenceTo > spec.silenceFrom && spec.silenceFrom >= 0) {
    // A hard stop (10 ms fade) and a hard restart: the demo's silent passage.
    auto sampleAt = [&](double t) { return std::min(x.size(), size_t(std::max(0.0, t) * spec.sampleRate)); };
    size_t begin = sampleAt(spec.silenceFrom), end = sampleAt(spec.silenceTo), fade = sampleAt(0.01);
    for (size_t i = begin; i < end; ++i)
      x[i] *= i - begin < fade ? float(1.0 - double(i - begin) / fade) : 0.0f;
    auto outside = [&](double t) { return t < spec.silenceFrom || t >= spec.silenceTo; };
    std::erase_if(track.beats, [&](double t) { return !outside(t); });
    std::erase_if(track.hits, [&](double t) { return !outside(t); });
  }
  track.samples = std::move(x);
  return track;
}

TrackSpec demoTrack() {
  TrackSpec spec;
  spec.name = "afterimage_demo";
  spec.pattern = "house";
  spec.bpm = 124;
  spec.seconds = 16;
  spec.breakdownFrom = 6.0;
  spec.breakdownTo = 8.0;
  spec.silenceFrom = 11.0;
  spec.silenceTo = 13.0;
  spec.peakDbfs = -6;
  return spec;
}

}  // namespace afterimage::audio
