#include "engine/pipeline/renderer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "audio/analyzer.h"
#include "audio/file_source.h"
#include "audio/offline_analysis.h"
#include "engine/pipeline/av_offset.h"
#include "engine/pipeline/frame_features.h"
#include "engine/pipeline/set_file.h"
#include "engine/pipeline/show.h"
#include "engine/pipeline/video_writer.h"
#include "engine/system/pending_file.h"

namespace afterimage::pipeline {
namespace {

using Clock = std::chrono::steady_clock;

// Mean absolute RGB difference between two RGBA8 frames, in [0, 1].
double visualChange(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  if (a.size() != b.size() || a.empty()) return 0;
  uint64_t sum = 0;
  for (size_t i = 0; i < a.size(); i += 4)
    for (size_t c = 0; c < 3; ++c) sum += uint64_t(std::abs(int(a[i + c]) - int(b[i + c])));
  return double(sum) / (255.0 * 3.0 * double(a.size() / 4));
}

const char* kCsvHeader =
    "frame,time,scene,rms_dbfs,loudness,sub,low,mid,high,flux,onset_strength,onset,beat,bpm,confidence,beat_phase,"
    "strength,zoom,rotate,seed_mix,strobe,blackout,visual_change,kick,snare,hat,section,drop_in_bars\n";

// An output that names an input would destroy it before it is read (or
// while): refused, compared as files (links and "./" included).
void refuseOutputsOverInputs(const RenderOptions& o, const std::string& csvPath) {
  struct Named {
    const char* option;
    const std::string& path;
  };
  const Named outputs[] = {{"-o", o.output}, {"--csv", csvPath}};
  const Named inputs[] = {{"--set", o.setPath}, {"--audio", o.audioPath}};
  for (const auto& out : outputs)
    for (const auto& in : inputs)
      if (system::sameFile(out.path, in.path))
        throw std::invalid_argument(std::string("render: ") + out.option + " " + out.path + " is the file of " +
                                    in.option + "; it would be overwritten");
  if (system::sameFile(o.output, csvPath))
    throw std::invalid_argument("render: --csv " + csvPath + " and -o " + o.output + " name the same file");
  // Said before the model loads; VideoWriter would refuse it too.
  if (isVideoPath(o.output) && std::filesystem::is_directory(o.output))
    throw std::invalid_argument("render: -o " + o.output + " is a folder; a video needs a file name");
}

std::string defaultCsvPath(const RenderOptions& o) {
  if (!o.csvPath.empty()) return o.csvPath;
  return isVideoPath(o.output) ? o.output + ".csv" : (std::filesystem::path(o.output) / "frames.csv").string();
}

}  // namespace

RenderResult render(const RenderOptions& o, const std::function<void(const RenderProgress&)>& progress) {
  auto start = Clock::now();
  // Written so that NaN fails too.
  if (!(o.fps > 0 && o.fps <= 240)) throw std::invalid_argument("render: fps must be in (0, 240]");
  if (!std::isfinite(o.from) || !std::isfinite(o.to))
    throw std::invalid_argument("render: --from and --to must be finite numbers of seconds");
  RenderResult result;
  result.csvPath = defaultCsvPath(o);
  refuseOutputsOverInputs(o, result.csvPath);
  auto set = std::make_shared<const Set>(loadSet(o.setPath, limitsOfSetModel(o.modelDir, o.taeDir)));

  // Only the part up to --to is read: the analyzer never looks past it, and
  // a long recording need not fit in memory for a short excerpt.
  audio::FileSource track(o.audioPath);
  int rate = track.sampleRate();
  double duration = double(track.frames()) / rate;
  double from = std::clamp(o.from, 0.0, duration);
  double to = o.to < 0 ? duration : std::min(o.to, duration);
  if (to <= from)
    throw std::invalid_argument("render: nothing to render between " + std::to_string(from) + " s and " +
                                std::to_string(to) + " s of " + o.audioPath + " (" + std::to_string(duration) +
                                " s long)");
  std::vector<float> samples(std::min(size_t(track.frames()), size_t(std::ceil(to * rate))));
  samples.resize(track.read(samples.data(), samples.size()));
  // The live mode's causal analyzer, run ahead over the track: frame n sees
  // only the snapshots heard by its time.
  audio::AnalyzerOptions analysis;
  analysis.sampleRate = rate;
  audio::Analyzer analyzer(analysis);
  std::vector<audio::FeatureSnapshot> snapshots;
  samples.resize(std::min(samples.size(), size_t(std::ceil(to * rate))));
  audio::analyzeSamples(analyzer, samples, [&](const audio::FeatureSnapshot& s) { snapshots.push_back(s); });
  if (snapshots.empty()) throw std::runtime_error(o.audioPath + ": too short to analyse");

  gpu::Context context({.gpu = o.gpu});
  ShowOptions showOptions;
  showOptions.modelDir = o.modelDir;
  showOptions.taeDir = o.taeDir;
  showOptions.width = o.width, showOptions.height = o.height;
  Show show(context, set, showOptions);
  const Generator& generator = show.generator();

  auto frames = uint64_t(std::floor((to - from) * o.fps));
  if (frames == 0)
    throw std::invalid_argument("render: no frame to render in " + std::to_string(to - from) + " s at " +
                                std::to_string(o.fps) + " fps");
  VideoWriter video({o.output, generator.width(), generator.height(), o.fps, o.audioPath, from});
  system::PendingFile csvFile(result.csvPath);
  std::ofstream csv(csvFile.path());
  if (!csv) throw std::runtime_error(result.csvPath + ": cannot write the per-frame CSV");
  csv << kCsvHeader;

  // The analyzer reports an attack up to kOnsetDelay and a hop after it
  // starts; offline, the frame shown at or after the attack answers it (a
  // live show cannot look ahead, and answers a frame later at worst).
  const double detectionDelay = audio::kOnsetDelay + analyzer.hopSeconds();
  std::vector<uint8_t> previous;
  size_t heard = 0, lastHeard = 0;
  double avOffsetMs = o.avOffsetMs.value_or(set->control.avOffsetMs);
  // Pipelined: frame n is prepared while frame n - 1 runs and queued behind
  // it, then frame n - 1 is waited for and written while frame n runs on
  // the GPU. The frames are those made one at a time (Generator::prepare).
  struct Written {
    uint64_t n = 0;
    double t = 0;
    audio::FeatureSnapshot features;
    GenParams params;
  } inFlight;
  auto write = [&](const Written& w) {
    auto pixels = show.pixels();
    double change = visualChange(pixels, previous);
    previous.assign(pixels.begin(), pixels.end());
    video.write(pixels);
    const auto& s = w.features;
    const GenParams& params = w.params;
    char row[512];
    std::snprintf(row, sizeof row,
                  "%llu,%.4f,%d,%.2f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%d,%d,%.2f,%.3f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%d,"
                  "%.5f,%d,%d,%d,%s,%.2f\n",
                  static_cast<unsigned long long>(w.n), w.t, params.scene, s.rmsDbfs, s.loudness, s.bands[audio::Sub],
                  s.bands[audio::Low], s.bands[audio::Mid], s.bands[audio::High], s.flux, s.onsetStrength,
                  s.onset ? 1 : 0, s.beat ? 1 : 0, s.bpm, s.confidence, s.beatPhase, params.strength, params.zoom,
                  params.rotate, params.seedMix, params.strobe, params.blackout ? 1 : 0, change,
                  int(s.drumHit[audio::Kick]), int(s.drumHit[audio::Snare]), int(s.drumHit[audio::Hat]),
                  audio::musicSectionName(s.section), s.dropInBars);
    csv << row;
    if (progress)
      progress({w.n + 1, frames, std::chrono::duration<double>(Clock::now() - start).count()});
  };
  for (uint64_t n = 0; n < frames; ++n) {
    // t: when the frame is in the video (its audio plays then); music: the
    // moment of the track it shows (av_offset.h).
    double t = from + double(n) / o.fps;
    double music = std::max(0.0, musicTimeOnScreen(t, avOffsetMs));
    while (heard + 1 < snapshots.size() && snapshots[heard + 1].time <= music + detectionDelay) ++heard;
    // The hops since the previous frame (none new above the hop rate: the
    // latest again, its events already shown).
    size_t first = n == 0 || heard == lastHeard ? heard : lastHeard + 1;
    audio::FeatureSnapshot s =
        frameFeatures(std::span<const audio::FeatureSnapshot>(snapshots).subspan(first, heard + 1 - first));
    if (n > 0 && heard == lastHeard) s.onset = s.beat = false;
    lastHeard = heard;

    const GenParams& params = show.prepare(s, music);
    show.generator().submit();
    if (n > 0) {
      show.generator().wait();  // frame n - 1
      write(inFlight);
    }
    inFlight.n = n, inFlight.t = t, inFlight.features = s;
    inFlight.params = params;  // copy-assigned: the prompts' storage is reused
  }
  show.generator().wait();
  write(inFlight);
  // The CSV is checked before the video replaces anything: a full disk
  // fails the whole render.
  csv.close();
  if (!csv) throw std::runtime_error(result.csvPath + ": write failed (disk full?)");
  video.finish();
  csvFile.commit();
  result.frames = frames;
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

}  // namespace afterimage::pipeline
