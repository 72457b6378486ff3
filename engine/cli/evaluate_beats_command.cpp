// `afterimage evaluate-beats DIR [--lookahead MS] [--rate HZ] [--tracker states|autocorrelation]`:
// the live analyzer's beats
// on every annotated clip under DIR (audio files with a .beats file beside
// them, see audio/beat_evaluation.h) against the annotations: F-measure
// (+-70 ms, first 5 s skipped) as the beats happen and as predicted MS
// ahead (default 60), CMLt/AMLt, the tempo found and annotated and how they
// relate (right, double, half, 3:2, 2:3, off-beat), and where the
// annotations number the beats in the bar, the downbeats' F-measure (+-70
// ms, first 5 s skipped), the bar length found against the annotated
// one and how often a minute the bar count jumps; and whether the beat was
// heard to divide in two or three ("sub"). One row per clip, then
// the mean per genre (the clip's folder) and over all clips. --rate
// resamples every clip first (audio/resample.h): the rate a show's audio
// interface delivers (44.1 or 48 kHz), where most annotated sets are 22.05 kHz.
#include <algorithm>
#include <cstdio>
#include <map>

#include "audio/beat_evaluation.h"
#include "audio/file_source.h"
#include "audio/offline_analysis.h"
#include "audio/resample.h"
#include "engine/cli/arguments.h"
#include "engine/cli/commands.h"

namespace afterimage::cli {
namespace {

struct Means {
  double f = 0, fLookahead = 0, cmlt = 0, amlt = 0, downbeatF = 0, barJumpsPerMinute = 0;
  int clips = 0, right = 0, barClips = 0, barsRight = 0, inThree = 0;
  void add(double a, double b, double c, double d, bool r, bool three) {
    f += a, fLookahead += b, cmlt += c, amlt += d, ++clips, right += r, inThree += three;
  }
  void addBars(double downbeat, bool lengthRight, double jumpsPerMinute) {
    downbeatF += downbeat, ++barClips, barsRight += lengthRight, barJumpsPerMinute += jumpsPerMinute;
  }
  void print(const char* label, const std::string& name) const {
    double n = clips > 0 ? clips : 1;
    std::printf("%-9s %-28s %6s %6s %-8s %6.3f %6.3f %6.3f %6.3f %3s", label, name.c_str(), "", "", "", f / n,
                fLookahead / n, cmlt / n, amlt / n, "");
    if (barClips > 0) std::printf(" %6.3f %5s %5.1f", downbeatF / barClips, "", barJumpsPerMinute / barClips);
    std::printf("  %d/%d at the annotated tempo, %d in three", right, clips, inThree);
    if (barClips > 0) std::printf(", bar length right %d/%d", barsRight, barClips);
    std::printf("\n");
  }
};

}  // namespace

int runEvaluateBeats(const CommandArgs& rawArgs) {
  Arguments args(rawArgs, {"lookahead", "rate", "tracker"}, {});
  if (args.positionals().size() != 1) throw UsageError("expected one folder of annotated clips");
  double lookaheadMs = args.number("lookahead", 60);
  if (lookaheadMs <= 0) throw UsageError("--lookahead must be > 0 ms");
  const double targetRate = args.number("rate", 0);
  if (args.value("rate") && !(targetRate >= 8000 && targetRate <= 192000))
    throw UsageError("--rate must be 8000 to 192000 Hz");
  audio::AnalyzerOptions options;
  options.beatTracker = args.value("tracker", "states");
  if (options.beatTracker != "states" && options.beatTracker != "autocorrelation")
    throw UsageError("--tracker must be states or autocorrelation, found '" + options.beatTracker + "'");
  std::vector<audio::AnnotatedClip> clips = audio::findAnnotatedClips(args.positionals()[0]);

  std::printf("%-9s %-28s %6s %6s %-8s %6s %6s %6s %6s %3s %6s %5s %5s\n", "genre", "clip", "bpm", "found",
              "relation", "F", ("F+" + std::to_string(int(lookaheadMs))).c_str(), "CMLt", "AMLt", "sub", "downF", "bar",
              "jumps");
  std::map<std::string, Means> genres;
  Means all;
  for (const auto& clip : clips) {
    std::vector<double> annotations = audio::readBeatAnnotations(clip.beatsPath);
    int rate = 0;
    std::vector<float> samples = audio::readMonoFile(clip.audioPath, &rate);
    if (targetRate > 0) samples = audio::resample(samples, rate, int(targetRate)), rate = int(targetRate);
    audio::BarAnnotations bars = audio::readBarAnnotations(clip.beatsPath);
    audio::TrackedBars tracked = audio::trackBars(samples, rate, options);
    const std::vector<double>& beats = tracked.beats;
    std::vector<double> predicted = audio::beatTimes(samples, rate, lookaheadMs / 1000.0, options);
    double f = audio::beatFMeasure(beats, annotations).fMeasure;
    double fl = audio::beatFMeasure(predicted, annotations).fMeasure;
    audio::ContinuityScore c = audio::beatContinuity(beats, annotations);
    audio::MetricalRelation relation = audio::metricalRelation(beats, annotations);
    std::printf("%-9s %-28.28s %6.1f %6.1f %-8s %6.3f %6.3f %6.3f %6.3f %3d", clip.genre.c_str(), clip.name.c_str(),
                audio::medianBpm(annotations), audio::medianBpm(beats), audio::toString(relation), f, fl, c.cmlt,
                c.amlt, tracked.subdivision);
    bool right = relation == audio::MetricalRelation::Right, three = tracked.subdivision == 3;
    genres[clip.genre].add(f, fl, c.cmlt, c.amlt, right, three);
    all.add(f, fl, c.cmlt, c.amlt, right, three);
    if (bars.beatsPerBar > 0) {
      double downbeatF = audio::beatFMeasure(tracked.downbeats, bars.downbeats).fMeasure;
      // Bar jumps a minute after the first 5 s: how often the count would stutter in a show.
      double minutes = std::max(1e-9, (double(samples.size()) / rate - 5.0) / 60.0);
      double jumps = tracked.barJumps / minutes;
      std::printf(" %6.3f %2d/%-2d %5.1f", downbeatF, tracked.beatsPerBar, bars.beatsPerBar, jumps);
      genres[clip.genre].addBars(downbeatF, tracked.beatsPerBar == bars.beatsPerBar, jumps);
      all.addBars(downbeatF, tracked.beatsPerBar == bars.beatsPerBar, jumps);
    }
    std::printf("\n");
    std::fflush(stdout);
  }
  for (const auto& [genre, means] : genres) means.print("genre", genre);
  all.print("MEAN", std::to_string(all.clips) + " clips");
  return 0;
}

}  // namespace afterimage::cli
