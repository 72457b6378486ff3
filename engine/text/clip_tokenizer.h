// The CLIP BPE tokenizer of a diffusers model folder (tokenizer/vocab.json,
// merges.txt, tokenizer_config.json, special_tokens_map.json): prompt ->
// fixed-length token ids for the text encoder, matching Hugging Face's
// CLIPTokenizer(prompt, padding="max_length", truncation=True).
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/text/byte_pair_encoder.h"

namespace afterimage::text {

class TokenizerError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct SpecialTokens {
  std::string bos = "<|startoftext|>";
  std::string eos = "<|endoftext|>";
  std::string pad = "<|endoftext|>";  // SD 2.x and SD-Turbo: "!" (id 0)
  std::string unk = "<|endoftext|>";
};

class ClipTokenizer {
 public:
  // Reads FOLDER/vocab.json and FOLDER/merges.txt (required) and the
  // special tokens and model_max_length from tokenizer_config.json, then
  // special_tokens_map.json, which wins where both name a token (as in
  // transformers). Throws TokenizerError naming the file and field.
  static ClipTokenizer load(const std::string& folder);

  ClipTokenizer(std::unordered_map<std::string, int32_t> vocab,
                const std::vector<std::pair<std::string, std::string>>& merges, SpecialTokens special,
                int maxLength = 77);

  // bos, the prompt's tokens truncated to maxLength - 2, eos, then pad up
  // to maxLength.
  std::vector<int32_t> encode(std::string_view prompt) const;
  // The prompt's tokens alone (no bos/eos/pad, no truncation).
  std::vector<int32_t> tokenize(std::string_view prompt) const;

  int32_t bosId() const { return bosId_; }
  int32_t eosId() const { return eosId_; }
  int32_t padId() const { return padId_; }
  int maxLength() const { return maxLength_; }
  const SpecialTokens& specialTokens() const { return special_; }
  size_t vocabularySize() const { return vocab_.size(); }
  // -1 when absent.
  int32_t tokenId(const std::string& token) const;

 private:
  int32_t requireId(const std::string& token, const char* role) const;

  std::unordered_map<std::string, int32_t> vocab_;
  BytePairEncoder encoder_;
  SpecialTokens special_;
  std::vector<std::string> specialStrings_;
  int maxLength_;
  int32_t bosId_, eosId_, padId_, unkId_;
};

}  // namespace afterimage::text
