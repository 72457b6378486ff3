// Onset strength for the beat-state tracker: the spectral flux of a
// log-compressed, log-frequency spectrogram (Boeck, Krebs and Schedl 2012).
// Magnitudes are averaged into triangular bands spaced evenly in octaves,
// so an octave of hats weighs as much as an octave of kick; each band is
// compressed as log10(1 + compression x), and the flux is the sum over the
// bands of how much each rose since some frames ago. On 108 annotated real
// clips it beats the three-group linear-bin flux the analyzer had (mean
// beat F 0.758 -> 0.778; 0.788 with the kick bands weighed like the
// others, but then off-beat hats over kicks take the beat), mostly where
// that flux put the beat on the off-beat or at half tempo.
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
    // Bands centred below lowHz (kick, bass) count this many times: few
    // bands lie there, and a kick on the beat must outweigh hats off it.
    double lowHz = 250, lowWeight = 3;
  };
  // binHz: the frequency of every magnitude bin.
  LogFilteredFlux(const std::vector<float>& binHz, Options options);
  // One frame's magnitudes (as many as binHz) times `scale`; returns the flux.
  float process(const float* magnitude, double scale);
  int bands() const { return int(first_.size()); }

 private:
  Options options_;
  std::vector<int> first_;                   // per band: its first bin
  std::vector<float> bandWeight_;            // per band: how much its rise counts
  std::vector<std::vector<float>> weight_;   // per band: its triangle over bins from first_, summing to 1
  std::vector<std::vector<float>> history_;  // the last diffFrames + 1 compressed spectra, as a ring
  int newest_ = 0;
};

}  // namespace afterimage::audio
