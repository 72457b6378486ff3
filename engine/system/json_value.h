// One value of a JSON file a user brings, read as a C++ type only where it
// fits. nlohmann's get<T>() casts 1e300 to an integer (undefined
// behaviour), -1 to 4294967295 and 5e9 to a wrapped uint32_t, so the
// readers of config files go through here and name the field when it fails.
#pragma once
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace afterimage::system {

template <typename T>
struct IsVector : std::false_type {};
template <typename E>
struct IsVector<std::vector<E>> : std::true_type {};

template <typename T>
std::optional<T> jsonValueAs(const nlohmann::json& value) {
  if constexpr (std::is_same_v<T, bool>) {
    if (value.is_boolean()) return value.get<bool>();
    return std::nullopt;
  } else if constexpr (std::is_integral_v<T>) {
    if (value.is_number_unsigned()) {
      uint64_t v = value.get<uint64_t>();
      if (v > static_cast<uint64_t>(std::numeric_limits<T>::max())) return std::nullopt;
      return static_cast<T>(v);
    }
    if (value.is_number_integer()) {
      int64_t v = value.get<int64_t>();
      if constexpr (std::is_unsigned_v<T>) {
        if (v < 0 || static_cast<uint64_t>(v) > static_cast<uint64_t>(std::numeric_limits<T>::max())) return std::nullopt;
      } else {
        if (v < static_cast<int64_t>(std::numeric_limits<T>::min()) ||
            v > static_cast<int64_t>(std::numeric_limits<T>::max()))
          return std::nullopt;
      }
      return static_cast<T>(v);
    }
    // 4.0 where 4 was meant is accepted; 4.5, 1e300 and NaN are not. The
    // bounds are powers of two, exact as doubles (T's max itself may not be).
    if (value.is_number_float()) {
      double v = value.get<double>();
      double below = std::is_signed_v<T> ? std::ldexp(-1.0, std::numeric_limits<T>::digits) : 0.0;
      double above = std::ldexp(1.0, std::numeric_limits<T>::digits);
      if (!(v >= below && v < above) || v != std::floor(v)) return std::nullopt;
      return static_cast<T>(v);
    }
    return std::nullopt;
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!value.is_number()) return std::nullopt;
    double v = value.get<double>();
    if (!std::isfinite(v) || std::fabs(v) > static_cast<double>(std::numeric_limits<T>::max())) return std::nullopt;
    return static_cast<T>(v);
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (value.is_string()) return value.get<std::string>();
    return std::nullopt;
  } else {
    static_assert(IsVector<T>::value, "jsonValueAs reads bool, numbers, strings and vectors of them");
    if (!value.is_array()) return std::nullopt;
    T values;
    for (const auto& element : value) {
      auto e = jsonValueAs<typename T::value_type>(element);
      if (!e) return std::nullopt;
      values.push_back(std::move(*e));
    }
    return values;
  }
}

}  // namespace afterimage::system
