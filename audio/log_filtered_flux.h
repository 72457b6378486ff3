// Onset strength for the beat-state tracker: the spectral flux of a
// log-compressed, log-frequency spectrogram (Boeck, Krebs and Schedl 2012).
// Magnitudes are averaged into triangular bands spaced evenly in octaves,
// so an octave of hats weighs as much as an octave of kick; each band is
// compressed as log10(1 + compression x), and the flux is the sum over the
// bands of how much each rose since some frames ago. On 108 annotated real
// clips it beats the three-group linear-bin flux the analyzer had (mean
// beat F 0.758 -> 0.788), mostly where that flux put the beat on the
// off-beat or at half tempo. The low bands' part is kept apart as well:
// the tracker puts the beat where the kick and the bass start.
#pragma once
#include <vector>

namespace afterimage::audio {

class LogFilteredFlux {
 public:
  struct Options {
    double minHz = 30, maxHz = 17000;
    double bandsPerOctave = 12;
    double compression = 10;  // x in log10(1 + x * amplitude), amplitude relative to the running RMS
    int diffFrames = 1;       // frames between the two compared spectra
    double lowHz = 250;       // bands centred below it make lowFlux() (kick, bass)
    // Band centres at least this far apart. A longer window resolves more
    // bands below 250 Hz (46 ms: ~11, 23 ms: ~5), and each counts as much
    // as an octave's twelfth of hats: the kick would outvote every other
    // stream, and a pattern whose hats carry the beat (kicks on 1 and 3,
    // hats on every off-beat) would be followed at half tempo on its kicks.
    double minBandHz = 43;
  };
  // binHz: the frequency of every magnitude bin.
  LogFilteredFlux(const std::vector<float>& binHz, Options options);
  // One frame's magnitudes (as many as binHz) times `scale`; returns the flux.
  float process(const float* magnitude, double scale);
  // The last frame's flux of the bands centred below lowHz alone, each
  // counted once: where the kick and the bass notes start.
  float lowFlux() const { return lowFlux_; }
  int bands() const { return int(first_.size()); }

 private:
  Options options_;
  std::vector<int> first_;                   // per band: its first bin
  std::vector<std::vector<float>> weight_;   // per band: its triangle over bins from first_, summing to 1
  std::vector<std::vector<float>> history_;  // the last diffFrames + 1 compressed spectra, as a ring
  int newest_ = 0;
  int lowBands_ = 0;  // the first bands, centred below lowHz
  float lowFlux_ = 0;
};

}  // namespace afterimage::audio
