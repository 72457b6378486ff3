#include "audio/music_synth.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>
#include <tuple>

namespace afterimage::audio {
namespace {

constexpr double kPi = 3.14159265358979323846;

enum class Drum { Kick, Snare, ClosedHat, OpenHat, Rim, SubKick, Clap, Crash };

bool isKick(Drum d) { return d == Drum::Kick || d == Drum::SubKick; }
bool isSnare(Drum d) { return d == Drum::Snare || d == Drum::Clap || d == Drum::Rim; }
bool isHat(Drum d) { return d == Drum::ClosedHat || d == Drum::OpenHat; }

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
  } else if (name == "sixeight") {
    // 6/8 counted as people tap it: two beats (dotted quarters) a bar, each
    // of three eighths; kick on the first, snare on the second.
    p.beatsPerBar = 2;
    add(0, Drum::Kick, 1.0f), add(1, Drum::Snare, 0.8f), add(1 + 2.0 / 3, Drum::Kick, 0.5f);
    for (int b = 0; b < 2; ++b)
      for (int e = 0; e < 3; ++e) add(b + e / 3.0, Drum::ClosedHat, e == 0 ? 0.4f : 0.3f);
  } else if (name == "funk") {
    add(0, Drum::Kick, 1.0f), add(0.75, Drum::Kick, 0.6f), add(2.5, Drum::Kick, 0.8f), add(3.25, Drum::Kick, 0.5f);
    add(1, Drum::Snare, 0.9f), add(3, Drum::Snare, 0.9f), add(1.75, Drum::Snare, 0.2f), add(2.25, Drum::Snare, 0.2f);
    for (int s = 0; s < 16; ++s) add(s * 0.25, Drum::ClosedHat, s % 2 ? 0.18f : 0.35f);
  } else if (name == "dembow") {
    for (int b = 0; b < 4; ++b) add(b, Drum::Kick, 1.0f);
    for (int half = 0; half < 2; ++half) add(half * 2 + 0.75, Drum::Rim, 0.8f), add(half * 2 + 1.5, Drum::Rim, 0.8f);
    eighthHats(p, 0.25f);
  } else if (name == "offbeat") {
    add(0, Drum::Kick, 1.0f), add(2, Drum::Kick, 0.9f);
    for (int b = 0; b < 4; ++b) add(b + 0.5, Drum::OpenHat, 0.9f);
    add(1.5, Drum::Rim, 0.9f), add(3.5, Drum::Rim, 0.9f), add(2.75, Drum::Rim, 0.5f);
  } else if (name == "masked") {
    for (int b = 0; b < 4; ++b) add(b, Drum::SubKick, 1.0f);
    add(0, Drum::Crash, 1.0f), add(2, Drum::Crash, 1.0f);
    add(1, Drum::Clap, 1.0f), add(3, Drum::Clap, 1.0f);
    add(1.5, Drum::Crash, 0.8f), add(3.5, Drum::Crash, 0.8f);
  } else {
    throw std::runtime_error("unknown pattern " + name);
  }
  return p;
}

}  // namespace

bool isPatternName(const std::string& name) {
  try {
    patternNamed(name);
    return true;
  } catch (const std::runtime_error&) {
    return false;
  }
}

namespace {

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
      case Drum::SubKick: return subKick(t, v);
      case Drum::Clap: return clap(t, v);
      case Drum::Crash: return crash(t, v);
    }
  }

  // Noise from t0 to t1 growing louder and brighter, band-passed between a
  // quarter of its cut-off and its cut-off, which rises from 1 to 12 kHz: a
  // build-up's riser (a sweep, with nothing in the kick's band).
  void riser(double t0, double t1, float v) {
    size_t start = size_t(t0 * rate_), len = size_t((t1 - t0) * rate_);
    double low = 0, lower = 0;
    for (size_t i = 0; i < len && start + i < out.size(); ++i) {
      double f = double(i) / double(len);
      double cutoff = 1000 * std::pow(12.0, f), n = noise();
      low += (1 - std::exp(-2 * kPi * cutoff / rate_)) * (n - low);
      lower += (1 - std::exp(-2 * kPi * cutoff / 4 / rate_)) * (n - lower);
      out[start + i] += float(v * f * f * (low - lower));
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
  // A sine gliding down from baseHz + glideHz to baseHz (time constant
  // glideTau) and decaying with decayTau, after a linear attack.
  void sweptSine(double t, float v, double seconds, double baseHz, double glideHz, double glideTau, double decayTau,
                 double attackSeconds) {
    size_t start = size_t(t * rate_), len = size_t(seconds * rate_);
    double phase = 0;
    for (size_t i = 0; i < len && start + i < out.size(); ++i) {
      double s = double(i) / rate_;
      phase += 2 * kPi * (baseHz + glideHz * std::exp(-s / glideTau)) / rate_;
      double attack = attackSeconds > 0 ? std::min(1.0, s / attackSeconds) : 1.0;
      out[start + i] += float(v * 0.9 * attack * std::exp(-s / decayTau) * std::sin(phase));
    }
  }
  void kick(double t, float v) { sweptSine(t, v, 0.35, 48, 110, 0.035, 0.18, 0); }
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

  // An 808-style kick: a 50 Hz sine, no click, nothing above ~150 Hz.
  void subKick(double t, float v) { sweptSine(t, v, 0.4, 50, 30, 0.02, 0.2, 0.003); }
  // Three quick noise bursts then a tail, band-limited around 1-2 kHz.
  void clap(double t, float v) {
    size_t start = size_t(t * rate_), len = size_t(0.2 * rate_);
    double low = 0, lower = 0;
    for (size_t i = 0; i < len && start + i < out.size(); ++i) {
      double s = double(i) / rate_;
      double n = noise();
      low += 0.35 * (n - low), lower += 0.03 * (n - lower);  // band: ~2.6 kHz low-pass minus ~200 Hz
      double burst = s < 0.03 ? std::exp(-std::fmod(s, 0.01) / 0.002) : std::exp(-(s - 0.03) / 0.05);
      out[start + i] += float(v * 0.9 * burst * (low - lower));
    }
  }
  // White noise over the whole spectrum, loud and long: a broadband hit
  // that covers everything else at its attack.
  void crash(double t, float v) {
    size_t start = size_t(t * rate_), len = size_t(0.6 * rate_);
    for (size_t i = 0; i < len && start + i < out.size(); ++i) {
      double s = double(i) / rate_;
      out[start + i] += float(v * 0.6 * std::exp(-s / 0.15) * noise());
    }
  }

  int rate_;
  std::mt19937 rng_;
};

double noteHz(int midi) { return 440.0 * std::pow(2.0, (midi - 69) / 12.0); }

// What plays in a bar: everything, or what its section lets play.
struct Parts {
  bool kick = true, snare = true, hats = true, bass = true, chords = true;
  bool roll = false, riser = false;  // a build-up's
  float gain = 1;
};

Parts partsOf(SectionKind kind) {
  Parts p;
  switch (kind) {
    case SectionKind::Intro:
    case SectionKind::Outro: p.snare = p.bass = false, p.gain = 0.6f; break;
    case SectionKind::Buildup: p.kick = p.bass = p.snare = false, p.roll = p.riser = true, p.gain = 0.8f; break;
    case SectionKind::Drop: break;
    case SectionKind::Breakdown: p.kick = p.snare = p.hats = p.bass = false, p.gain = 0.6f; break;
  }
  return p;
}

void mergeWithin30ms(std::vector<double>& times) {
  std::sort(times.begin(), times.end());
  std::vector<double> merged;
  for (double t : times)
    if (merged.empty() || t - merged.back() > 0.03) merged.push_back(t);
  times = std::move(merged);
}

}  // namespace

LabelledTrack synthesize(const TrackSpec& given) {
  TrackSpec spec = given;
  Pattern pattern = patternNamed(spec.pattern);
  if (spec.swing >= 0) pattern.swing = spec.swing;
  // The section of each bar; its first bar's index.
  std::vector<size_t> sectionOfBar, sectionFirstBar;
  for (size_t i = 0; i < spec.arrangement.size(); ++i) {
    sectionFirstBar.push_back(sectionOfBar.size());
    for (int b = 0; b < spec.arrangement[i].bars; ++b) sectionOfBar.push_back(i);
  }
  if (!spec.arrangement.empty()) {
    spec.seconds = double(sectionOfBar.size() * size_t(pattern.beatsPerBar)) * 60.0 / spec.bpm;
    spec.endBpm = 0, spec.breakdownFrom = spec.breakdownTo = -1;
  }
  LabelledTrack track;
  track.name = spec.name;
  track.sampleRate = spec.sampleRate;
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
    if (grid[k] < spec.seconds)
      track.beats.push_back(grid[k]), track.beatPlaces.push_back(int(k % size_t(pattern.beatsPerBar)) + 1);
  size_t bars = beatCount / pattern.beatsPerBar + 1;

  // Chord progression i - VI - III - VII in A minor, one chord a bar; the
  // bass plays the root on the beats of the pattern's kick.
  const int roots[4] = {45, 41, 48, 43};
  const int thirds[4] = {3, 4, 4, 4};
  for (size_t bar = 0; bar < bars; ++bar) {
    double barBeat = double(bar * pattern.beatsPerBar);
    double start = timeAt(barBeat);
    if (start >= spec.seconds) break;
    Parts parts;
    if (bar < sectionOfBar.size()) {
      size_t section = sectionOfBar[bar];
      parts = partsOf(spec.arrangement[section].kind);
      if (sectionFirstBar[section] == bar) track.sections.push_back({start, spec.arrangement[section].kind});
    }
    bool inBreakdown = start >= spec.breakdownFrom && start < spec.breakdownTo;
    int root = roots[bar % 4];
    if (spec.tonal && parts.chords) {
      double barLength = timeAt(barBeat + pattern.beatsPerBar) - start;
      for (int interval : {12, 12 + thirds[bar % 4], 19})
        mix.tone(start, barLength * 0.95, noteHz(root + interval), 0.07f * parts.gain, 0.12, 0.3, 4);
    }
    for (const Hit& hit : pattern.hits) {
      double t = timeAt(barBeat + swung(hit.beat));
      if (t >= spec.seconds) continue;
      bool drumsPlay = spec.drums && !(t >= spec.breakdownFrom && t < spec.breakdownTo);
      bool partPlays = isKick(hit.drum) ? parts.kick : isSnare(hit.drum) ? parts.snare : isHat(hit.drum) ? parts.hats : parts.snare;
      if (drumsPlay && partPlays) {
        mix.drum(t, hit.drum, hit.velocity * parts.gain);
        track.hits.push_back(t);
        if (isKick(hit.drum)) track.kicks.push_back(t);
        if (isSnare(hit.drum)) track.snares.push_back(t);
        if (isHat(hit.drum)) track.hats.push_back(t);
      }
      if (spec.tonal && parts.bass && isKick(hit.drum) && !inBreakdown)
        mix.tone(t, 60.0 / spec.bpm * 0.4, noteHz(root - 12), 0.35f * hit.velocity, 0.004, 0.05, 3);
    }
    if (bar < sectionOfBar.size() && (parts.roll || parts.riser)) {
      // The build-up's snare roll: quarters, eighths from half-way, sixteenths
      // in its last quarter, louder and louder; the riser over the whole bar.
      size_t section = sectionOfBar[bar], first = sectionFirstBar[section];
      double length = spec.arrangement[section].bars, into = double(bar - first);
      if (parts.riser) {
        double sectionStart = timeAt(double(first * pattern.beatsPerBar));
        double sectionEnd = timeAt(double((first + size_t(length)) * pattern.beatsPerBar));
        if (into == 0) mix.riser(sectionStart, std::min(sectionEnd, spec.seconds), 0.35f);
      }
      if (parts.roll && spec.drums) {
        int perBeat = into < 0.5 * length ? 1 : into < 0.75 * length ? 2 : 4;
        for (int k = 0; k < pattern.beatsPerBar * perBeat; ++k) {
          double beat = barBeat + double(k) / perBeat, t = timeAt(beat);
          if (t >= spec.seconds) continue;
          float velocity = float(0.35 + 0.65 * (into + double(k) / (pattern.beatsPerBar * perBeat)) / length);
          mix.drum(t, Drum::Snare, velocity);
          track.hits.push_back(t), track.snares.push_back(t);
        }
      }
    }
  }

  for (auto* times : {&track.hits, &track.kicks, &track.snares, &track.hats}) mergeWithin30ms(*times);

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
    std::vector<double> beats;
    std::vector<int> places;
    for (size_t i = 0; i < track.beats.size(); ++i)
      if (outside(track.beats[i])) beats.push_back(track.beats[i]), places.push_back(track.beatPlaces[i]);
    track.beats = std::move(beats), track.beatPlaces = std::move(places);
    for (auto* times : {&track.hits, &track.kicks, &track.snares, &track.hats})
      std::erase_if(*times, [&](double t) { return !outside(t); });
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
