#include "engine/text/clip_tokenizer.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/text/byte_level.h"
#include "engine/text/clip_text_splitter.h"

namespace afterimage::text {
namespace {

const char* kEndOfWord = "</w>";
// transformers writes 1e30 when a tokenizer has no length limit; CLIP text
// encoders have 77 positions.
constexpr int kDefaultMaxLength = 77;

std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw TokenizerError(path.string() + ": cannot open");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

nlohmann::json readJson(const std::filesystem::path& path) {
  try {
    return nlohmann::json::parse(readFile(path));
  } catch (const nlohmann::json::parse_error& e) {
    throw TokenizerError(path.string() + ": invalid JSON: " + e.what());
  }
}

// A special token is written either as a string or as an AddedToken object
// {"content": "...", ...}.
void readSpecial(const nlohmann::json& config, const std::filesystem::path& path, const char* field, std::string& out) {
  if (!config.contains(field) || config[field].is_null()) return;
  const nlohmann::json& value = config[field];
  if (value.is_string()) {
    out = value.get<std::string>();
  } else if (value.is_object() && value.contains("content") && value["content"].is_string()) {
    out = value["content"].get<std::string>();
  } else {
    throw TokenizerError(path.string() + ": field '" + field + "': expected a string or {\"content\": ...}, found " +
                         value.dump());
  }
}

std::vector<std::pair<std::string, std::string>> readMerges(const std::filesystem::path& path) {
  std::istringstream lines(readFile(path));
  std::vector<std::pair<std::string, std::string>> merges;
  std::string line;
  int lineNumber = 0;
  while (std::getline(lines, line)) {
    ++lineNumber;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.rfind("#version", 0) == 0) continue;
    size_t space = line.find(' ');
    if (space == std::string::npos || space == 0 || space + 1 == line.size() || line.find(' ', space + 1) != std::string::npos) {
      throw TokenizerError(path.string() + ": line " + std::to_string(lineNumber) +
                           ": expected two symbols separated by one space, found '" + line + "'");
    }
    merges.emplace_back(line.substr(0, space), line.substr(space + 1));
  }
  return merges;
}

}  // namespace

ClipTokenizer ClipTokenizer::load(const std::string& folder) {
  const std::filesystem::path dir(folder);
  const std::filesystem::path vocabPath = dir / "vocab.json";
  nlohmann::json vocabJson = readJson(vocabPath);
  if (!vocabJson.is_object()) throw TokenizerError(vocabPath.string() + ": expected an object {token: id}");
  std::unordered_map<std::string, int32_t> vocab;
  vocab.reserve(vocabJson.size());
  for (auto& [token, id] : vocabJson.items()) {
    if (!id.is_number_integer() || id.get<int64_t>() < 0 || id.get<int64_t>() > INT32_MAX) {
      throw TokenizerError(vocabPath.string() + ": token '" + token + "': expected a non-negative integer id, found " +
                           id.dump());
    }
    vocab.emplace(token, id.get<int32_t>());
  }

  SpecialTokens special;
  int maxLength = kDefaultMaxLength;
  const std::filesystem::path configPath = dir / "tokenizer_config.json";
  if (std::filesystem::exists(configPath)) {
    nlohmann::json config = readJson(configPath);
    readSpecial(config, configPath, "bos_token", special.bos);
    readSpecial(config, configPath, "eos_token", special.eos);
    readSpecial(config, configPath, "pad_token", special.pad);
    readSpecial(config, configPath, "unk_token", special.unk);
    if (config.contains("model_max_length")) {
      const nlohmann::json& value = config["model_max_length"];
      if (!value.is_number()) {
        throw TokenizerError(configPath.string() + ": field 'model_max_length': expected a number, found " + value.dump());
      }
      double length = value.get<double>();
      if (length < 3) {
        throw TokenizerError(configPath.string() + ": field 'model_max_length': expected at least 3, found " +
                             value.dump());
      }
      if (length < 1e6) maxLength = int(length);
    }
  }
  const std::filesystem::path mapPath = dir / "special_tokens_map.json";
  if (std::filesystem::exists(mapPath)) {
    nlohmann::json map = readJson(mapPath);
    readSpecial(map, mapPath, "bos_token", special.bos);
    readSpecial(map, mapPath, "eos_token", special.eos);
    readSpecial(map, mapPath, "pad_token", special.pad);
    readSpecial(map, mapPath, "unk_token", special.unk);
  }
  try {
    return ClipTokenizer(std::move(vocab), readMerges(dir / "merges.txt"), special, maxLength);
  } catch (const TokenizerError& e) {
    throw TokenizerError(folder + ": " + e.what());
  }
}

ClipTokenizer::ClipTokenizer(std::unordered_map<std::string, int32_t> vocab,
                             const std::vector<std::pair<std::string, std::string>>& merges, SpecialTokens special,
                             int maxLength)
    : vocab_(std::move(vocab)), encoder_(merges), special_(std::move(special)), maxLength_(maxLength) {
  bosId_ = requireId(special_.bos, "bos_token");
  eosId_ = requireId(special_.eos, "eos_token");
  padId_ = requireId(special_.pad, "pad_token");
  unkId_ = requireId(special_.unk, "unk_token");
  if (maxLength_ < 3) throw TokenizerError("model_max_length: expected at least 3, found " + std::to_string(maxLength_));
  for (const std::string* token : {&special_.bos, &special_.eos, &special_.pad, &special_.unk}) {
    if (std::find(specialStrings_.begin(), specialStrings_.end(), *token) == specialStrings_.end()) {
      specialStrings_.push_back(*token);
    }
  }
}

int32_t ClipTokenizer::tokenId(const std::string& token) const {
  auto it = vocab_.find(token);
  return it == vocab_.end() ? -1 : it->second;
}

int32_t ClipTokenizer::requireId(const std::string& token, const char* role) const {
  int32_t id = tokenId(token);
  if (id < 0) throw TokenizerError(std::string(role) + " '" + token + "' is not in vocab.json");
  return id;
}

std::vector<int32_t> ClipTokenizer::tokenize(std::string_view prompt) const {
  std::vector<int32_t> ids;
  for (const ClipWord& word : splitClipWords(normalizeClipText(prompt), specialStrings_)) {
    if (word.special) {
      ids.push_back(tokenId(word.text));
      continue;
    }
    std::vector<std::string> symbols = byteSymbols(word.text);
    symbols.back() += kEndOfWord;
    for (const std::string& symbol : encoder_.encode(std::move(symbols))) {
      int32_t id = tokenId(symbol);
      ids.push_back(id >= 0 ? id : unkId_);
    }
  }
  return ids;
}

std::vector<int32_t> ClipTokenizer::encode(std::string_view prompt) const {
  std::vector<int32_t> content = tokenize(prompt);
  content.resize(std::min(content.size(), size_t(maxLength_ - 2)));
  std::vector<int32_t> ids;
  ids.reserve(maxLength_);
  ids.push_back(bosId_);
  ids.insert(ids.end(), content.begin(), content.end());
  ids.push_back(eosId_);
  ids.resize(maxLength_, padId_);
  return ids;
}

}  // namespace afterimage::text
