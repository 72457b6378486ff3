#include "engine/text/clip_text_splitter.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/ustring.h>

#include <stdexcept>

namespace afterimage::text {
namespace {

bool isLetter(UChar32 c) { return (U_GET_GC_MASK(c) & U_GC_L_MASK) != 0; }
bool isNumber(UChar32 c) { return (U_GET_GC_MASK(c) & U_GC_N_MASK) != 0; }
bool isSpace(UChar32 c) { return u_isUWhiteSpace(c); }
bool isOther(UChar32 c) { return !isLetter(c) && !isNumber(c) && !isSpace(c); }

std::string toUtf8(const icu::UnicodeString& text) {
  std::string out;
  text.toUTF8String(out);
  return out;
}

// Length in code units of the contraction starting at `at`, or 0.
int32_t contractionLength(const icu::UnicodeString& text, int32_t at) {
  static const char16_t* const kContractions[] = {u"'s", u"'t", u"'re", u"'ve", u"'m", u"'ll", u"'d"};
  for (const char16_t* contraction : kContractions) {
    icu::UnicodeString pattern(contraction);
    if (text.compare(at, pattern.length(), pattern) == 0) return pattern.length();
  }
  return 0;
}

// The regex part of the split, on text without special tokens.
void splitPlain(const icu::UnicodeString& text, std::vector<ClipWord>& words) {
  int32_t at = 0;
  const int32_t length = text.length();
  while (at < length) {
    UChar32 c = text.char32At(at);
    int32_t end = text.moveIndex32(at, 1);
    if (int32_t contraction = contractionLength(text, at)) {
      end = at + contraction;
    } else if (isLetter(c)) {
      while (end < length && isLetter(text.char32At(end))) end = text.moveIndex32(end, 1);
    } else if (isNumber(c)) {
      // one digit per word
    } else if (isSpace(c)) {
      at = end;
      continue;
    } else {
      while (end < length && isOther(text.char32At(end))) end = text.moveIndex32(end, 1);
    }
    words.push_back({toUtf8(text.tempSubStringBetween(at, end)), false});
    at = end;
  }
}

}  // namespace

std::string normalizeClipText(std::string_view utf8) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) throw std::runtime_error(std::string("ICU NFC normalizer unavailable: ") + u_errorName(status));
  icu::UnicodeString composed = nfc->normalize(icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), int32_t(utf8.size()))), status);
  if (U_FAILURE(status)) throw std::runtime_error(std::string("ICU NFC normalization failed: ") + u_errorName(status));

  icu::UnicodeString lowered;
  for (int32_t at = 0; at < composed.length(); at = composed.moveIndex32(at, 1)) {
    // One code point at a time: u_strToLower on a whole string would apply
    // context rules (final sigma) that the reference tokenizer does not.
    UChar one[2];
    int32_t oneLength = 0;
    U16_APPEND_UNSAFE(one, oneLength, composed.char32At(at));
    UChar lower[8];
    UErrorCode lowerStatus = U_ZERO_ERROR;
    int32_t lowerLength = u_strToLower(lower, 8, one, oneLength, "", &lowerStatus);
    if (U_FAILURE(lowerStatus)) lowered.append(one, 0, oneLength);
    else lowered.append(lower, 0, lowerLength);
  }
  return toUtf8(lowered);
}

std::vector<ClipWord> splitClipWords(std::string_view normalized, const std::vector<std::string>& specialTokens) {
  std::vector<ClipWord> words;
  size_t plainStart = 0;
  size_t at = 0;
  auto flushPlain = [&](size_t end) {
    if (end > plainStart) {
      splitPlain(icu::UnicodeString::fromUTF8(icu::StringPiece(normalized.data() + plainStart, int32_t(end - plainStart))),
                 words);
    }
  };
  while (at < normalized.size()) {
    const std::string* longest = nullptr;
    for (const std::string& special : specialTokens) {
      if (!special.empty() && normalized.compare(at, special.size(), special) == 0 &&
          (!longest || special.size() > longest->size())) {
        longest = &special;
      }
    }
    if (!longest) {
      ++at;
      continue;
    }
    flushPlain(at);
    words.push_back({*longest, true});
    at += longest->size();
    plainStart = at;
  }
  flushPlain(normalized.size());
  return words;
}

}  // namespace afterimage::text
