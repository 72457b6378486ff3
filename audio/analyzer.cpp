#include "audio/analyzer.h"

#include <aubio/aubio.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace afterimage::audio {

struct Analyzer::Aubio {
  aubio_pvoc_t* pvoc = nullptr;
  aubio_filterbank_t* mel = nullptr;
  aubio_onset_t* onset = nullptr;
  fvec_t* input = nullptr;
  cvec_t* spectrum = nullptr;
  fvec_t* melOut = nullptr;
  fvec_t* onsetOut = nullptr;
  ~Aubio() {
    if (pvoc) del_aubio_pvoc(pvoc);
    if (mel) del_aubio_filterbank(mel);
    if (onset) del_aubio_onset(onset);
    if (input) del_fvec(input);
    if (spectrum) del_cvec(spectrum);
    if (melOut) del_fvec(melOut);
    if (onsetOut) del_fvec(onsetOut);
  }
};

namespace {

AnalyzerOptions withHop(AnalyzerOptions o) {
  // Checked here, before any member sized from the rate is built.
  if (o.sampleRate < 4000 || o.sampleRate > 768000)
    throw std::invalid_argument("a sample rate of " + std::to_string(o.sampleRate) +
                                " Hz is not supported (4 kHz to 768 kHz)");
  if (o.hopSize == 0) {
    o.hopSize = int(std::lround(o.sampleRate * 256.0 / 44100.0));
    // Above ~96 kHz the rate-scaled hop outgrows the default window: widen
    // the window (a power of two, at least two hops) rather than refuse the
    // file. 44.1 and 48 kHz keep the window they were tuned with.
    while (o.windowSize > 0 && o.windowSize < 2 * o.hopSize) o.windowSize *= 2;
  }
  return o;
}

TempoEstimator::Options tempoOptions(AnalyzerOptions o) {
  o = withHop(o);
  TempoEstimator::Options t = o.tempo;
  t.frameRate = double(o.sampleRate) / o.hopSize;
  return t;
}

// The beat flux's window in samples: about beatWindowSeconds (a power of
// two, at least two hops) at any rate; 0 s: the analysis window.
int beatWindowOf(const AnalyzerOptions& o) {
  if (o.beatWindowSeconds <= 0) return o.windowSize;
  int window = 1 << int(std::lround(std::log2(std::max(1.0, o.beatWindowSeconds * o.sampleRate))));
  return std::max(window, 2 * o.hopSize);
}

BeatStateTracker::Options stateOptions(AnalyzerOptions o) {
  o = withHop(o);
  BeatStateTracker::Options t = o.states;
  t.frameRate = double(o.sampleRate) / o.hopSize;
  t.onsetDelay = 0.25 * beatWindowOf(o) / o.sampleRate + o.beatAttackLag;
  return t;
}

// A-weighting as a power gain at f Hz (IEC 61672).
double aWeightPower(double f) {
  double f2 = f * f;
  double ra = (12194.0 * 12194.0 * f2 * f2) /
              ((f2 + 20.6 * 20.6) * std::sqrt((f2 + 107.7 * 107.7) * (f2 + 737.9 * 737.9)) * (f2 + 12194.0 * 12194.0));
  return ra * ra * std::pow(10.0, 0.2);
}

// Low (< 250 Hz: kick, bass), mid (snare body, chords), high (hats, snare
// noise): tuned on the labelled set; the hats alone must not set the beat.
constexpr double kFluxGroupWeights[3] = {0.3, 0.5, 0.2};

constexpr float kOnsetCompression = 100;

double toDb(double power) { return power > 1e-12 ? 10 * std::log10(power) : -120; }

}  // namespace

Analyzer::Analyzer(AnalyzerOptions options)
    : options_(withHop(options)), aubio_(std::make_unique<Aubio>()), gain_(options.gain), onsetGain_(AutoGain::Options{3.0, 30.0, options.gain.gateDbfs, 3.0}), tempo_(tempoOptions(options)), states_(stateOptions(options)),
      clock_(options.clock), onsets_(OnsetPicker::Options{options.onsetThreshold, options.onsetMinInterval, 1e-3f, float(options.onsetRelativeFloor)}) {
  if (options_.melBands < 1 || options_.melBands > kMaxMelBands)
    throw std::invalid_argument("melBands must be 1.." + std::to_string(kMaxMelBands) + ", found " +
                                std::to_string(options_.melBands));
  if (options_.beatTracker != "states" && options_.beatTracker != "autocorrelation")
    throw std::invalid_argument("beat tracker '" + options_.beatTracker + "' is not one of: states, autocorrelation");
  useStates_ = options_.beatTracker == "states";
  if (options_.hopSize <= 0 || options_.windowSize < options_.hopSize)
    throw std::invalid_argument("hopSize must be positive and at most windowSize");
  uint_t window = uint_t(options_.windowSize), hop = uint_t(options_.hopSize), rate = uint_t(options_.sampleRate);
  aubio_->pvoc = new_aubio_pvoc(window, hop);
  aubio_->mel = new_aubio_filterbank(uint_t(options_.melBands), window);
  if (options_.onsetMethod != "logflux")
    aubio_->onset = new_aubio_onset(options_.onsetMethod.c_str(), window, hop, rate);
  if (!aubio_->pvoc || !aubio_->mel || (options_.onsetMethod != "logflux" && !aubio_->onset))
    throw std::invalid_argument("aubio rejected the analysis settings (onset method '" + options_.onsetMethod + "')");
  aubio_filterbank_set_mel_coeffs(aubio_->mel, smpl_t(rate), 30, smpl_t(std::min(16000.0, rate / 2.0)));
  if (aubio_->onset) {
    aubio_onset_set_threshold(aubio_->onset, smpl_t(options_.onsetThreshold));
    aubio_onset_set_minioi_s(aubio_->onset, smpl_t(options_.onsetMinInterval));
  }
  aubio_->input = new_fvec(hop);
  aubio_->spectrum = new_cvec(window);
  aubio_->melOut = new_fvec(uint_t(options_.melBands));
  aubio_->onsetOut = new_fvec(1);

  size_t bins = size_t(window / 2 + 1);
  binHz_.resize(bins), binWeightA_.resize(bins);
  for (size_t k = 0; k < bins; ++k) {
    binHz_[k] = float(double(k) * rate / window);
    binWeightA_[k] = float(aWeightPower(std::max(1.0, double(binHz_[k]))));
  }
  previousLogMagnitude_.assign(bins, 0.0f);
  previousCompressed_.assign(bins, 0.0f);
  magnitudeScale_ = float(std::sqrt(16.0 / (3.0 * double(window) * window)));
  drums_.emplace(binHz_, magnitudeScale_, hopSeconds());
  bars_.emplace(options_.sampleRate, options_.hopSize);
  // Its onsets lag the beat times (attacks) as the tracker's flux does.
  subdivision_.emplace(hopSeconds(), useStates_ ? stateOptions(options_).onsetDelay : tempoOptions(options_).onsetDelay);
  if (useStates_) {
    // The beat flux sees the same time and frequency resolution at every
    // rate: before, it shared the analysis window (1024 samples: 46 ms at
    // 22.05 kHz, 23 ms at 44.1 kHz, 21 ms at 48 kHz), so the same music was
    // tracked differently at each rate and worst at a show's rates.
    const int beatWindow = beatWindowOf(options_);
    std::vector<float> beatBinHz = binHz_;
    beatMagnitudeScale_ = magnitudeScale_;
    if (beatWindow != int(window)) {
      beatSpectrum_.emplace(beatWindow, int(hop));
      beatBinHz.resize(size_t(beatWindow / 2 + 1));
      for (size_t k = 0; k < beatBinHz.size(); ++k) beatBinHz[k] = float(double(k) * rate / beatWindow);
      beatMagnitudeScale_ = float(std::sqrt(16.0 / (3.0 * double(beatWindow) * beatWindow)));
    }
    beatFlux_.emplace(beatBinHz, options_.beatFlux);
  }
  snapshot_.melCount = options_.melBands;
}

Analyzer::~Analyzer() = default;

const FeatureSnapshot& Analyzer::process(const float* hop) {
  samples_ += uint64_t(options_.hopSize);
  snapshot_.hop++;
  snapshot_.time = double(samples_) / options_.sampleRate;
  spectralFeatures(hop);
  beatFeatures();
  sections_.process(snapshot_);
  return snapshot_;
}

void Analyzer::spectralFeatures(const float* hop) {
  const size_t n = size_t(options_.hopSize);
  const double dt = hopSeconds();
  double meanSquare = 0;
  for (size_t i = 0; i < n; ++i) {
    aubio_->input->data[i] = hop[i];
    meanSquare += double(hop[i]) * hop[i];
  }
  meanSquare /= double(n);
  double gain = gain_.process(meanSquare, dt);
  double onsetGain = onsetGain_.process(meanSquare, dt);
  snapshot_.rms = float(std::sqrt(meanSquare));
  snapshot_.rmsDbfs = float(toDb(meanSquare));
  snapshot_.loudness = float(snapshot_.rms * gain);
  snapshot_.gainDb = float(gain > 0 ? 20 * std::log10(gain) : 0);

  aubio_pvoc_do(aubio_->pvoc, aubio_->input, aubio_->spectrum);
  const smpl_t* magnitude = aubio_->spectrum->norm;
  const size_t bins = binHz_.size();
  const double window = options_.windowSize;
  const double powerScale = 16.0 / (3.0 * window * window);  // Hann window, one-sided: sum -> mean square
  double bandPower[BandCount] = {0, 0, 0, 0};
  double weighted = 0, centroidNum = 0, centroidDen = 0;
  for (size_t k = 1; k < bins; ++k) {
    double p = double(magnitude[k]) * magnitude[k] * powerScale;
    double f = binHz_[k];
    int band = f < 60 ? Sub : f < 250 ? Low : f < 2000 ? Mid : High;
    bandPower[band] += p;
    weighted += p * binWeightA_[k];
    centroidNum += f * magnitude[k];
    centroidDen += magnitude[k];
  }
  for (int b = 0; b < BandCount; ++b) snapshot_.bands[size_t(b)] = float(std::sqrt(bandPower[b]) * gain);
  snapshot_.perceptualDb = float(toDb(weighted));
  snapshot_.centroidHz = centroidDen > 1e-9 ? float(centroidNum / centroidDen) : 0.0f;

  aubio_filterbank_do(aubio_->mel, aubio_->spectrum, aubio_->melOut);
  for (int b = 0; b < options_.melBands; ++b) snapshot_.mel[size_t(b)] = float(aubio_->melOut->data[b] * gain);

  // Onset strength: rectified flux of the log magnitudes, averaged within
  // three frequency groups that then weigh equally-ish, so that the kick
  // (a few low bins) counts as much as the hats (hundreds of high bins).
  // Its gain follows the level over half a minute, so that a breakdown is
  // seen as quieter and weaker, not normalised back up.
  double groupFlux[3] = {0, 0, 0}, onsetFlux = 0;
  int groupBins[3] = {0, 0, 0};
  for (size_t k = 1; k < bins; ++k) {
    float logMagnitude = std::log1p(float(magnitude[k] * onsetGain * magnitudeScale_));
    float rise = std::max(0.0f, logMagnitude - previousLogMagnitude_[k]);
    previousLogMagnitude_[k] = logMagnitude;
    int group = binHz_[k] < 250 ? 0 : binHz_[k] < 2000 ? 1 : 2;
    groupFlux[group] += rise, groupBins[group]++;
    // Onsets: strongly compressed, all bins alike, so quiet hats count.
    float compressed = std::log1p(float(magnitude[k] * gain * magnitudeScale_) * kOnsetCompression);
    onsetFlux += std::max(0.0f, compressed - previousCompressed_[k]);
    previousCompressed_[k] = compressed;
  }
  double flux = 0;
  for (int g = 0; g < 3; ++g) flux += kFluxGroupWeights[g] * groupFlux[g] / std::max(1, groupBins[g]);
  snapshot_.flux = float(flux);
  if (beatFlux_) {
    const float* beatMagnitude = beatSpectrum_ ? beatSpectrum_->process(hop) : magnitude;
    beatFluxValue_ = beatFlux_->process(beatMagnitude, onsetGain * beatMagnitudeScale_);
  }

  drums_->process(magnitude, snapshot_.time, snapshot_);
  subdivision_->push(beatFlux_ ? beatFluxValue_ : snapshot_.flux, snapshot_.time);
  bars_->push(hop, snapshot_.time, gain, snapshot_.drumStrength[Kick], snapshot_.drumStrength[Snare]);

  snapshot_.onsetStrength = float(onsetFlux / double(bins - 1));
  if (aubio_->onset) {
    aubio_onset_do(aubio_->onset, aubio_->input, aubio_->onsetOut);
    snapshot_.onset = aubio_->onsetOut->data[0] > 0;
    if (snapshot_.onset) snapshot_.onsetTime = aubio_onset_get_last_s(aubio_->onset);
  } else {
    snapshot_.onset = onsets_.push(snapshot_.onsetStrength, snapshot_.time);
    if (snapshot_.onset) snapshot_.onsetTime = onsets_.previousTime() - kOnsetDelay;
  }
}

void Analyzer::beatFeatures() {
  const double now = snapshot_.time, dt = hopSeconds();
  tempo_.push(snapshot_.flux, now);
  if (useStates_) states_.push(beatFluxValue_, beatFlux_->lowFlux(), now);
  if (snapshot_.hop % uint64_t(options_.tempoEvery) == 0) {
    TempoMeasurement m = tempo_.estimate(clock_.established() ? clock_.period() : 0.0);
    if (useStates_) {
      TempoMeasurement s = states_.measurement();
      s.activity = m.activity;
      m = s;
    }
    clock_.update(m, now);
  } else {
    clock_.decay(now);
  }

  snapshot_.beat = false;
  snapshot_.bpm = float(clock_.bpm());
  snapshot_.confidence = float(clock_.confidence());
  if (!clock_.running()) return;

  // The latest beat of the grid at or before now: a phase correction that
  // moves the grid a little later across a beat must not skip that beat.
  double beat = clock_.nextBeatAfter(now - dt);
  if (beat > now) beat -= clock_.period();
  if (now - beat < 0.25 * clock_.period() && beat - lastBeatEmitted_ > 0.5 * clock_.period()) {
    snapshot_.beat = true;
    snapshot_.beatTime = beat;
    // The span since the beat before says how the beat divides, where it
    // is a period (within 5%: the windows scale with it, a third and a
    // quarter are a 12th of the beat apart).
    if (std::abs(beat - lastBeatEmitted_ - clock_.period()) < 0.05 * clock_.period())
      subdivision_->beat(lastBeatEmitted_, beat);
    lastBeatEmitted_ = beat;
    snapshot_.subdivision = subdivision_->subdivision();
    bars_->setTriple(snapshot_.subdivision == 3);
    snapshot_.beatInBar = bars_->beat(beat, clock_.period());
    snapshot_.beatsPerBar = bars_->beatsPerBar();
  }
  snapshot_.beatPhase = float(clock_.phaseAt(now));
  snapshot_.nextBeatTime = clock_.nextBeatAfter(now);
  snapshot_.barPosition = float((snapshot_.beatInBar + snapshot_.beatPhase) / snapshot_.beatsPerBar);
}

}  // namespace afterimage::audio
