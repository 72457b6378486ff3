// The analyzer: one hop of mono samples in, one FeatureSnapshot out. Causal
// (it sees only the past) and the same for live capture and files. Built on
// aubio: the phase vocoder gives the spectrum, a mel filterbank the bands
// and the onset strength, aubio_onset the onset events, the drum detector
// kicks, snares and hats (and from them, the low band and the beat clock,
// the section detector build-ups, drops and breakdowns); the beat-state
// tracker (on a log-frequency flux of its own) or the autocorrelation tempo
// estimator alone, and the beat clock, turn the onset strength into tempo,
// phase and predicted beats; the tempo estimator also gives activity; the
// bar tracker counts the beats into bars. It knows nothing of threads or devices.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "audio/auto_gain.h"
#include "audio/bar_tracker.h"
#include "audio/beat_clock.h"
#include "audio/beat_state_tracker.h"
#include "audio/drum_detector.h"
#include "audio/feature_snapshot.h"
#include "audio/log_filtered_flux.h"
#include "audio/magnitude_spectrum.h"
#include "audio/onset_picker.h"
#include "audio/section_detector.h"
#include "audio/subdivision_tracker.h"
#include "audio/tempo_estimator.h"

namespace afterimage::audio {

// The flux peaks when an onset is about half a window in; reported onset
// times are moved back by this much. An attack is in the onset strength of
// the hop that ends up to kOnsetDelay + one hop after it starts.
inline constexpr double kOnsetDelay = 0.010;

struct AnalyzerOptions {
  int sampleRate = 44100;
  // 0: 5.8 ms at any rate (256 at 44.1 kHz, 279 at 48 kHz), so the beat
  // tracker sees the same frame rate whatever the input.
  int hopSize = 0;
  int windowSize = 1024;
  int melBands = 24;      // at most kMaxMelBands
  // "logflux": our compressed spectral flux and peak picker; else an
  // aubio_onset method ("hfc", "specflux", "complex", ...).
  std::string onsetMethod = "logflux";
  double onsetThreshold = 0.2;
  double onsetMinInterval = 0.06;  // seconds
  double onsetRelativeFloor = 0.2;   // logflux: ignore peaks below this fraction of the recent ones
  int tempoEvery = 8;              // hops between tempo estimates
  AutoGain::Options gain;
  TempoEstimator::Options tempo;   // frameRate is set from the sample rate and hop
  // "states": the beat-state tracker sets tempo and phase (the tempo
  // estimator still gives activity); "autocorrelation": the tempo
  // estimator alone.
  std::string beatTracker = "states";
  // frameRate and onsetDelay are set from the sample rate, hop and beat window.
  BeatStateTracker::Options states;
  LogFilteredFlux::Options beatFlux;  // the beat-state tracker's onset strength
  // The beat flux's own spectrum: a window of about this many seconds (a
  // power of two in samples) at any rate; 0: the analysis window.
  double beatWindowSeconds = 0.046;
  // How long after an attack the beat tracker puts the beat, beyond the
  // beat flux's quarter window (where its Hann window rises fastest and the
  // flux of an attack peaks): measured with the 23 ms window.
  double beatAttackLag = 0.0052;
  BeatClock::Options clock;
};

class Analyzer {
 public:
  explicit Analyzer(AnalyzerOptions options = {});
  ~Analyzer();
  Analyzer(const Analyzer&) = delete;
  Analyzer& operator=(const Analyzer&) = delete;

  // Exactly hopSize samples.
  const FeatureSnapshot& process(const float* hop);

  const FeatureSnapshot& latest() const { return snapshot_; }
  const AnalyzerOptions& options() const { return options_; }
  double hopSeconds() const { return double(options_.hopSize) / options_.sampleRate; }
  double time() const { return snapshot_.time; }
  BeatClock& beatClock() { return clock_; }

 private:
  struct Aubio;
  void spectralFeatures(const float* hop);
  void beatFeatures();

  AnalyzerOptions options_;
  std::unique_ptr<Aubio> aubio_;
  AutoGain gain_, onsetGain_;
  TempoEstimator tempo_;
  BeatStateTracker states_;
  bool useStates_ = true;
  BeatClock clock_;
  std::optional<BarTracker> bars_;  // built once the hop is checked
  std::optional<SubdivisionTracker> subdivision_;  // likewise
  FeatureSnapshot snapshot_;
  uint64_t samples_ = 0;
  OnsetPicker onsets_;
  std::optional<DrumDetector> drums_;  // built once the bins' frequencies are known
  std::optional<LogFilteredFlux> beatFlux_;  // built with the bins, for the beat-state tracker only
  std::optional<MagnitudeSpectrum> beatSpectrum_;  // the beat flux's own, where its window is not the analysis window
  float beatFluxValue_ = 0;  // its value for the current hop (amplitudes relative to the running RMS)
  SectionDetector sections_;
  std::vector<float> binWeightA_, binHz_, previousLogMagnitude_, previousCompressed_;
  float magnitudeScale_ = 1;  // spectrum magnitude -> amplitude
  float beatMagnitudeScale_ = 1;  // the same for the beat flux's spectrum
  double lastBeatEmitted_ = -1e9;
};

}  // namespace afterimage::audio
