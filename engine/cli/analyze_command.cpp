// `afterimage analyze FILE [--beats|--onsets|--features] [--lookahead MS]
// [--channel N]`: the live mode's causal analyzer run over a file as fast as
// it reads. --beats (the default) prints one beat time per line; with
// --lookahead each beat is printed only when it was predicted at least MS
// before it happened, the time of the prediction in the second column.
// --onsets prints onset times; --features a CSV row per hop. --realtime
// plays the file to the output device (or, without one, paces it silently)
// and prints as the live analysis goes: rehearsal.
#include <chrono>
#include <cstdio>
#include <thread>

#include "audio/file_player.h"
#include "audio/file_source.h"
#include "audio/live_analysis.h"
#include "audio/offline_analysis.h"
#include "engine/cli/arguments.h"
#include "engine/cli/commands.h"

namespace afterimage::cli {
namespace {

void printFeatureHeader(const audio::FeatureSnapshot& s) {
  std::printf("time,rms,rms_dbfs,perceptual_db,loudness,gain_db,sub,low,mid,high,centroid_hz,flux,onset_strength,"
              "onset,bpm,confidence,beat,beat_phase,bar_position,beat_in_bar,beats_per_bar,subdivision,next_beat,kick,snare,hat,"
              "kick_strength,snare_strength,hat_strength,section,drop_in_bars");
  for (int m = 0; m < s.melCount; ++m) std::printf(",mel%d", m);
  std::printf("\n");
}

void printFeatures(const audio::FeatureSnapshot& s) {
  std::printf("%.6f,%.6f,%.2f,%.2f,%.4f,%.2f,%.4f,%.4f,%.4f,%.4f,%.1f,%.5f,%.5f,%d,%.2f,%.3f,%d,%.4f,%.4f,%d,%d,%d,%.6f,"
              "%d,%d,%d,%.4f,%.4f,%.4f,%s,%.2f",
              s.time, s.rms, s.rmsDbfs, s.perceptualDb, s.loudness, s.gainDb, s.bands[audio::Sub],
              s.bands[audio::Low], s.bands[audio::Mid], s.bands[audio::High], s.centroidHz, s.flux, s.onsetStrength,
              int(s.onset), s.bpm, s.confidence, int(s.beat), s.beatPhase, s.barPosition, s.beatInBar,
              s.beatsPerBar, s.subdivision, s.nextBeatTime, int(s.drumHit[audio::Kick]), int(s.drumHit[audio::Snare]),
              int(s.drumHit[audio::Hat]), s.drumStrength[audio::Kick], s.drumStrength[audio::Snare],
              s.drumStrength[audio::Hat], audio::musicSectionName(s.section), s.dropInBars);
  for (int m = 0; m < s.melCount; ++m) std::printf(",%.4f", s.mel[size_t(m)]);
  std::printf("\n");
}

int runRealtime(const Arguments& args, audio::ChannelSelection channel, double lookaheadMs) {
  audio::FilePlayer player(args.positionals()[0], channel, audio::FilePlayer::Output::Device, args.value("output", ""));
  if (!player.playingToDevice())
    std::fprintf(stderr, "afterimage analyze: %s; playing silently in real time\n", player.outputError().c_str());
  audio::AnalyzerOptions options;
  options.sampleRate = player.sampleRate();
  audio::LiveAnalysis live([&](float* out, size_t n) { return player.read(out, n); }, options, 10.0);
  audio::BeatScheduler scheduler(lookaheadMs / 1000.0);
  bool header = false;
  const double hop = live.hopSeconds();
  while (true) {
    bool done = player.finished();
    for (const auto& s : live.drain()) {
      if (args.flag("features")) {
        if (!header) printFeatureHeader(s), header = true;
        printFeatures(s);
      } else if (args.flag("onsets")) {
        if (s.onset) std::printf("%.6f\n", s.onsetTime);
      } else if (lookaheadMs > 0) {
        if (auto b = scheduler.poll(s.nextBeatTime, s.bpm > 0 ? 60.0 / s.bpm : 0, s.time, hop))
          std::printf("%.6f %.6f\n", b->time, b->predictedAt);
      } else if (s.beat) {
        std::printf("%.6f\n", s.beatTime);
      }
    }
    std::fflush(stdout);
    if (done) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return 0;
}

}  // namespace

int runAnalyze(const CommandArgs& rawArgs) {
  Arguments args(rawArgs, {"lookahead", "channel", "output"}, {"beats", "onsets", "features", "realtime"});
  if (args.positionals().size() != 1) throw UsageError("expected one audio file");
  int modes = int(args.flag("beats")) + int(args.flag("onsets")) + int(args.flag("features"));
  if (modes > 1) throw UsageError("choose one of --beats, --onsets, --features");
  double lookaheadMs = args.number("lookahead", 0);
  if (lookaheadMs < 0) throw UsageError("--lookahead must be >= 0 ms");
  audio::ChannelSelection channel{args.integer("channel", -1)};

  if (args.flag("realtime")) return runRealtime(args, channel, lookaheadMs);

  int sampleRate = 0;
  std::vector<float> samples = audio::readMonoFile(args.positionals()[0], &sampleRate, channel);
  audio::AnalyzerOptions options;
  options.sampleRate = sampleRate;

  if (args.flag("onsets")) {
    for (double t : audio::onsetTimes(samples, sampleRate, options)) std::printf("%.6f\n", t);
  } else if (args.flag("features")) {
    audio::Analyzer analyzer(options);
    bool header = false;
    audio::analyzeSamples(analyzer, samples, [&](const audio::FeatureSnapshot& s) {
      if (!header) printFeatureHeader(s), header = true;
      printFeatures(s);
    });
  } else {
    for (const auto& beat : audio::scheduledBeats(samples, sampleRate, lookaheadMs / 1000.0, options)) {
      if (lookaheadMs > 0) {
        std::printf("%.6f %.6f\n", beat.time, beat.predictedAt);
      } else {
        std::printf("%.6f\n", beat.time);
      }
    }
  }
  return 0;
}

}  // namespace afterimage::cli
