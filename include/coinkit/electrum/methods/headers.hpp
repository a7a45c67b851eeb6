// The Electrum protocol's header methods: blockchain.headers.subscribe, blockchain.block.header
// and blockchain.block.headers, with checkpoint proofs, in ElectrumX's words and costs.
#pragma once

#include <coinkit/core/hex.hpp>
#include <coinkit/electrum/error.hpp>
#include <coinkit/electrum/session.hpp>
#include <coinkit/rpc/fault.hpp>
#include <coinkit/rpc/json_text.hpp>
#include <coinkit/rpc/method.hpp>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <optional>
#include <string>

namespace coinkit::electrum {

namespace detail {

template <class Proof>
void write_branch(rpc::JsonText& j, const Proof& p) {
  j.raw("[");
  for (std::size_t i = 0; i < p.branch.size(); ++i) {
    if (i) j.raw(", ");
    j.display_hex(p.branch[i]);
  }
  j.raw("]");
}

}  // namespace detail

// Self: the service (ElectrumService), with index().
template <class Self>
class HeaderMethods {
 public:
  static constexpr std::int64_t max_chunk = 2016;  // headers per blockchain.block.headers

  rpc::Outcome<void> headers_subscribe(Session& s, rpc::JsonText& j) {
    s.subscribe_headers();
    TipHeader& tip = s.context().tip;
    auto& index = self().index();
    if (tip.height < 0 || tip.height > index.height()) {
      const int h = index.height();
      auto raw = index.header(h);
      if (!raw) return rpc::Fault{rpc::internal_error_code, "no block indexed yet"};
      tip.height = h;
      tip.hex = to_hex(*raw);
    }
    j.raw("{\"hex\": \"").raw(tip.hex).raw("\", \"height\": ").num(tip.height).raw("}");
    return {};
  }

  rpc::Outcome<void> block_header(Session& s, rpc::JsonText& j, std::int64_t height, std::int64_t cp_height) {
    auto& index = self().index();
    auto raw = height <= INT_MAX ? index.header(static_cast<int>(height)) : std::nullopt;
    if (!raw) return rpc::Fault{code::bad_request, "height " + with_commas(height) + " out of range"};
    if (cp_height == 0) {
      j.hex(*raw);
      return {};
    }
    s.cost().bump(1.0);
    auto proof =
        cp_height <= INT_MAX ? index.header_proof(static_cast<int>(height), static_cast<int>(cp_height)) : std::nullopt;
    if (!proof) return bad_checkpoint(height, cp_height);
    j.raw("{\"header\": ").hex(*raw).raw(", \"branch\": ");
    detail::write_branch(j, *proof);
    j.raw(", \"root\": ").display_hex(proof->root).raw("}");
    return {};
  }

  rpc::Outcome<void> block_headers(Session& s, rpc::JsonText& j, std::int64_t start_height, std::int64_t count,
                                   std::int64_t cp_height) {
    auto& index = self().index();
    const std::int64_t wanted = std::min(count, max_chunk);
    double cost = static_cast<double>(count) / 50;
    const Bytes headers =
        start_height <= INT_MAX ? index.headers(static_cast<int>(start_height), static_cast<int>(wanted)) : Bytes{};
    const std::size_t header_size = index.header_size();
    const std::int64_t n = static_cast<std::int64_t>(headers.size() / header_size);
    using Proof = typename decltype(index.header_proof(0, 0))::value_type;
    std::optional<Proof> proof;
    if (n && cp_height) {
      cost += 1.0;
      const std::int64_t last = start_height + n - 1;
      if (cp_height <= INT_MAX) proof = index.header_proof(static_cast<int>(last), static_cast<int>(cp_height));
      if (!proof) return bad_checkpoint(last, cp_height);
    }
    s.cost().bump(cost);
    if (s.protocol() >= ProtocolVersion{1, 6}) {
      j.raw("{\"headers\": [");
      for (std::int64_t i = 0; i < n; ++i) {
        if (i) j.raw(", ");
        j.hex(ByteSpan(headers).subspan(static_cast<std::size_t>(i) * header_size, header_size));
      }
      j.raw("]");
    } else {
      j.raw("{\"hex\": ").hex(headers);
    }
    j.raw(", \"count\": ").num(n).raw(", \"max\": ").num(max_chunk);
    if (proof) {
      j.raw(", \"branch\": ");
      detail::write_branch(j, *proof);
      j.raw(", \"root\": ").display_hex(proof->root);
    }
    j.raw("}");
    return {};
  }

  static constexpr auto rpc_methods() {
    using rpc::arg;
    return rpc::methods(
        rpc::method<&HeaderMethods::headers_subscribe>("blockchain.headers.subscribe", rpc::cost(0.25)),
        rpc::method<&HeaderMethods::block_header>("blockchain.block.header", rpc::cost(0.25), arg("height"),
                                                  arg("cp_height", 0)),
        rpc::method<&HeaderMethods::block_headers>("blockchain.block.headers", rpc::no_flags, arg("start_height"),
                                                   arg("count"), arg("cp_height", 0)));
  }

 protected:
  rpc::Fault bad_checkpoint(std::int64_t height, std::int64_t cp) {
    return {code::bad_request, "require header height " + with_commas(height) + " <= cp_height " + with_commas(cp) +
                                   " <= chain height " + with_commas(self().index().height())};
  }

 private:
  Self& self() noexcept { return static_cast<Self&>(*this); }
};

}  // namespace coinkit::electrum
