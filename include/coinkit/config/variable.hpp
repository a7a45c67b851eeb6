// Variable: one environment variable a program reads (its name, default and meaning), listed in
// a table beside the code that reads it; docs/configuration.md is generated from those tables.
#pragma once

#include <string_view>

namespace coinkit::config {

struct Variable {
  std::string_view group;     // the reference's subsection: "Chain and node", "Limits", ...
  std::string_view name;      // as set; a daemon's without its COIN_ prefix ("PORT")
  std::string_view fallback;  // the default as the reference writes it ("1200", "required", "none")
  std::string_view meaning;   // Markdown
};

}  // namespace coinkit::config
