// The config layer: the environment a server is configured from, typed reads with errors that
// name the variable (for programs; library headers include the fine-grained headers they need).
#pragma once

#include <coinkit/config/config_error.hpp>
#include <coinkit/config/environment.hpp>
#include <coinkit/config/error.hpp>
#include <coinkit/config/reader.hpp>
#include <coinkit/config/variable.hpp>
