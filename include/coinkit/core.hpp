// The core layer: bytes, hex and base64, hashes (SHA-256, SHA-512, RIPEMD-160, HMAC, scrypt),
// 256-bit hashes, amounts, readers and writers of the wire format, and coinkit's error codes.
// (For programs; library headers include the fine-grained headers they need.)
#pragma once

#include <coinkit/core/amount.hpp>
#include <coinkit/core/base64.hpp>
#include <coinkit/core/bytes.hpp>
#include <coinkit/core/endian.hpp>
#include <coinkit/core/error.hpp>
#include <coinkit/core/error_category.hpp>
#include <coinkit/core/hex.hpp>
#include <coinkit/core/hmac.hpp>
#include <coinkit/core/reader.hpp>
#include <coinkit/core/ripemd160.hpp>
#include <coinkit/core/scrypt.hpp>
#include <coinkit/core/sha256.hpp>
#include <coinkit/core/sha512.hpp>
#include <coinkit/core/string_map.hpp>
#include <coinkit/core/uint256.hpp>
#include <coinkit/core/unix_time.hpp>
#include <coinkit/core/writer.hpp>
