// Reads a model's tensors by name from one safetensors file into a
// WeightStore, checking each shape and counting parameters. Errors
// (nn::WeightError) name the file, the tensor, the expected and found shape.
// A reader made with randomWeights() instead gives every tensor seeded
// random values of the asked shape (benchmarks of full-size models whose
// weights are not at hand: timing does not depend on the values); one made
// with shapesOnly() only lists the tensors a model asks for (invalid
// tensors come back), so a model's layout can be written out.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "engine/nn/conv2d.h"
#include "engine/nn/safetensors.h"
#include "engine/nn/weight_store.h"

namespace afterimage::models {

struct LinearWeights {
  nn::Tensor weight;  // [out, in]
  nn::Tensor bias;    // [out] or invalid
};

struct NormWeights {
  nn::Tensor gamma, beta;  // [C]
};

class WeightReader {
 public:
  WeightReader(const std::string& path, nn::WeightStore& store);
  static WeightReader randomWeights(uint64_t seed, nn::WeightStore& store);
  static WeightReader shapesOnly(nn::WeightStore& store);

  struct Requested {
    std::string name;
    nn::Shape shape;  // as stored
  };
  const std::vector<Requested>& requested() const { return requested_; }
  bool hasFile() const { return file_ != nullptr; }
  bool shapesOnlyMode() const { return shapesOnly_; }
  // A tensor the model reads itself (e.g. on the host): checked in the file,
  // listed by shapesOnly().
  void expect(const std::string& name, const nn::Shape& shape);

  const nn::SafetensorsFile& file() const;  // throws for random weights
  bool has(const std::string& name) const { return !file_ || file_->find(name) != nullptr; }
  nn::Shape shapeOf(const std::string& name) const;  // throws if missing

  nn::Tensor tensor(const std::string& name, const nn::Shape& shape);
  // The values of a tensor on the host, for weights the model combines
  // before uploading them (empty for shapesOnly()).
  std::vector<float> values(const std::string& name, const nn::Shape& shape);
  // A tensor stored with `storedShape`, given to the model as `shape` (same element count).
  nn::Tensor tensorAs(const std::string& name, const nn::Shape& storedShape, const nn::Shape& shape);
  // Tensors of one shape stacked into one [count, ...shape] tensor (layers a
  // model runs as one GEMM), each read, checked and counted as tensor() does.
  nn::Tensor stacked(const std::vector<std::string>& names, const nn::Shape& shape);
  LinearWeights linear(const std::string& prefix, uint32_t in, uint32_t out, bool bias);
  // A linear layer whose 2F outputs feed GEGLU (value, gate), its rows
  // interleaved as nn::linearGeglu takes them.
  LinearWeights gegluLinear(const std::string& prefix, uint32_t in, uint32_t out);
  // A 1x1 convolution [out, in, 1, 1] used as a linear layer over tokens.
  LinearWeights pointwiseConvAsLinear(const std::string& prefix, uint32_t in, uint32_t out);
  nn::Conv2dWeights conv(const std::string& prefix, uint32_t in, uint32_t out, uint32_t kernel, bool bias = true);
  NormWeights norm(const std::string& prefix, uint32_t channels);

  uint64_t parameters() const { return parameters_; }

 private:
  WeightReader(uint64_t seed, bool shapesOnly, nn::WeightStore& store)
      : store_(store), seed_(seed), shapesOnly_(shapesOnly) {}

  std::unique_ptr<nn::SafetensorsFile> file_;
  nn::WeightStore& store_;
  uint64_t seed_ = 0;
  bool shapesOnly_ = false;
  uint64_t parameters_ = 0;
  std::vector<Requested> requested_;
};

}  // namespace afterimage::models
