// The bar tracker on its own: beats given, music made of what one kind of
// evidence hears (chords, a bass line, kick and snare), so each test shows
// that kind of evidence alone finds the bar.
#include "audio/bar_tracker.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace afterimage::audio {
namespace {

constexpr int kRate = 44100, kHop = 256;
constexpr double kPi = 3.14159265358979323846;

double midiHz(int note) { return 440.0 * std::pow(2.0, (note - 69) / 12.0); }

struct Music {
  int meter = 4;
  double bpm = 120;
  int bars = 24;
  int firstDownbeat = 0;  // beats before the first bar begins (an upbeat)
  bool chords = false, bassLine = false, drums = false;
  bool heldChord = false;  // the first chord all along
  int beatsPerChord = 0;    // 0: a chord a bar
  int skipFrom = 0, skipTo = 0;  // beats the clock does not give (lost in a breakdown)
  bool triple = false;  // the beat divides in three (told to the tracker)
};

// i - VI - III - VII in A minor, a bar each (MIDI notes), and the bass's
// roots (40-100 Hz), each in a band of its own (chroma 100 Hz - 2 kHz, bass 40-200 Hz).
const std::vector<std::vector<int>> kChords = {{69, 72, 76}, {65, 69, 72}, {60, 64, 67}, {67, 71, 74}};
const std::vector<int> kBassRoots = {33, 29, 36, 31};

// The places the tracker reports for each beat, the music fed hop by hop and
// each beat told in the first hop that has heard it, as the analyzer does.
std::vector<int> placesOfBeats(const Music& music, BarTracker& tracker) {
  const double period = 60.0 / music.bpm;
  const int beats = music.bars * music.meter + music.firstDownbeat;
  const size_t total = size_t(beats * period * kRate) + kHop;
  std::vector<float> samples(total, 0.0f);
  for (size_t i = 0; i < total; ++i) {
    double t = double(i) / kRate;
    long long beat = (long long)(t / period);
    long long bar = (beat - music.firstDownbeat) / music.meter;
    if (beat < music.firstDownbeat) bar = -1;
    long long chord = music.beatsPerChord > 0 ? beat / music.beatsPerChord : bar;
    const size_t chordIndex = size_t((chord % 4 + 4) % 4);
    double s = 0;
    if (music.chords || music.heldChord)
      for (int note : kChords[music.heldChord ? 0 : chordIndex]) s += 0.05 * std::sin(2 * kPi * midiHz(note) * t);
    if (music.bassLine) s += 0.2 * std::sin(2 * kPi * midiHz(kBassRoots[chordIndex]) * t);
    samples[i] = float(s);
  }
  std::vector<int> places;
  int next = 0;
  for (size_t start = 0; start + kHop <= total; start += kHop) {
    double time = double(start + kHop) / kRate;
    // Drums: the kick on the bar's odd beats (1, 3), the snare on the even ones.
    float kick = 0, snare = 0;
    double sinceBeat = std::fmod(time, period);
    long long beat = (long long)(time / period);
    if (music.drums && sinceBeat < double(kHop) / kRate) {
      int inBar = int(((beat - music.firstDownbeat) % music.meter + music.meter) % music.meter);
      (inBar % 2 == 0 ? kick : snare) = 1.0f;
    }
    tracker.push(samples.data() + start, time, 1.0, kick, snare);
    if (next < beats && next * period <= time) {
      bool skipped = next >= music.skipFrom && next < music.skipTo;
      tracker.setTriple(music.triple);
      places.push_back(skipped ? -1 : tracker.beat(next * period, period));
      ++next;
    }
  }
  return places;
}

// How many beats from `from` on are given their true place in the bar.
int placedRight(const Music& music, const std::vector<int>& places, int from) {
  int right = 0;
  for (int b = from; b < int(places.size()); ++b)
    right += places[size_t(b)] == ((b - music.firstDownbeat) % music.meter + music.meter) % music.meter;
  return right;
}

TEST(BarTracker, ChordChangesAloneSetTheDownbeat) {
  for (int upbeat : {0, 1, 3}) {
    Music music;
    music.chords = true, music.firstDownbeat = upbeat;
    BarTracker tracker(kRate, kHop);
    std::vector<int> places = placesOfBeats(music, tracker);
    // After ten bars: the downbeat moves only to a position clearly ahead,
    // so a wrong first guess takes a bar or two to leave.
    const int from = 10 * music.meter;
    EXPECT_EQ(placedRight(music, places, from), int(places.size()) - from) << "upbeat " << upbeat;
    EXPECT_EQ(tracker.beatsPerBar(), 4);
  }
}

TEST(BarTracker, BassNotesUnderAHeldChordSetTheDownbeat) {
  Music music;
  // Over one held chord (a pure sine alone would leak into the chords'
  // band with its phase in the window, in a pattern that repeats with the
  // beat's length in frames, as no real bass line does).
  music.bassLine = music.heldChord = true, music.firstDownbeat = 2;
  BarTracker tracker(kRate, kHop);
  std::vector<int> places = placesOfBeats(music, tracker);
  const int from = 8 * music.meter;
  EXPECT_EQ(placedRight(music, places, from), int(places.size()) - from);
}

// Chords every two beats make the bar's first and third beats alike: the
// downbeat must settle on one of them and stay, not take turns with the
// other as their evidence wavers (each move is a stutter in a show's
// bar-locked effects).
TEST(BarTracker, TwoAlikePositionsDoNotTakeTurns) {
  Music music;
  music.chords = true, music.beatsPerChord = 2;
  BarTracker tracker(kRate, kHop);
  std::vector<int> places = placesOfBeats(music, tracker);
  int moves = 0;
  for (size_t b = 8 * 4 + 1; b < places.size(); ++b) moves += places[b] != (places[b - 1] + 1) % 4;
  EXPECT_EQ(moves, 0);
  for (size_t b = 8 * 4; b < places.size(); ++b) EXPECT_EQ(places[b] % 2, int(b) % 2) << "beat " << b;
}

// The clock loses the music for two beats (not a bar's worth) and finds it
// again: the beats it skipped still count, so the bar keeps its place.
TEST(BarTracker, BeatsTheClockSkippedKeepTheBarInPlace) {
  Music music;
  music.chords = true, music.skipFrom = 50, music.skipTo = 52;
  BarTracker tracker(kRate, kHop);
  std::vector<int> places = placesOfBeats(music, tracker);
  const int from = music.skipTo;
  int told = 0;
  for (int b = from; b < int(places.size()); ++b) told += places[size_t(b)] >= 0;
  EXPECT_EQ(placedRight(music, places, from), told);
}

TEST(BarTracker, ThreeBeatsABarAreCountedInThrees) {
  Music music;
  music.meter = 3, music.chords = music.bassLine = true, music.firstDownbeat = 1, music.bpm = 150;
  BarTracker tracker(kRate, kHop);
  std::vector<int> places = placesOfBeats(music, tracker);
  EXPECT_EQ(tracker.beatsPerBar(), 3);
  const int from = 8 * music.meter;
  EXPECT_EQ(placedRight(music, places, from), int(places.size()) - from);
  // Once counted in threes, it stays so: no flicker back to four.
  for (int b = from; b < int(places.size()); ++b) EXPECT_LT(places[size_t(b)], 3) << "beat " << b;
}

// 6/8 as people tap it: two dotted-quarter beats a bar, a chord a bar, the
// kick on the first beat. With the beat in three that is two beats a bar;
// with the beat in two (2/4) the tracker keeps to four, as before; and in
// three with the chords held four beats (12/8) it keeps to four too.
TEST(BarTracker, InThreeAChordEveryTwoBeatsIsASixEightBar) {
  Music music;
  music.meter = 2, music.bars = 40, music.chords = music.bassLine = music.drums = true, music.firstDownbeat = 1;
  music.bpm = 90, music.triple = true;
  BarTracker tracker(kRate, kHop);
  std::vector<int> places = placesOfBeats(music, tracker);
  EXPECT_EQ(tracker.beatsPerBar(), 2);
  const int from = 12 * music.meter;
  EXPECT_EQ(placedRight(music, places, from), int(places.size()) - from);

  music.triple = false;
  BarTracker inTwo(kRate, kHop);
  placesOfBeats(music, inTwo);
  EXPECT_EQ(inTwo.beatsPerBar(), 4);

  Music twelveEight;
  twelveEight.chords = twelveEight.bassLine = twelveEight.drums = twelveEight.triple = true;
  BarTracker four(kRate, kHop);
  places = placesOfBeats(twelveEight, four);
  EXPECT_EQ(four.beatsPerBar(), 4);
  EXPECT_EQ(placedRight(twelveEight, places, 12 * 4), int(places.size()) - 12 * 4);
}

TEST(BarTracker, WithoutHarmonyTheKickBeatsAreTheBarsStrongBeats) {
  // 58 BPM: near the slowest beat the clock follows, where the beat counted
  // (the one before last) began over two seconds before it is counted.
  for (double bpm : {120.0, 58.0}) {
    Music music;
    music.drums = true, music.firstDownbeat = 1, music.bpm = bpm;
    BarTracker tracker(kRate, kHop);
    std::vector<int> places = placesOfBeats(music, tracker);
    // Kick on 1 and 3, snare on 2 and 4: the downbeat is one of the kick
    // beats (which of the two, only harmony can tell), and it stays the same
    // one: a downbeat every bar, each on a kick beat.
    int downbeats = 0;
    const int from = 8 * music.meter;
    for (int b = from; b < int(places.size()); ++b) {
      if (places[size_t(b)] != 0) continue;
      ++downbeats;
      EXPECT_EQ((b - music.firstDownbeat) % 2, 0) << bpm << " BPM, beat " << b;
    }
    EXPECT_EQ(downbeats, (int(places.size()) - from) / music.meter) << bpm << " BPM";
  }
}

}  // namespace
}  // namespace afterimage::audio
