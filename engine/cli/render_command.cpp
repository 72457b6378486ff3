// afterimage render --set FILE --audio TRACK -o OUT.mp4|FOLDER [--fps 30]
//   [--size WxH] [--from S] [--to S] [--csv FILE] [--model DIR] [--tae DIR]
//   [--av-offset MS]
//   Renders a set over a track (see engine/pipeline/renderer.h), with a
//   progress line and ETA on stderr.
// afterimage demo-track -o FILE.wav
//   Writes the project's synthesized demo track (16 s, 124 BPM, a breakdown
//   and a silent passage).
// afterimage synth-track --pattern NAME -o FILE.wav [--bpm B] [--seconds S]
//   [--swing X] [--beats FILE.beats]
//   Writes a synthesized track of one drum pattern (audio/music_synth.h) and,
//   with --beats, its beat times and their places in the bar: music in other genres and tempi than the
//   demo's, to render and measure a set on.
// afterimage reaction CSV [--beats FILE.beats]
//   How a render follows its track, from the render's per-frame CSV: visual
//   change against onset strength, on beats against off them, the flicker in
//   the quiet frames and, for the demo track, the change in its silent
//   passage against the beats (engine/pipeline/reaction.h). The beats are
//   the demo track's, or a .beats file's (one time in seconds per line).
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "audio/beat_evaluation.h"
#include "audio/file_source.h"
#include "audio/music_synth.h"
#include "engine/cli/arguments.h"
#include "engine/cli/commands.h"
#include "engine/pipeline/reaction.h"
#include "engine/pipeline/renderer.h"

namespace afterimage::cli {
namespace {

// On a terminal the line redraws itself; in a log (CI) it appears every 10%.
void printProgress(const pipeline::RenderProgress& p) {
  static const bool terminal = isatty(2);
  uint64_t tenth = std::max<uint64_t>(p.frames / 10, 1);
  if (!terminal && p.frame % tenth != 0 && p.frame != p.frames) return;
  double fps = p.elapsedSeconds > 0 ? p.frame / p.elapsedSeconds : 0;
  double eta = fps > 0 ? (p.frames - p.frame) / fps : 0;
  if (terminal) std::fputc('\r', stderr);
  std::fprintf(stderr, "frame %llu/%llu (%3.0f%%)  %.2f fps  ETA %d:%02d  ",
               static_cast<unsigned long long>(p.frame), static_cast<unsigned long long>(p.frames),
               100.0 * p.frame / std::max<uint64_t>(p.frames, 1), fps, int(eta) / 60, int(eta) % 60);
  if (!terminal || p.frame == p.frames) std::fprintf(stderr, "\n");
}

}  // namespace

int runRender(const CommandArgs& rawArgs) {
  Arguments args(rawArgs, {"gpu", "set", "audio", "o", "fps", "size", "from", "to", "csv", "model", "tae", "av-offset"}, {"quiet"});
  if (!args.positionals().empty()) throw UsageError("unexpected argument '" + args.positionals()[0] + "'");
  pipeline::RenderOptions o;
  auto set = args.value("set"), audio = args.value("audio"), output = args.value("o");
  if (!set || !audio || !output) throw UsageError("--set FILE, --audio TRACK and -o OUTPUT are required");
  o.setPath = *set, o.audioPath = *audio, o.output = *output;
  o.fps = args.number("fps", 30);
  if (o.fps <= 0 || o.fps > 240) throw UsageError("--fps must be in (0, 240], got " + *args.value("fps"));
  if (auto size = args.value("size")) {
    auto s = parseImageSize(*size, "size");
    o.width = s.width, o.height = s.height;
  }
  o.from = args.number("from", 0), o.to = args.number("to", -1);
  if (args.value("av-offset")) {
    o.avOffsetMs = args.number("av-offset", 0);
    if (!(*o.avOffsetMs >= -2000 && *o.avOffsetMs <= 2000))
      throw UsageError("--av-offset must be in [-2000, 2000] ms, got " + *args.value("av-offset"));
  }
  if (o.from < 0) throw UsageError("--from must be 0 or more seconds, got " + *args.value("from"));
  if (args.value("to") && o.to <= o.from)
    throw UsageError("--to must be after --from (" + std::to_string(o.from) + " s), got " + *args.value("to"));
  o.csvPath = args.value("csv", ""), o.modelDir = args.value("model", ""), o.taeDir = args.value("tae", "");
  o.gpu = args.value("gpu", "");
  bool quiet = args.flag("quiet");
  auto result = pipeline::render(o, [&](const pipeline::RenderProgress& p) {
    if (!quiet) printProgress(p);
  });
  std::printf("%s: %llu frames in %.1f s (%.2f fps); per-frame features and visual change in %s\n",
              o.output.c_str(), static_cast<unsigned long long>(result.frames), result.seconds,
              result.frames / std::max(result.seconds, 1e-9), result.csvPath.c_str());
  // The success line itself may fail to land (stdout on a full disk).
  if (std::fflush(stdout) != 0) throw std::runtime_error("cannot write to standard output");
  return 0;
}

int runDemoTrack(const CommandArgs& rawArgs) {
  Arguments args(rawArgs, {"o"}, {});
  auto output = args.value("o");
  if (!output) throw UsageError("-o FILE.wav is required");
  auto track = audio::synthesize(audio::demoTrack());
  audio::writeMonoWav(*output, track.samples, track.sampleRate);
  std::printf("%s: %.1f s at %d Hz, %zu beats\n", output->c_str(), double(track.samples.size()) / track.sampleRate,
              track.sampleRate, track.beats.size());
  return 0;
}

int runSynthTrack(const CommandArgs& rawArgs) {
  Arguments args(rawArgs, {"o", "pattern", "bpm", "seconds", "swing", "beats"}, {});
  auto output = args.value("o");
  auto pattern = args.value("pattern");
  if (!output) throw UsageError("-o FILE.wav is required");
  if (!pattern) throw UsageError("--pattern NAME is required (" + std::string(audio::kPatternNames) + ")");
  audio::TrackSpec spec;
  spec.name = *pattern;
  spec.pattern = *pattern;
  spec.bpm = args.number("bpm", 120);
  spec.seconds = args.number("seconds", 30);
  spec.swing = args.number("swing", -1);
  if (spec.bpm < 30 || spec.bpm > 300) throw UsageError("--bpm must be 30..300");
  if (spec.seconds < 1 || spec.seconds > 600) throw UsageError("--seconds must be 1..600");
  if (spec.swing > 0.5) throw UsageError("--swing must be at most 0.5 beats (negative: the pattern's own)");
  if (!audio::isPatternName(spec.pattern))
    throw UsageError("--pattern: unknown pattern '" + spec.pattern + "' (" + audio::kPatternNames + ")");
  auto beatsPath = args.value("beats");
  if (beatsPath && *beatsPath == *output) throw UsageError("--beats and -o name the same file");
  auto track = audio::synthesize(spec);
  audio::writeMonoWav(*output, track.samples, track.sampleRate);
  if (beatsPath) audio::writeBeatAnnotations(*beatsPath, track.beats, track.beatPlaces);
  std::printf("%s: %s at %.1f BPM, %.1f s at %d Hz, %zu beats%s%s\n", output->c_str(), spec.pattern.c_str(), spec.bpm,
              double(track.samples.size()) / track.sampleRate, track.sampleRate, track.beats.size(),
              beatsPath ? " in " : "", beatsPath ? beatsPath->c_str() : "");
  return 0;
}

int runReaction(const CommandArgs& rawArgs) {
  Arguments args(rawArgs, {"beats"}, {});
  if (args.positionals().size() != 1) throw UsageError("expected the CSV of a render");
  const std::string& csv = args.positionals()[0];
  auto beatsPath = args.value("beats");
  auto demo = audio::demoTrack();
  // Another track than the demo has no known silent passage.
  double silenceFrom = beatsPath ? 0 : demo.silenceFrom, silenceTo = beatsPath ? 0 : demo.silenceTo;
  auto beats = beatsPath ? audio::readBeatAnnotations(*beatsPath) : audio::synthesize(demo).beats;
  auto r = pipeline::measureReaction(pipeline::readRenderCsv(csv), beats, silenceFrom, silenceTo);
  std::printf("%s: %zu frames, %zu beats%s%s\n", csv.c_str(), r.frames + 1, beats.size(),
              beatsPath ? " from " : " of the demo track", beatsPath ? beatsPath->c_str() : "");
  std::printf("  correlation of visual change with onset strength: %.3f (the demo asks > 0.5)\n", r.correlation);
  if (r.silentFrames > 0)
    std::printf("  mean visual change: %.4f in the %zu frames on beats (%.0f ms from each), %.4f in the silence "
                "(%.0f-%.0f s, %zu frames): %.1f%% of the beats' (the demo asks < 20%%)\n",
                r.onBeats, r.beatFrames, 1000 * pipeline::kBeatWindow, r.inSilence, silenceFrom, silenceTo,
                r.silentFrames, 100 * r.silenceShare());
  else
    std::printf("  mean visual change: %.4f in the %zu frames on beats (%.0f ms from each)\n", r.onBeats, r.beatFrames,
                1000 * pipeline::kBeatWindow);
  std::printf("  on beats against off them (%zu frames, %.4f): %.2fx\n", r.offBeatFrames, r.offBeats, r.beatRatio());
  std::printf("  flicker: mean visual change %.4f in the %zu quiet frames (off the beats, onset strength <= %.4f, "
              "the lower quartile)\n",
              r.flicker, r.quietFrames, r.quietOnset);
  return 0;
}

}  // namespace afterimage::cli
