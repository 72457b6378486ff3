// CLIP tokenizer: token ids equal Hugging Face's CLIPTokenizer (transformers,
// tokenizers backend) exactly, for ascii, unicode, emoji, long, empty,
// punctuation, number and contraction prompts, with SD-Turbo's "!" padding
// and SD 1.x's <|endoftext|> padding. Goldens and the small tokenizer folder
// come from tools/reference/model_tokenizer.py (real CLIP BPE ids).
#include "engine/text/clip_tokenizer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "engine/text/byte_level.h"
#include "tests/support/golden.h"
#include "tests/support/temp_path.h"

namespace afterimage::text {
namespace {

const std::string kFolder = testing::goldenPath("tokenizer/clip_cut");

std::vector<int32_t> goldenIds(const testing::Golden& golden, const std::string& caseName, const std::string& role) {
  std::vector<int32_t> ids;
  for (float v : golden.values(caseName, role)) ids.push_back(int32_t(v));
  return ids;
}

std::string idsString(const std::vector<int32_t>& ids) {
  std::string out;
  for (int32_t id : ids) out += std::to_string(id) + " ";
  return out;
}

// A copy of the fixture folder with one file replaced or removed.
std::filesystem::path folderVariant(const std::string& name, const std::string& file, const std::string* contents) {
  auto dir = afterimage::testing::uniqueTempPath("tokenizer-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  for (const auto& entry : std::filesystem::directory_iterator(kFolder)) {
    std::filesystem::copy_file(entry.path(), dir / entry.path().filename());
  }
  std::filesystem::remove(dir / file);
  if (contents) std::ofstream(dir / file) << *contents;
  return dir;
}

void expectLoadError(const std::filesystem::path& dir, const std::string& fragment) {
  try {
    ClipTokenizer::load(dir.string());
    FAIL() << "expected a TokenizerError containing '" << fragment << "'";
  } catch (const TokenizerError& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(ClipTokenizer, LoadsSdTurboSpecialTokens) {
  ClipTokenizer tokenizer = ClipTokenizer::load(kFolder);
  EXPECT_EQ(tokenizer.bosId(), 49406);
  EXPECT_EQ(tokenizer.eosId(), 49407);
  // special_tokens_map.json ("!") overrides tokenizer_config.json (<|endoftext|>).
  EXPECT_EQ(tokenizer.specialTokens().pad, "!");
  EXPECT_EQ(tokenizer.padId(), 0);
  EXPECT_EQ(tokenizer.maxLength(), 77);
}

TEST(ClipTokenizer, MatchesTransformersWithBangPadding) {
  ClipTokenizer tokenizer = ClipTokenizer::load(kFolder);
  testing::Golden golden("tokenizer/clip.safetensors");
  ASSERT_GE(golden.cases().size(), 10u);
  for (const std::string& name : golden.cases()) {
    std::string prompt = golden.params(name)["prompt"].get<std::string>();
    std::vector<int32_t> expected = goldenIds(golden, name, "ids_pad_bang");
    std::vector<int32_t> actual = tokenizer.encode(prompt);
    EXPECT_EQ(actual, expected) << name << " '" << prompt << "'\n  ours: " << idsString(actual)
                                << "\n  HF:   " << idsString(expected);
  }
}

TEST(ClipTokenizer, MatchesTransformersWithEndOfTextPadding) {
  std::string map = R"({"bos_token": "<|startoftext|>", "eos_token": "<|endoftext|>",
                        "pad_token": "<|endoftext|>", "unk_token": "<|endoftext|>"})";
  ClipTokenizer tokenizer = ClipTokenizer::load(folderVariant("eos-pad", "special_tokens_map.json", &map).string());
  EXPECT_EQ(tokenizer.padId(), 49407);
  testing::Golden golden("tokenizer/clip.safetensors");
  for (const std::string& name : golden.cases()) {
    std::string prompt = golden.params(name)["prompt"].get<std::string>();
    std::vector<int32_t> expected = goldenIds(golden, name, "ids_pad_eos");
    EXPECT_EQ(tokenizer.encode(prompt), expected) << name << " '" << prompt << "'";
  }
}

TEST(ClipTokenizer, LongPromptsKeepEndOfText) {
  ClipTokenizer tokenizer = ClipTokenizer::load(kFolder);
  std::string prompt;
  for (int i = 0; i < 100; ++i) prompt += "word ";
  std::vector<int32_t> ids = tokenizer.encode(prompt);
  ASSERT_EQ(ids.size(), 77u);
  EXPECT_EQ(ids.front(), 49406);
  EXPECT_EQ(ids.back(), 49407);
  EXPECT_EQ(tokenizer.tokenize(prompt).size(), 100u);
}

TEST(ClipTokenizer, ByteLevelAlphabet) {
  EXPECT_EQ(byteSymbol('a'), "a");
  EXPECT_EQ(byteSymbol(' '), "\xC4\xA0");   // U+0120 'Ġ'
  EXPECT_EQ(byteSymbol(0), "\xC4\x80");     // U+0100
  EXPECT_EQ(byteSymbol(0xAD), "\xC5\x83");  // soft hyphen, the last byte remapped: U+0143
}

TEST(ClipTokenizer, MissingMergesFileIsNamed) { expectLoadError(folderVariant("no-merges", "merges.txt", nullptr), "merges.txt: cannot open"); }

TEST(ClipTokenizer, BrokenVocabularyIsNamed) {
  std::string broken = "{\"a\": \"zero\"}";
  expectLoadError(folderVariant("bad-vocab", "vocab.json", &broken), "vocab.json: token 'a'");
  std::string notJson = "{";
  expectLoadError(folderVariant("bad-json", "vocab.json", &notJson), "vocab.json: invalid JSON");
}

TEST(ClipTokenizer, BadMergeLineIsNamed) {
  std::string merges = "#version: 0.2\ni n\nthree symbols here\n";
  expectLoadError(folderVariant("bad-merges", "merges.txt", &merges), "merges.txt: line 3");
}

TEST(ClipTokenizer, PadTokenMissingFromVocabularyIsNamed) {
  std::string map = R"({"pad_token": "<pad>"})";
  expectLoadError(folderVariant("bad-pad", "special_tokens_map.json", &map), "pad_token '<pad>' is not in vocab.json");
}

}  // namespace
}  // namespace afterimage::text
