// What the analyzer says about the music at one moment: one snapshot per hop,
// stamped with the audio time of the last sample it has heard. Plain data
// (fixed-size arrays) so it can be copied between threads without
// allocating.
#pragma once
#include <array>
#include <cstdint>

namespace afterimage::audio {

constexpr int kMaxMelBands = 40;

enum Band { Sub = 0, Low, Mid, High, BandCount };
enum DrumKind { Kick = 0, Snare, Hat, DrumKindCount };  // snare: claps and rims too
// None: no section seen yet (an intro, or music without drums).
enum class MusicSection { None = 0, Buildup, Drop, Breakdown };
constexpr int kMusicSectionCount = 4;
// As sets name them (sources and triggers): none, buildup, drop, breakdown.
constexpr const char* musicSectionName(MusicSection section) {
  constexpr const char* names[kMusicSectionCount] = {"none", "buildup", "drop", "breakdown"};
  return names[int(section)];
}

struct FeatureSnapshot {
  double time = 0;        // seconds of audio heard when this snapshot was made
  uint64_t hop = 0;       // hop counter

  // Loudness. rmsDbfs is the raw level; perceptualDb is A-weighted (dB
  // relative to full scale); loudness is the RMS after automatic gain
  // (about 1 at the running level, whatever the input level).
  float rms = 0;
  float rmsDbfs = -120;
  float perceptualDb = -120;
  float loudness = 0;
  float gainDb = 0;       // automatic gain applied

  // Band energies (RMS in the band after automatic gain): sub < 60 Hz,
  // low 60-250 Hz, mid 250-2000 Hz, high > 2 kHz.
  std::array<float, BandCount> bands{};
  int melCount = 0;
  std::array<float, kMaxMelBands> mel{};  // mel filterbank magnitudes after automatic gain

  float centroidHz = 0;
  float flux = 0;           // onset strength: rectified log-mel spectral flux
  float onsetStrength = 0;  // compressed flux of all bins alike (what onsets are picked from)
  bool onset = false;       // an onset was detected in this hop
  double onsetTime = 0;     // its estimate of when the onset happened

  // Drums by kind (DrumKind), each from its own band (drum_detector.h).
  // drumStrength: this hop's attack in that band, 0..1 of its recent peaks;
  // drumHit: a hit was detected in this hop; drumHitTime and
  // drumHitStrength: the latest hit's estimated time and strength (0..1),
  // kept until the next.
  std::array<float, DrumKindCount> drumStrength{};
  std::array<bool, DrumKindCount> drumHit{};
  std::array<double, DrumKindCount> drumHitTime{};
  std::array<float, DrumKindCount> drumHitStrength{};

  // Sections (section_detector.h): the one we are in; sectionChange: it
  // began in this hop; sectionStartTime: the latest start of each (indexed
  // by MusicSection; kept until the next): a drop at its kick, a build-up
  // or breakdown when it was recognised. In a build-up, the
  // predicted drop: its time, the bars to it and the share of the build-up
  // gone (0 outside a build-up).
  MusicSection section = MusicSection::None;
  bool sectionChange = false;
  std::array<double, kMusicSectionCount> sectionStartTime{};
  double predictedDropTime = 0;
  float dropInBars = 0;
  float buildupProgress = 0;

  // Beat clock.
  float bpm = 0;
  float confidence = 0;     // 0..1: how sure the clock is of tempo and phase
  bool beat = false;        // a beat fell in this hop
  double beatTime = 0;      // when (valid if beat)
  float beatPhase = 0;      // 0 at a beat, rising to 1 at the next
  float barPosition = 0;    // 0 at a downbeat, rising to 1 at the next
  int beatsPerBar = 4;      // 2 (6/8 as tapped: with subdivision 3), 3 or 4
  int beatInBar = 0;        // 0-based
  int subdivision = 2;      // the beat divides in 2 (straight) or 3 (triplets, shuffle, 6/8, 12/8)
  double nextBeatTime = 0;  // predicted
};

}  // namespace afterimage::audio
