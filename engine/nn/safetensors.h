// safetensors files: memory-mapped, header validated before any tensor is
// touched (offsets inside the file, sizes that agree with dtype and shape,
// no overlapping tensors). Errors name the file and the tensor.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace afterimage::nn {

class WeightError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class StoredType { F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL };

size_t storedTypeSize(StoredType type);
const char* storedTypeName(StoredType type);

struct TensorRecord {
  std::string name;
  StoredType dtype;
  std::vector<int64_t> shape;
  uint64_t begin = 0;  // byte offsets into the data section
  uint64_t end = 0;
  int64_t elements() const;
};

std::string shapeString(const std::vector<int64_t>& shape);

class SafetensorsFile {
 public:
  // Throws WeightError: missing or unreadable file, bad header length,
  // invalid JSON, unknown dtype, size/shape mismatch, offsets past the end,
  // overlapping tensors.
  explicit SafetensorsFile(const std::string& path);
  ~SafetensorsFile();
  SafetensorsFile(const SafetensorsFile&) = delete;
  SafetensorsFile& operator=(const SafetensorsFile&) = delete;

  const std::string& path() const { return path_; }
  const std::vector<TensorRecord>& tensors() const { return tensors_; }
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  const TensorRecord* find(const std::string& name) const;
  // The tensor, or a WeightError naming file, tensor, expected and found
  // shape. An empty expected shape accepts any shape.
  const TensorRecord& require(const std::string& name, const std::vector<int64_t>& expectedShape = {}) const;
  std::span<const std::byte> bytes(const TensorRecord& record) const;
  // Values converted from F32/F16/BF16/F64 (other dtypes are an error).
  std::vector<float> readFloats(const TensorRecord& record) const;
  // `count` values from element `first` on (e.g. rows of an embedding table).
  std::vector<float> readFloats(const TensorRecord& record, size_t first, size_t count) const;
  std::vector<float> readFloats(const std::string& name, const std::vector<int64_t>& expectedShape = {}) const {
    return readFloats(require(name, expectedShape));
  }

 private:
  std::string path_;
  const std::byte* mapping_ = nullptr;
  size_t mappingSize_ = 0;
  const std::byte* data_ = nullptr;
  size_t dataSize_ = 0;
  std::vector<TensorRecord> tensors_;
  std::map<std::string, size_t> byName_;
  std::map<std::string, std::string> metadata_;
};

// The first element that is NaN or infinite, in the first floating-point
// tensor holding one ("tensor 'NAME' element I holds NaN or infinity"), or
// empty: weights that would turn every frame to NaN.
std::string findNonFinite(const SafetensorsFile& file);

struct TensorToWrite {
  std::string name;
  std::vector<int64_t> shape;
  std::vector<float> values;
  StoredType dtype = StoredType::F32;  // F32 or F16
};

// The bytes before the data of a file holding these tensors (their begin
// and end offsets into the data section set): the 8-byte header length and
// the JSON header, padded so the data is 8-byte aligned. For writers that
// stream the data themselves.
std::string safetensorsPrefix(const std::vector<TensorRecord>& tensors,
                              const std::map<std::string, std::string>& metadata = {});

// Writes a safetensors file (tensors in the given order). Throws WeightError.
void writeSafetensors(const std::string& path, const std::vector<TensorToWrite>& tensors,
                      const std::map<std::string, std::string>& metadata = {});

}  // namespace afterimage::nn
