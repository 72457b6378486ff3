// audio_beat_eval: renders the labelled set, scores the project's causal
// analyzer (beats at 0 ms and at a lookahead, onsets on the drum-only
// tracks) and, with --aubio, aubio's own `aubio beat` on the same files.
//   audio_beat_eval [--dir DIR] [--aubio] [--lookahead MS] [--rate HZ]
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include "audio/file_source.h"
#include "engine/system/child_process.h"
#include "beat_eval_support.h"
#include "music_synth.h"

using namespace afterimage::audio;
using namespace afterimage::audio::testing;

namespace {

// aubio started from an argument vector: the file name is never parsed by a shell.
std::vector<double> runAubioBeat(const std::string& wav) {
  std::vector<double> beats;
  std::string output;
  try {
    afterimage::system::ChildProcess aubio({.argv = {"aubio", "beat", wav}, .pipeStdout = true, .discardStderr = true});
    output = aubio.readAll();
    aubio.wait();
  } catch (const std::system_error&) {
    return beats;  // aubio-tools not installed
  }
  std::istringstream in(output);
  for (double t; in >> t;) beats.push_back(t);
  return beats;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = "/tmp/afterimage_beat_set";
  bool aubio = false;
  double lookahead = 60;
  int rate = 44100;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--dir" && i + 1 < argc) dir = argv[++i];
    else if (a == "--aubio") aubio = true;
    else if (a == "--lookahead" && i + 1 < argc) lookahead = std::atof(argv[++i]);
    else if (a == "--rate" && i + 1 < argc) rate = std::atoi(argv[++i]);
    else {
      std::fprintf(stderr, "usage: audio_beat_eval [--dir DIR] [--aubio] [--lookahead MS] [--rate HZ]\n");
      return 64;
    }
  }
  std::filesystem::create_directories(dir);
  std::printf("%d Hz\n%-26s %8s %8s %8s\n", rate, "track", "causal", "look", aubio ? "aubio" : "");
  double sums[3] = {0, 0, 0};
  int count = 0;
  for (TrackSpec spec : beatSet()) {
    spec.sampleRate = rate;
    LabelledTrack track = synthesize(spec);
    double f[3] = {0, 0, 0};
    f[0] = fMeasure(analyzeBeats(track.samples, track.sampleRate, 0), track.beats, 0.07, 5).fMeasure;
    f[1] = fMeasure(analyzeBeats(track.samples, track.sampleRate, lookahead), track.beats, 0.07, 5).fMeasure;
    if (aubio) {
      std::string wav = dir + "/" + track.name + ".wav";
      writeMonoWav(wav, track.samples, track.sampleRate);
      FILE* labels = std::fopen((dir + "/" + track.name + ".beats").c_str(), "w");
      for (double b : track.beats) std::fprintf(labels, "%.6f\n", b);
      std::fclose(labels);
      f[2] = fMeasure(runAubioBeat(wav), track.beats, 0.07, 5).fMeasure;
    }
    for (int i = 0; i < 3; ++i) sums[i] += f[i];
    ++count;
    std::printf("%-26s %8.3f %8.3f", track.name.c_str(), f[0], f[1]);
    if (aubio) std::printf(" %8.3f", f[2]);
    std::printf("\n");
  }
  std::printf("%-26s %8.3f %8.3f", "MEAN", sums[0] / count, sums[1] / count);
  if (aubio) std::printf(" %8.3f", sums[2] / count);
  std::printf("   (beat F-measure, 70 ms window, first 5 s ignored; look = --lookahead %.0f ms)\n", lookahead);

  double onsetSum = 0;
  int onsetCount = 0;
  for (TrackSpec spec : drumOnlySet()) {
    spec.sampleRate = rate;
    LabelledTrack track = synthesize(spec);
    Score s = fMeasure(analyzeOnsets(track.samples, track.sampleRate), track.hits, 0.05, 0);
    std::printf("onsets %-19s F %.3f (P %.3f R %.3f)\n", track.name.c_str(), s.fMeasure, s.precision, s.recall);
    onsetSum += s.fMeasure, ++onsetCount;
  }
  std::printf("onsets MEAN F %.3f (50 ms window)\n", onsetSum / onsetCount);
  return 0;
}
