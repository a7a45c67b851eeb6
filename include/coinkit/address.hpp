// The address layer: base58check, bech32/bech32m, segwit addresses, CashAddr, address <-> script.
#pragma once

#include <coinkit/address/address.hpp>
#include <coinkit/address/address_format.hpp>
#include <coinkit/address/base58.hpp>
#include <coinkit/address/bech32.hpp>
#include <coinkit/address/cashaddr.hpp>
#include <coinkit/address/error.hpp>
#include <coinkit/address/segwit_address.hpp>
