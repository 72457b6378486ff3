#include "audio/bar_tracker.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace afterimage::audio {
namespace {

constexpr double kChromaCompression = 1000;  // log(1 + c x) of amplitudes at the running level
constexpr double kMaxZ = 3;
// Two of the slowest beats the clock follows (55 BPM: 1.1 s), the quarter
// beat it may give a beat late, the drums looked for before a beat, room.
constexpr double kLookBackSeconds = 4.0;

// The power of two nearest `seconds` (in log terms), and at least a frame.
int windowSamples(double seconds, int sampleRate, int frameSamples) {
  int window = 1 << int(std::lround(std::log2(std::max(1.0, seconds * sampleRate))));
  while (window < frameSamples) window *= 2;
  return window;
}

// Samples a chroma frame advances; throws std::invalid_argument on sizes
// that make none (before the spectrum is built with them).
int frameSamples(int sampleRate, int hopSize, const BarTracker::Options& options) {
  if (sampleRate <= 0 || hopSize <= 0 || options.hopsPerFrame < 1 || hopSize > (1 << 20) / options.hopsPerFrame)
    throw std::invalid_argument("bar tracker: sample rate " + std::to_string(sampleRate) + ", hop " +
                                std::to_string(hopSize) + " x " + std::to_string(options.hopsPerFrame) +
                                ": each must be positive");
  return hopSize * options.hopsPerFrame;
}

// The pitch class (0 = A) of bins whose centre lies in [lowHz, highHz), -1 elsewhere.
std::vector<int> pitchClasses(int bins, double binHz, double lowHz, double highHz) {
  std::vector<int> classes(size_t(bins), -1);
  for (int k = 1; k < bins; ++k) {
    double hz = k * binHz;
    if (hz < lowHz || hz >= highHz) continue;
    long semitones = std::lround(12.0 * std::log2(hz / 440.0));
    classes[size_t(k)] = int(((semitones % 12) + 12) % 12);
  }
  return classes;
}

double cosineDistance(const std::array<float, 12>& a, const std::array<float, 12>& b) {
  double dot = 0, aa = 0, bb = 0;
  for (size_t i = 0; i < 12; ++i) dot += double(a[i]) * b[i], aa += double(a[i]) * a[i], bb += double(b[i]) * b[i];
  return aa > 0 && bb > 0 ? 1.0 - dot / std::sqrt(aa * bb) : 0.0;
}

}  // namespace

double BarTracker::RunningZ::push(double x, double rate) {
  // Clipped: one odd beat (the spread of the first few is tiny) must not
  // outweigh dozens.
  double z = count >= 2 && variance > 0 ? std::clamp((x - mean) / std::sqrt(variance), -kMaxZ, kMaxZ) : 0.0;
  // Plain mean and variance until 1 / rate values, then exponential.
  double r = std::max(rate, 1.0 / double(++count));
  double d = x - mean;
  mean += r * d;
  variance = (1 - r) * (variance + r * d * d);
  return z;
}

BarTracker::BarTracker(int sampleRate, int hopSize, Options options)
    : options_(options),
      spectrum_(windowSamples(options.windowSeconds, sampleRate, frameSamples(sampleRate, hopSize, options)),
                frameSamples(sampleRate, hopSize, options)),
      sampleRate_(sampleRate),
      hopSize_(hopSize) {
  if (!(options_.memoryBeats > 0) || !(options_.normalizeBeats >= 1) || !(options_.meterSwitch >= 1) ||
      options_.meterAfterBeats < 0 || !(options_.downbeatSwitch >= 0))
    throw std::invalid_argument("bar tracker: memoryBeats must be > 0, normalizeBeats >= 1, meterSwitch >= 1, "
                                "meterAfterBeats >= 0 and downbeatSwitch >= 0");
  pending_.resize(size_t(hopSize * options_.hopsPerFrame));
  const int window = spectrum_.window(), bins = window / 2 + 1;
  binPitchClass_ = pitchClasses(bins, double(sampleRate) / window, 100, 2000);
  binBassClass_ = pitchClasses(bins, double(sampleRate) / window, 40, 200);
  // Frames and drum hops as far back as a count looks: to the start of the
  // beat before last, at the slowest beat the clock follows.
  const double frameSeconds = double(hopSize) * options_.hopsPerFrame / sampleRate;
  frames_.resize(size_t(std::ceil(kLookBackSeconds / frameSeconds)) + 1);
  drums_.resize(size_t(std::ceil(kLookBackSeconds * sampleRate / hopSize)) + 1);
}

void BarTracker::push(const float* hop, double time, double gain, float kick, float snare) {
  drums_[drumCount_++ % drums_.size()] = {time, kick, snare};
  std::copy(hop, hop + hopSize_, pending_.begin() + long(pendingHops_ * hopSize_));
  if (++pendingHops_ < options_.hopsPerFrame) return;
  pendingHops_ = 0;
  addFrame(spectrum_.process(pending_.data()), time, gain);
}

void BarTracker::addFrame(const float* magnitude, double time, double gain) {
  const int window = spectrum_.window();
  // Hann window, one-sided: magnitude -> the amplitude of a sinusoid.
  const double scale = gain * std::sqrt(16.0 / (3.0 * double(window) * window)) * kChromaCompression;
  Frame& frame = frames_[frameCount_++ % frames_.size()];
  frame.time = time - 0.5 * window / sampleRate_;
  frame.chroma.fill(0), frame.bass.fill(0);
  for (size_t k = 0; k < binPitchClass_.size(); ++k) {
    if (binPitchClass_[k] < 0 && binBassClass_[k] < 0) continue;
    float level = std::log1p(float(magnitude[k] * scale));
    if (binPitchClass_[k] >= 0) frame.chroma[size_t(binPitchClass_[k])] += level;
    if (binBassClass_[k] >= 0) frame.bass[size_t(binBassClass_[k])] += level;
  }
}

int BarTracker::beat(double time, double period) {
  // Beats the clock did not give (it lost the music and found it again)
  // still advance the count, so the bar keeps its place across the gap.
  long long steps = 1;
  if (beatCount_ > 0 && period > 0) steps = std::max(1LL, std::llround((time - lastBeat_) / period));
  // The beat before last is counted now: the frames of its end (a frame is
  // placed at its window's middle, half a window and up to a frame after
  // the hop that makes it) are all in by the next beat.
  if (uncounted_.index >= 0) countBeat(uncounted_);
  if (beatCount_ > 0) uncounted_ = {lastBeat_, period > 0 ? std::min(time, lastBeat_ + period) : time, beatCount_ - 1};
  lastBeat_ = time;
  const long long index = beatCount_ + steps - 1;
  beatCount_ = index + 1;
  const long long downbeat = downbeatPosition(meter_);
  return int(((index - downbeat) % meter_ + meter_) % meter_);
}

void BarTracker::countBeat(const Span& beat) {
  const double start = beat.start, end = beat.end;
  std::array<float, 12> chroma{}, bass{};
  int frames = 0;
  for (size_t n = std::min(frameCount_, frames_.size()), i = 0; i < n; ++i) {
    const Frame& f = frames_[(frameCount_ - 1 - i) % frames_.size()];
    if (f.time < start) break;
    if (f.time >= end) continue;
    for (size_t c = 0; c < 12; ++c) chroma[c] += f.chroma[c], bass[c] += f.bass[c];
    ++frames;
  }
  float kick = 0, snare = 0;
  for (size_t n = std::min(drumCount_, drums_.size()), i = 0; i < n; ++i) {
    const DrumHop& d = drums_[(drumCount_ - 1 - i) % drums_.size()];
    if (d.time < start - options_.drumsBefore) break;
    if (d.time >= start + options_.drumsAfter) continue;
    kick = std::max(kick, d.kick), snare = std::max(snare, d.snare);
  }
  // Cosine distances do not change with the number of frames summed.
  double harmonyChange = havePrevious_ && frames > 0 ? cosineDistance(chroma, previousChroma_) : 0.0;
  double bassChange = havePrevious_ && frames > 0 ? cosineDistance(bass, previousBass_) : 0.0;
  if (frames > 0) {
    previousChroma_ = chroma;
    previousBass_ = bass;
    havePrevious_ = true;
  }

  // A burst of non-finite samples (a driver glitch) counts as no evidence
  // rather than poisoning the running statistics for the rest of the show.
  auto finiteOr0 = [](double x) { return std::isfinite(x) ? x : 0.0; };
  const double rate = 1.0 / options_.normalizeBeats;
  const double harmony = harmony_.push(finiteOr0(harmonyChange), rate);
  double evidence = harmony + bassChange_.push(finiteOr0(bassChange), rate) +
                    drumAccent_.push(finiteOr0(double(kick) - double(snare)), rate);
  const long long index = beat.index;
  const double decay = std::exp(-1.0 / options_.memoryBeats);
  for (int m = 0; m < 2; ++m) {
    const int meter = 3 + m;
    for (int p = 0; p < meter; ++p) evidence_[size_t(m)][size_t(p)] *= decay, weight_[size_t(m)][size_t(p)] *= decay;
    evidence_[size_t(m)][size_t(index % meter)] += evidence;
    weight_[size_t(m)][size_t(index % meter)] += 1;
  }
  for (double& h : harmonyOfFour_) h *= decay;
  harmonyOfFour_[size_t(index % 4)] += harmony;
  // The downbeat moves only to a position clearly ahead: a show's
  // bar-locked effects stutter on every move.
  for (int meter : {3, 4}) {
    int& current = downbeat_[size_t(meter - 3)];
    int best = bestPosition(meter);
    if (meanEvidence(meter, best) > meanEvidence(meter, current) + options_.downbeatSwitch) current = best;
  }
  if (index + 1 < options_.meterAfterBeats) return;
  const double three = contrast(3), four = contrast(4);
  bool threeBeats = meter_ == 3;
  if (!threeBeats && three > options_.meterSwitch * four) threeBeats = true;
  else if (threeBeats && four > options_.meterSwitch * three) threeBeats = false;
  if (threeBeats) {
    meter_ = 3;
    return;
  }
  // Where the beat is in three, a bar of four whose chords change on the
  // third beat as well (there they stand out over the beats between as
  // much as on the first over the third) is two bars of two: 6/8 as people
  // tap it; in 12/8 the chords hold for four beats. Harmony alone decides:
  // the kick falls on the third beat in both, and a bass note after a rest
  // reads as a change. (The first: whichever of the downbeat and the beat
  // two after it has the more chord change.)
  const int d = downbeat_[1];
  auto harmonyAt = [&](int position) {
    return harmonyOfFour_[size_t(position % 4)] / std::max(weight_[1][size_t(position % 4)], 1e-9);
  };
  const double strong = std::max(harmonyAt(d), harmonyAt(d + 2)), third = std::min(harmonyAt(d), harmonyAt(d + 2));
  const double between = 0.5 * (harmonyAt(d + 1) + harmonyAt(d + 3));
  const double ratio = meter_ == 2 ? options_.twoBeatsLeave : options_.twoBeatsEnter;
  meter_ = triple_ && third - between > ratio * (strong - third) ? 2 : 4;
}

// How far the strongest position's mean evidence stands above the mean of all positions.
double BarTracker::contrast(int meter) const {
  const auto& evidence = evidence_[size_t(meter - 3)];
  const auto& weight = weight_[size_t(meter - 3)];
  double best = -1e300, sum = 0;
  for (int p = 0; p < meter; ++p) {
    double mean = evidence[size_t(p)] / std::max(weight[size_t(p)], 1e-9);
    best = std::max(best, mean), sum += mean;
  }
  return best - sum / meter;
}

// The position with the most evidence per beat counted (not the most in
// all: the position counted last has decayed least, and two positions
// alike, a bar's two kick beats, would take turns).
int BarTracker::bestPosition(int meter) const {
  const auto& evidence = evidence_[size_t(meter - 3)];
  const auto& weight = weight_[size_t(meter - 3)];
  int best = 0;
  for (int p = 1; p < meter; ++p)
    if (evidence[size_t(p)] / std::max(weight[size_t(p)], 1e-9) >
        evidence[size_t(best)] / std::max(weight[size_t(best)], 1e-9))
      best = p;
  return best;
}

double BarTracker::meanEvidence(int meter, int position) const {
  return evidence_[size_t(meter - 3)][size_t(position)] / std::max(weight_[size_t(meter - 3)][size_t(position)], 1e-9);
}

int BarTracker::downbeatPosition(int meter) const {
  return meter == 2 ? downbeat_[1] % 2 : downbeat_[size_t(meter - 3)];
}

}  // namespace afterimage::audio
