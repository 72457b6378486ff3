// One OSC argument as a number. liblo hands each argument at the 4-byte
// alignment OSC packets have, while lo_arg is a union with 8-byte members:
// reading a member through the pointer is undefined behaviour (UBSan:
// misaligned access), so the bytes are copied out instead.
#pragma once
#include <lo/lo.h>

#include <cstdint>
#include <cstring>
#include <optional>

namespace afterimage::control {

// The value of an int32, float, double, int64, true or false argument;
// nullopt for any other type (strings, blobs, ...).
inline std::optional<double> oscNumber(char type, const lo_arg* argument) {
  auto read = [argument](auto value) {
    std::memcpy(&value, argument, sizeof value);
    return value;
  };
  switch (type) {
    case LO_INT32: return read(int32_t{});
    case LO_FLOAT: return read(float{});
    case LO_DOUBLE: return read(double{});
    case LO_INT64: return double(read(int64_t{}));
    case LO_TRUE: return 1.0;
    case LO_FALSE: return 0.0;
    default: return std::nullopt;
  }
}

}  // namespace afterimage::control
