// IEEE half (f16) and bfloat16 conversions on the CPU, for uploads, goldens
// and reference computations.
#pragma once
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace afterimage::nn {

inline float halfToFloat(uint16_t h) {
  uint32_t sign = uint32_t(h & 0x8000) << 16;
  uint32_t exponent = (h >> 10) & 0x1f;
  uint32_t mantissa = h & 0x3ff;
  uint32_t bits;
  if (exponent == 0) {
    if (mantissa == 0) {
      bits = sign;
    } else {  // subnormal: renormalise
      exponent = 127 - 15 + 1;
      while (!(mantissa & 0x400)) mantissa <<= 1, --exponent;
      bits = sign | (exponent << 23) | ((mantissa & 0x3ff) << 13);
    }
  } else if (exponent == 31) {
    bits = sign | 0x7f800000 | (mantissa << 13);
  } else {
    bits = sign | ((exponent + 127 - 15) << 23) | (mantissa << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

// Round to nearest even, overflow to infinity, NaN kept.
inline uint16_t floatToHalf(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  uint32_t sign = (bits >> 16) & 0x8000;
  uint32_t absolute = bits & 0x7fffffff;
  if (absolute >= 0x7f800000) return uint16_t(sign | 0x7c00 | (absolute > 0x7f800000 ? 0x200 : 0));
  if (absolute >= 0x477ff000) return uint16_t(sign | 0x7c00);  // rounds past 65504
  if (absolute < 0x38800000) {                                  // subnormal or zero in f16
    if (absolute < 0x33000000) return uint16_t(sign);
    uint32_t exponent = absolute >> 23;
    uint32_t mantissa = (absolute & 0x7fffff) | 0x800000;
    uint32_t shift = 126 - exponent;  // 14..24
    uint32_t half = mantissa >> shift;
    uint32_t remainder = mantissa & ((1u << shift) - 1);
    uint32_t halfway = 1u << (shift - 1);
    if (remainder > halfway || (remainder == halfway && (half & 1))) ++half;
    return uint16_t(sign | half);
  }
  uint32_t half = ((absolute - 0x38000000) >> 13);
  uint32_t remainder = absolute & 0x1fff;
  if (remainder > 0x1000 || (remainder == 0x1000 && (half & 1))) ++half;
  return uint16_t(sign | half);
}

inline float bfloat16ToFloat(uint16_t b) {
  uint32_t bits = uint32_t(b) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

inline std::vector<uint16_t> toHalf(std::span<const float> values) {
  std::vector<uint16_t> out(values.size());
  for (size_t i = 0; i < values.size(); ++i) out[i] = floatToHalf(values[i]);
  return out;
}

inline std::vector<float> fromHalf(std::span<const uint16_t> values) {
  std::vector<float> out(values.size());
  for (size_t i = 0; i < values.size(); ++i) out[i] = halfToFloat(values[i]);
  return out;
}

}  // namespace afterimage::nn
