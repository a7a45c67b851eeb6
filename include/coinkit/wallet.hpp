// The wallet layer: a wallet's keys from its key text (as Electrum restores them), and its
// receiving and change addresses; the header chain SPV checks a server's answers against.
#pragma once

#include <coinkit/wallet/address_chains.hpp>
#include <coinkit/wallet/error.hpp>
#include <coinkit/wallet/header_chain.hpp>
#include <coinkit/wallet/key_script.hpp>
#include <coinkit/wallet/keystore.hpp>
#include <coinkit/wallet/restore.hpp>
