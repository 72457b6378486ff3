// Scoring a beat tracker against human beat annotations, as the MIR
// literature does (Davies et al. 2009, "Evaluation methods for musical audio
// beat tracking algorithms"): F-measure within +-70 ms, the continuity
// scores CMLt (the annotated metrical level) and AMLt (double, half or
// off-beat allowed too), and which metrical relation the detected beats
// have to the annotated ones (right, double, half, 3:2, 2:3, off-beat).
// Also reads a folder of annotated clips: any audio file with a `.beats`
// text file of the same name beside it (one time in seconds first on each
// line; a beat-in-bar number may follow); the clip's genre is its folder.
#pragma once
#include <string>
#include <vector>

namespace afterimage::audio {

struct BeatScore {
  double fMeasure = 0, precision = 0, recall = 0;
  int matched = 0, detections = 0, annotations = 0;
};

// Detections and annotations before `ignoreBefore` seconds are dropped
// (trackers are given the first seconds to settle); each annotation matches
// at most one detection within +-window seconds.
BeatScore beatFMeasure(const std::vector<double>& detections, const std::vector<double>& annotations,
                       double window = 0.07, double ignoreBefore = 5.0);

// The fraction of annotated beats tracked correctly (phase within 17.5 % of
// the beat period and the detected period within 17.5 % of the annotated
// one), at the annotated level (CMLt) or at the best of the annotated,
// off-beat, double and half levels (AMLt).
struct ContinuityScore {
  double cmlt = 0, amlt = 0;
};
ContinuityScore beatContinuity(const std::vector<double>& detections, const std::vector<double>& annotations,
                               double ignoreBefore = 5.0);

// How the detected beat grid relates to the annotated one.
enum class MetricalRelation { Right, OffBeat, Double, Half, ThreeHalves, TwoThirds, Other };
const char* toString(MetricalRelation relation);
MetricalRelation metricalRelation(const std::vector<double>& detections, const std::vector<double>& annotations,
                                  double ignoreBefore = 5.0);

// Median tempo (BPM) of a beat list after `ignoreBefore`; 0 with fewer than two beats.
double medianBpm(const std::vector<double>& beats, double ignoreBefore = 5.0);

struct AnnotatedClip {
  std::string name;     // file name without extension
  std::string genre;    // folder relative to the set's root ("-" at the root)
  std::string audioPath, beatsPath;
};
// Sorted by genre, then name. Throws std::runtime_error naming the folder
// when it cannot be read or holds no annotated clip.
std::vector<AnnotatedClip> findAnnotatedClips(const std::string& folder);
// Beat times from a .beats file. Throws std::runtime_error naming the file
// and line of anything that is not a time.
std::vector<double> readBeatAnnotations(const std::string& path);
// The bars of a .beats file whose lines number the beats in the bar (1 = the
// downbeat): the downbeat times and the most frequent bar length in beats.
// Empty and 0 where the file numbers no beat; errors as readBeatAnnotations.
struct BarAnnotations {
  std::vector<double> downbeats;
  int beatsPerBar = 0;
};
BarAnnotations readBarAnnotations(const std::string& path);
// Writes beat times, one per line, as readBeatAnnotations reads them; with
// places (one per beat, 1 the downbeat) each with its place in the bar, as
// readBarAnnotations reads them. Throws std::runtime_error naming the file
// when it cannot be written, std::invalid_argument for places that are not
// one per beat.
void writeBeatAnnotations(const std::string& path, const std::vector<double>& beats,
                          const std::vector<int>& places = {});

}  // namespace afterimage::audio
