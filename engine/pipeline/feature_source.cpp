#include "engine/pipeline/feature_source.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

namespace afterimage::pipeline {
namespace {

constexpr std::array<std::string_view, int(Feature::Count)> kNames{
    "rms",  "rms_db", "perceptual_db", "loudness", "gain_db",        "sub",   "low",  "mid",       "high",      "mel.N",
    "centroid", "flux", "onset_strength", "onset", "beat", "bar", "beat_phase", "bar_phase", "bpm", "confidence",
    "kick", "snare", "hat", "kick_strength", "snare_strength", "hat_strength",
    "buildup", "drop", "breakdown", "buildup_progress", "drop_in_bars", "subdivision", "step_phase",
    "beats_per_bar"};

}  // namespace

std::optional<FeatureSource> parseFeatureSource(std::string_view name) {
  for (int i = 0; i < int(Feature::Count); ++i) {
    if (Feature(i) != Feature::Mel && kNames[size_t(i)] == name) return FeatureSource{Feature(i), -1};
  }
  constexpr std::string_view prefix = "mel.";
  if (name.size() > prefix.size() && name.starts_with(prefix)) {
    std::string_view digits = name.substr(prefix.size());
    int band = -1;
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), band);
    if (error == std::errc() && end == digits.data() + digits.size() && band >= 0) return FeatureSource{Feature::Mel, band};
  }
  return std::nullopt;
}

std::string formatFeatureSource(const FeatureSource& source) {
  if (source.feature == Feature::Mel) return "mel." + std::to_string(source.band);
  return std::string(kNames[size_t(source.feature)]);
}

std::vector<std::string> featureNames() { return {kNames.begin(), kNames.end()}; }

double featureValue(const FeatureSource& source, const audio::FeatureSnapshot& s, const FrameEvents& events) {
  switch (source.feature) {
    case Feature::Rms: return s.rms;
    case Feature::RmsDb: return s.rmsDbfs;
    case Feature::PerceptualDb: return s.perceptualDb;
    case Feature::Loudness: return s.loudness;
    case Feature::GainDb: return s.gainDb;
    case Feature::Sub: return s.bands[audio::Sub];
    case Feature::Low: return s.bands[audio::Low];
    case Feature::Mid: return s.bands[audio::Mid];
    case Feature::High: return s.bands[audio::High];
    case Feature::Mel: return source.band >= 0 && source.band < s.melCount ? s.mel[size_t(source.band)] : 0.0;
    case Feature::Centroid: return s.centroidHz;
    case Feature::Flux: return s.flux;
    case Feature::OnsetStrength: return s.onsetStrength;
    case Feature::Onset: return events.onset ? 1.0 : 0.0;
    case Feature::Beat: return events.beat ? 1.0 : 0.0;
    case Feature::Bar: return events.bar ? 1.0 : 0.0;
    case Feature::BeatPhase: return events.beatPhase;
    case Feature::BarPhase: return events.barPhase;
    case Feature::Bpm: return s.bpm;
    case Feature::Confidence: return s.confidence;
    case Feature::Kick: return events.drums[audio::Kick] ? 1.0 : 0.0;
    case Feature::Snare: return events.drums[audio::Snare] ? 1.0 : 0.0;
    case Feature::Hat: return events.drums[audio::Hat] ? 1.0 : 0.0;
    case Feature::KickStrength: return s.drumStrength[audio::Kick];
    case Feature::SnareStrength: return s.drumStrength[audio::Snare];
    case Feature::HatStrength: return s.drumStrength[audio::Hat];
    case Feature::Buildup: return events.sections[size_t(audio::MusicSection::Buildup)] ? 1.0 : 0.0;
    case Feature::Drop: return events.sections[size_t(audio::MusicSection::Drop)] ? 1.0 : 0.0;
    case Feature::Breakdown: return events.sections[size_t(audio::MusicSection::Breakdown)] ? 1.0 : 0.0;
    case Feature::BuildupProgress: return s.buildupProgress;
    case Feature::DropInBars: return s.dropInBars;
    case Feature::Subdivision: return s.subdivision;
    case Feature::StepPhase: {
      double steps = events.beatPhase * std::max(1, s.subdivision);
      return steps - std::floor(steps);
    }
    case Feature::BeatsPerBar: return s.beatsPerBar;
    case Feature::Count: break;
  }
  return 0.0;
}

}  // namespace afterimage::pipeline
