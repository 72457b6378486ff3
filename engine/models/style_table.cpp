#include "engine/models/style_table.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <set>

#include "engine/nn/safetensors.h"

namespace afterimage::models {
std::string styleNameOf(const std::string& prompt) {
  auto begin = prompt.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  return prompt.substr(begin, prompt.find_last_not_of(" \t\r\n") - begin + 1);
}

std::vector<std::string> readStyleNames(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw StyleTableError(path + ": cannot open");
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw StyleTableError(path + ": invalid JSON: " + e.what());
  }
  if (!json.is_object() || !json.contains("styles") || !json["styles"].is_array())
    throw StyleTableError(path + ": field 'styles': expected a list of style names");
  std::vector<std::string> names;
  std::set<std::string> seen;
  for (const auto& item : json["styles"]) {
    if (!item.is_string() || styleNameOf(item.get<std::string>()).empty())
      throw StyleTableError(path + ": field 'styles': expected non-empty names, found " + item.dump());
    std::string name = styleNameOf(item.get<std::string>());
    if (!seen.insert(name).second) throw StyleTableError(path + ": field 'styles': '" + name + "' appears twice");
    names.push_back(name);
  }
  return names;
}

StyleTable StyleTable::load(const std::string& weightsPath, const std::string& namesPath) {
  StyleTable table;
  table.source_ = weightsPath;
  table.names_ = readStyleNames(namesPath);
  nn::SafetensorsFile file(weightsPath);
  const auto& record = file.require("embeddings");
  if (record.shape.size() != 3 || record.shape[0] < 1 || record.shape[1] < 1 || record.shape[2] < 1)
    throw StyleTableError(weightsPath + ": tensor 'embeddings' has shape " + nn::shapeString(record.shape) +
                          ", expected [styles, tokens, dim]");
  if (size_t(record.shape[0]) != table.names_.size())
    throw StyleTableError(weightsPath + ": tensor 'embeddings' holds " + std::to_string(record.shape[0]) +
                          " styles, " + namesPath + " names " + std::to_string(table.names_.size()));
  table.tokens_ = uint32_t(record.shape[1]);
  table.dim_ = uint32_t(record.shape[2]);
  table.values_ = file.readFloats(record);
  return table;
}

std::vector<float> StyleTable::embedding(const std::string& name) const {
  std::string key = styleNameOf(name);
  auto it = std::find(names_.begin(), names_.end(), key);
  if (it == names_.end()) {
    std::string known;
    for (const auto& n : names_) known += (known.empty() ? "" : ", ") + n;
    throw StyleTableError("unknown style '" + key + "' (" + source_ + " knows: " + known + ")");
  }
  size_t rows = size_t(tokens_) * dim_, index = size_t(it - names_.begin());
  return {values_.begin() + index * rows, values_.begin() + (index + 1) * rows};
}

}  // namespace afterimage::models
