// Glue between generated code and imported C++ functions (streamc/udf.hpp).
// Generated code holds SDL values in their canonical C++ form (strings are
// std::string_view, see runtime/values.hpp); an imported function may take
// or return other spellings of the same SDL type (std::string, std::pair,
// vectors of those). These helpers convert, and only when the spellings
// differ: the code generator calls a function directly when they match.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "streamc/runtime/arena.hpp"
#include "streamc/udf.hpp"

namespace streamc::udf {

namespace detail {
template <class T> struct IsVector : std::false_type {};
template <class T, class A> struct IsVector<std::vector<T, A>> : std::true_type {};
template <class T> struct IsOptional : std::false_type {};
template <class T> struct IsOptional<std::optional<T>> : std::true_type {};
template <class T> struct IsTupleLike : std::false_type {};
template <class... Ts> struct IsTupleLike<std::tuple<Ts...>> : std::true_type {};
template <class A, class B> struct IsTupleLike<std::pair<A, B>> : std::true_type {};
}  // namespace detail

// A plain C++ struct of an imported signature and the SDL record of its
// fields: the generated code specializes this for each such struct with
// `to_cpp(record)` and `to_sdl(arena, value)`, field by field.
template <class T>
struct RecordOf {
  static constexpr bool defined = false;
};

// An SDL value (or any range of them) as the C++ type `To` a function takes.
template <class To, class From>
To convert(const From& x) {
  if constexpr (std::is_same_v<To, From>) {
    return x;
  } else if constexpr (detail::IsVector<To>::value) {
    To out;
    for (const auto& e : x) out.push_back(convert<typename To::value_type>(e));
    return out;
  } else if constexpr (detail::IsOptional<To>::value) {
    if (!x) return To{};
    return To{convert<typename To::value_type>(*x)};
  } else if constexpr (detail::IsTupleLike<To>::value) {
    return [&]<size_t... I>(std::index_sequence<I...>) {
      return To{convert<std::tuple_element_t<I, To>>(std::get<I>(x))...};
    }(std::make_index_sequence<std::tuple_size_v<To>>{});
  } else if constexpr (RecordOf<To>::defined) {
    return RecordOf<To>::to_cpp(x);
  } else {
    return To(x);  // std::string from std::string_view, and scalars
  }
}

// `x` itself when it already has the type `To` (no copy), else converted.
template <class To, class From>
decltype(auto) pass(const From& x) {
  if constexpr (std::is_same_v<To, From>)
    return (x);
  else
    return convert<To>(x);
}

// A function's result in the generated code's form: owned strings are copied
// into the batch arena and become views; containers are rebuilt around them.
template <class T>
auto to_sdl(rt::Arena& arena, const T& x) {
  if constexpr (std::is_same_v<T, std::string>) {
    return arena.keep(x);
  } else if constexpr (detail::IsVector<T>::value) {
    std::vector<decltype(to_sdl(arena, std::declval<const typename T::value_type&>()))> out;
    out.reserve(x.size());
    for (const auto& e : x) out.push_back(to_sdl(arena, e));
    return out;
  } else if constexpr (detail::IsOptional<T>::value) {
    using E = decltype(to_sdl(arena, *x));
    return x ? std::optional<E>(to_sdl(arena, *x)) : std::optional<E>();
  } else if constexpr (detail::IsTupleLike<T>::value) {
    return std::apply([&](const auto&... e) { return std::tuple{to_sdl(arena, e)...}; }, x);
  } else if constexpr (RecordOf<T>::defined) {
    return RecordOf<T>::to_sdl(arena, x);
  } else {
    return x;
  }
}

// `sink s -> foreach(fn)`: the generated code wraps `fn` in this so that it
// is written to like the runtime's sinks (`sink.write(batch, rows)`).
template <class Fn>
struct ForeachSink {
  Fn fn;
  template <class Batch, class Rows>
  void write(Batch& batch, const Rows& rows) {
    fn(batch.id(), rows);
  }
};
template <class Fn>
ForeachSink(Fn) -> ForeachSink<Fn>;

}  // namespace streamc::udf
