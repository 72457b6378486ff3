#include "engine/nn/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "engine/nn/half.h"

namespace afterimage::nn {
namespace {

struct TypeInfo {
  const char* name;
  StoredType type;
  size_t size;
};
constexpr TypeInfo kTypes[] = {{"F64", StoredType::F64, 8}, {"F32", StoredType::F32, 4}, {"F16", StoredType::F16, 2},
                               {"BF16", StoredType::BF16, 2}, {"I64", StoredType::I64, 8}, {"I32", StoredType::I32, 4},
                               {"I16", StoredType::I16, 2},  {"I8", StoredType::I8, 1},   {"U8", StoredType::U8, 1},
                               {"BOOL", StoredType::BOOL, 1}};

// Headers beyond this are not weight files (real ones are a few hundred KiB).
constexpr uint64_t kMaxHeaderBytes = 100u << 20;

}  // namespace

size_t storedTypeSize(StoredType type) {
  for (const auto& t : kTypes)
    if (t.type == type) return t.size;
  return 0;
}

const char* storedTypeName(StoredType type) {
  for (const auto& t : kTypes)
    if (t.type == type) return t.name;
  return "?";
}

int64_t TensorRecord::elements() const {
  int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

std::string shapeString(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

SafetensorsFile::SafetensorsFile(const std::string& path) : path_(path) {
  auto fail = [&](const std::string& what) { throw WeightError(path_ + ": " + what); };
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail(std::string("cannot open: ") + std::strerror(errno));
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    fail("not a regular file");
  }
  mappingSize_ = static_cast<size_t>(st.st_size);
  if (mappingSize_ < 8) {
    ::close(fd);
    fail("truncated: " + std::to_string(mappingSize_) + " bytes, a safetensors file starts with an 8-byte header length");
  }
  void* map = mmap(nullptr, mappingSize_, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) fail("mmap failed");
  mapping_ = static_cast<const std::byte*>(map);

  try {
    uint64_t headerBytes = 0;
    std::memcpy(&headerBytes, mapping_, 8);  // little-endian, as is every platform we build for
    if (headerBytes > kMaxHeaderBytes || headerBytes > mappingSize_ - 8) {
      fail("bad header length " + std::to_string(headerBytes) + " (file has " + std::to_string(mappingSize_) +
           " bytes): not a safetensors file, or truncated");
    }
    data_ = mapping_ + 8 + headerBytes;
    dataSize_ = mappingSize_ - 8 - headerBytes;
    nlohmann::json header;
    try {
      header = nlohmann::json::parse(reinterpret_cast<const char*>(mapping_ + 8),
                                     reinterpret_cast<const char*>(mapping_ + 8 + headerBytes));
    } catch (const nlohmann::json::exception& e) {
      fail(std::string("header is not valid JSON: ") + e.what());
    }
    if (!header.is_object()) fail("header is not a JSON object");
    for (auto it = header.begin(); it != header.end(); ++it) {
      const std::string& name = it.key();
      const auto& entry = it.value();
      if (name == "__metadata__") {
        if (!entry.is_object()) fail("__metadata__ is not an object");
        for (auto m = entry.begin(); m != entry.end(); ++m)
          metadata_[m.key()] = m.value().is_string() ? m.value().get<std::string>() : m.value().dump();
        continue;
      }
      auto bad = [&](const std::string& what) { fail("tensor '" + name + "': " + what); };
      if (!entry.is_object() || !entry.contains("dtype") || !entry.contains("shape") || !entry.contains("data_offsets"))
        bad("entry needs dtype, shape and data_offsets");
      TensorRecord record;
      record.name = name;
      const auto& dtype = entry["dtype"];
      const TypeInfo* type = nullptr;
      if (dtype.is_string())
        for (const auto& t : kTypes)
          if (dtype.get<std::string>() == t.name) type = &t;
      if (!type) bad("unsupported dtype " + dtype.dump());
      record.dtype = type->type;
      if (!entry["shape"].is_array()) bad("shape is not an array");
      for (const auto& d : entry["shape"]) {
        if (!d.is_number_integer() || d.get<int64_t>() < 0) bad("shape has a non-integer or negative dimension");
        record.shape.push_back(d.get<int64_t>());
      }
      const auto& offsets = entry["data_offsets"];
      if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
          !offsets[1].is_number_unsigned())
        bad("data_offsets must be two non-negative integers");
      record.begin = offsets[0].get<uint64_t>();
      record.end = offsets[1].get<uint64_t>();
      if (record.begin > record.end) bad("data_offsets are reversed");
      if (record.end > dataSize_)
        bad("data_offsets [" + std::to_string(record.begin) + ", " + std::to_string(record.end) +
            "] run past the end of the data (" + std::to_string(dataSize_) + " bytes): file truncated?");
      __int128 expected = static_cast<__int128>(type->size);
      for (auto d : record.shape) expected *= d;
      if (expected != static_cast<__int128>(record.end - record.begin))
        bad("shape " + shapeString(record.shape) + " of " + type->name + " needs " +
            std::to_string(static_cast<long long>(expected)) + " bytes, data_offsets give " +
            std::to_string(record.end - record.begin));
      byName_[name] = tensors_.size();
      tensors_.push_back(std::move(record));
    }
    std::vector<const TensorRecord*> sorted;
    for (const auto& t : tensors_) sorted.push_back(&t);
    std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->begin < b->begin; });
    for (size_t i = 1; i < sorted.size(); ++i) {
      if (sorted[i]->begin < sorted[i - 1]->end && sorted[i]->begin != sorted[i]->end)
        fail("tensors '" + sorted[i - 1]->name + "' and '" + sorted[i]->name + "' overlap");
    }
  } catch (...) {
    munmap(const_cast<std::byte*>(mapping_), mappingSize_);
    throw;
  }
}

SafetensorsFile::~SafetensorsFile() {
  if (mapping_) munmap(const_cast<std::byte*>(mapping_), mappingSize_);
}

const TensorRecord* SafetensorsFile::find(const std::string& name) const {
  auto it = byName_.find(name);
  return it == byName_.end() ? nullptr : &tensors_[it->second];
}

const TensorRecord& SafetensorsFile::require(const std::string& name, const std::vector<int64_t>& expectedShape) const {
  const TensorRecord* record = find(name);
  if (!record) throw WeightError(path_ + ": missing tensor '" + name + "'" +
                                 (expectedShape.empty() ? "" : " (expected shape " + shapeString(expectedShape) + ")"));
  if (!expectedShape.empty() && record->shape != expectedShape)
    throw WeightError(path_ + ": tensor '" + name + "' has shape " + shapeString(record->shape) + ", expected " +
                      shapeString(expectedShape));
  return *record;
}

std::span<const std::byte> SafetensorsFile::bytes(const TensorRecord& record) const {
  return {data_ + record.begin, static_cast<size_t>(record.end - record.begin)};
}

std::string findNonFinite(const SafetensorsFile& file) {
  // On the stored bits: an all-ones exponent is NaN or infinity in every IEEE format.
  auto scan = [](std::span<const std::byte> raw, size_t size, uint64_t exponent) -> int64_t {
    for (size_t i = 0; i + size <= raw.size(); i += size) {
      uint64_t bits = 0;
      std::memcpy(&bits, raw.data() + i, size);
      if ((bits & exponent) == exponent) return static_cast<int64_t>(i / size);
    }
    return -1;
  };
  for (const auto& record : file.tensors()) {
    int64_t at = -1;
    switch (record.dtype) {
      case StoredType::F16: at = scan(file.bytes(record), 2, 0x7C00); break;
      case StoredType::BF16: at = scan(file.bytes(record), 2, 0x7F80); break;
      case StoredType::F32: at = scan(file.bytes(record), 4, 0x7F800000); break;
      case StoredType::F64: at = scan(file.bytes(record), 8, 0x7FF0000000000000ull); break;
      default: break;
    }
    if (at >= 0)
      return "tensor '" + record.name + "' element " + std::to_string(at) + " holds NaN or infinity";
  }
  return "";
}

std::vector<float> SafetensorsFile::readFloats(const TensorRecord& record) const {
  return readFloats(record, 0, static_cast<size_t>(record.elements()));
}

std::vector<float> SafetensorsFile::readFloats(const TensorRecord& record, size_t first, size_t count) const {
  if (first + count > static_cast<size_t>(record.elements()))
    throw WeightError(path_ + ": tensor '" + record.name + "': elements " + std::to_string(first) + ".." +
                      std::to_string(first + count) + " are past its end (" + std::to_string(record.elements()) + ")");
  auto raw = bytes(record).subspan(first * storedTypeSize(record.dtype));
  std::vector<float> out(count);
  switch (record.dtype) {
    case StoredType::F32:
      std::memcpy(out.data(), raw.data(), count * 4);
      break;
    case StoredType::F64:
      for (size_t i = 0; i < count; ++i) {
        double d;
        std::memcpy(&d, raw.data() + i * 8, 8);
        out[i] = static_cast<float>(d);
      }
      break;
    case StoredType::F16:
    case StoredType::BF16:
      for (size_t i = 0; i < count; ++i) {
        uint16_t h;
        std::memcpy(&h, raw.data() + i * 2, 2);
        out[i] = record.dtype == StoredType::F16 ? halfToFloat(h) : bfloat16ToFloat(h);
      }
      break;
    default:
      throw WeightError(path_ + ": tensor '" + record.name + "' has dtype " + storedTypeName(record.dtype) +
                        ", expected a floating-point type (F32, F16, BF16)");
  }
  return out;
}

std::string safetensorsPrefix(const std::vector<TensorRecord>& tensors,
                              const std::map<std::string, std::string>& metadata) {
  nlohmann::json header = nlohmann::json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  for (const auto& t : tensors)
    header[t.name] = {{"dtype", storedTypeName(t.dtype)}, {"shape", t.shape}, {"data_offsets", {t.begin, t.end}}};
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');  // keep the data 8-byte aligned
  uint64_t length = text.size();
  return std::string(reinterpret_cast<const char*>(&length), 8) + text;
}

void writeSafetensors(const std::string& path, const std::vector<TensorToWrite>& tensors,
                      const std::map<std::string, std::string>& metadata) {
  std::vector<TensorRecord> records;
  uint64_t offset = 0;
  for (const auto& t : tensors) {
    if (t.dtype != StoredType::F32 && t.dtype != StoredType::F16)
      throw WeightError(path + ": writing tensor '" + t.name + "': only F32 and F16 are written");
    int64_t n = 1;
    for (auto d : t.shape) n *= d;
    if (n != static_cast<int64_t>(t.values.size()))
      throw WeightError(path + ": tensor '" + t.name + "' has " + std::to_string(t.values.size()) +
                        " values for shape " + shapeString(t.shape));
    uint64_t bytes = static_cast<uint64_t>(n) * storedTypeSize(t.dtype);
    records.push_back({t.name, t.dtype, t.shape, offset, offset + bytes});
    offset += bytes;
  }
  std::string prefix = safetensorsPrefix(records, metadata);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw WeightError(path + ": cannot write");
  out.write(prefix.data(), static_cast<std::streamsize>(prefix.size()));
  for (const auto& t : tensors) {
    if (t.dtype == StoredType::F32) {
      out.write(reinterpret_cast<const char*>(t.values.data()), static_cast<std::streamsize>(t.values.size() * 4));
    } else {
      auto half = toHalf(t.values);
      out.write(reinterpret_cast<const char*>(half.data()), static_cast<std::streamsize>(half.size() * 2));
    }
  }
  if (!out) throw WeightError(path + ": write failed");
}

}  // namespace afterimage::nn
