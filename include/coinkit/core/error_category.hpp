// EnumCategory: the boost::system error category behind every layer's error enum, written once.
#pragma once

#include <boost/system/error_category.hpp>

#include <string>

namespace coinkit {

// A layer declares its `enum class error` and, in the same namespace,
//   constexpr const char* error_category_name(error) noexcept;  // "coinkit.<layer>"
//   constexpr const char* error_message(error) noexcept;        // one message per value
// which this category finds by argument-dependent lookup.
template <class Enum>
class EnumCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return error_category_name(Enum{}); }
  std::string message(int ev) const override { return error_message(static_cast<Enum>(ev)); }
};

template <class Enum>
const boost::system::error_category& enum_category() noexcept {
  static const EnumCategory<Enum> category;
  return category;
}

}  // namespace coinkit
