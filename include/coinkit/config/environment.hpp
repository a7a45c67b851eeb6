// Environment: the name -> value pairs a server reads its configuration from, taken from the
// process or given directly (tests, embedding programs).
#pragma once

#include <cstdlib>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

namespace coinkit {

class Environment {
 public:
  using Names = std::set<std::string, std::less<>>;

  Environment() = default;
  Environment(std::initializer_list<std::pair<const std::string, std::string>> values) : values_(values) {}

  // Looks names up in the process environment at the time of each call.
  static Environment process() {
    Environment env;
    env.from_process_ = true;
    return env;
  }

  // The value of `name`, or nullopt when it is not set (an empty value is set).
  std::optional<std::string> get(std::string_view name) const {
    if (lookups_) lookups_->emplace(name);
    if (auto it = values_.find(name); it != values_.end()) return it->second;
    if (from_process_) {
      const std::string key(name);
      if (const char* value = std::getenv(key.c_str())) return std::string(value);
    }
    return std::nullopt;
  }

  // From now on, every name looked up here or in a copy made after this call is recorded: the
  // test that holds docs/configuration.md to what the programs read.
  Environment& record_lookups() {
    lookups_ = std::make_shared<Names>();
    return *this;
  }
  Names lookups() const { return lookups_ ? *lookups_ : Names{}; }

  // Sets or overrides a value (taking precedence over the process environment).
  Environment& set(std::string name, std::string value) {
    values_.insert_or_assign(std::move(name), std::move(value));
    return *this;
  }

 private:
  std::map<std::string, std::string, std::less<>> values_;
  bool from_process_ = false;
  std::shared_ptr<Names> lookups_;  // shared by copies; null: not recorded
};

}  // namespace coinkit
