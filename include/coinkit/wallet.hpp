// The wallet layer: a wallet's keys from its key text (as Electrum or Electron Cash restores
// them), its receiving and change addresses and history; the header chain SPV checks a server's
// answers against, the chain sources that answer, and the Synchronizer that keeps wallets up to
// date.
#pragma once

#include <coinkit/wallet/address_chains.hpp>
#include <coinkit/wallet/chain_source.hpp>
#include <coinkit/wallet/coin_selection.hpp>
#include <coinkit/wallet/electron_cash_request.hpp>
#include <coinkit/wallet/electron_cash_wallet.hpp>
#include <coinkit/wallet/electrum_source.hpp>
#include <coinkit/wallet/electrum_wallet.hpp>
#include <coinkit/wallet/error.hpp>
#include <coinkit/wallet/group_commit.hpp>
#include <coinkit/wallet/header_chain.hpp>
#include <coinkit/wallet/index_source.hpp>
#include <coinkit/wallet/key_script.hpp>
#include <coinkit/wallet/keystore.hpp>
#include <coinkit/wallet/payment_request.hpp>
#include <coinkit/wallet/psbt.hpp>
#include <coinkit/wallet/psbt_sign.hpp>
#include <coinkit/wallet/request_book.hpp>
#include <coinkit/wallet/restore.hpp>
#include <coinkit/wallet/sign_input.hpp>
#include <coinkit/wallet/signed_message.hpp>
#include <coinkit/wallet/synchronizer.hpp>
#include <coinkit/wallet/verbose_transaction.hpp>
#include <coinkit/wallet/wallet_fwd.hpp>
#include <coinkit/wallet/wallet_history.hpp>
#include <coinkit/wallet/wallet_store.hpp>
