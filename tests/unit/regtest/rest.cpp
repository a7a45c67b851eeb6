#include <coinkit/regtest/rest.hpp>

#include "rpc_fixture.hpp"

#include <coinkit/chain/block.hpp>
#include <coinkit/core/hex.hpp>

#include <boost/test/unit_test.hpp>

using namespace coinkit;
using namespace coinkit::test;

BOOST_AUTO_TEST_SUITE(rest)

// Every block the node holds, by REST and by getblock 0: the same bytes, and they parse.
BOOST_AUTO_TEST_CASE(blocks_and_headers_match_rpc) {
  RpcFixture f;
  regtest::BasicNode& node = f.node();
  node.generate(101);
  f.call("sendtoaddress", {std::string(f.call("getnewaddress").as_string()), 3});
  node.generate(2);
  int checked = 0;
  for (int h = 0; h <= node.height(); ++h) {
    const std::string hash = node.block_hash(h)->to_hex();
    auto bin = f.http().get("/rest/block/" + hash + ".bin");
    BOOST_TEST(bin.result_int() == 200u);
    BOOST_TEST(bin[boost::beast::http::field::content_type] == "application/octet-stream");
    const Bytes raw(bin.body().begin(), bin.body().end());
    BOOST_TEST(to_hex(raw) == std::string(f.call("getblock", {hash, 0}).as_string()));
    BOOST_TEST(Block::parse(raw).hash().to_hex() == hash);
    auto hex = f.http().get("/rest/block/" + hash + ".hex");
    BOOST_TEST(hex.body() == to_hex(raw) + "\n");
    auto json_block = f.http().get("/rest/block/" + hash + ".json");
    BOOST_TEST(json::parse(json_block.body()).at("hash") == json::value(hash));

    // Up to 5 headers from here along the active chain, in both URL forms.
    const std::size_t expect = static_cast<std::size_t>(std::min(5, node.height() - h + 1));
    auto headers = f.http().get("/rest/headers/5/" + hash + ".bin");
    BOOST_TEST(headers.body().size() == expect * 80);
    auto query = f.http().get("/rest/headers/" + hash + ".bin?count=5");
    BOOST_TEST(query.body() == headers.body());
    for (std::size_t i = 0; i < expect; ++i) {
      const Bytes one(headers.body().begin() + static_cast<std::ptrdiff_t>(i * 80),
                      headers.body().begin() + static_cast<std::ptrdiff_t>(i * 80 + 80));
      BOOST_TEST(BlockHeader::parse(one).hash() == *node.block_hash(h + static_cast<int>(i)));
    }
    ++checked;
  }
  BOOST_TEST(checked == 104);

  const json::value chaininfo = json::parse(f.http().get("/rest/chaininfo.json").body());
  BOOST_TEST(chaininfo == f.call("getblockchaininfo"));

  const std::string tip = node.tip().to_hex();
  auto by_height = f.http().get("/rest/blockhashbyheight/" + std::to_string(node.height()) + ".hex");
  BOOST_TEST(by_height.body() == tip + "\n");
  const Block tip_block = Block::parse(*node.block(node.tip()).value().raw);
  const std::string txid = tip_block.transactions[0].txid().to_hex();
  auto tx = f.http().get("/rest/tx/" + txid + ".hex");
  BOOST_TEST(tx.body() == to_hex(tip_block.transactions[0].serialize()) + "\n");
}

// bitcoind's status codes and text/plain bodies for bad requests.
BOOST_AUTO_TEST_CASE(errors_as_bitcoind) {
  RpcFixture f;
  const std::string genesis = f.node().block_hash(0)->to_hex();
  const std::string unknown(64, '0');
  const struct {
    std::string target;
    unsigned status;
    std::string body;
  } cases[] = {
      {"/rest/block/xyz.bin", 400, "Invalid hash: xyz\r\n"},
      {"/rest/block/" + unknown + ".bin", 404, unknown + " not found\r\n"},
      // An unknown suffix stays part of the hash, as in bitcoind's ParseDataFormat.
      {"/rest/block/" + genesis + ".xml", 400, "Invalid hash: " + genesis + ".xml\r\n"},
      {"/rest/block/" + genesis, 404, "output format not found (available: .bin, .hex, .json)\r\n"},
      {"/rest/headers/0/" + genesis + ".bin", 400,
       "Header count is invalid or out of acceptable range (1-2000): 0\r\n"},
      {"/rest/headers/2001/" + genesis + ".bin", 400,
       "Header count is invalid or out of acceptable range (1-2000): 2001\r\n"},
      {"/rest/headers/" + genesis + ".bin?count=x", 400,
       "Header count is invalid or out of acceptable range (1-2000): x\r\n"},
      {"/rest/headers/1/2/" + genesis + ".bin", 400,
       "Invalid URI format. Expected /rest/headers/<hash>.<ext>?count=<count>\r\n"},
      {"/rest/headers/1/xyz.bin", 400, "Invalid hash: xyz\r\n"},
      {"/rest/chaininfo.bin", 404, "output format not found (available: json)\r\n"},
      {"/rest/tx/" + unknown + ".hex", 404, unknown + " not found\r\n"},
      {"/rest/nosuch", 404, ""},
  };
  int checked = 0;
  for (const auto& c : cases) {
    auto res = f.http().get(c.target);
    BOOST_TEST(res.result_int() == c.status, c.target);
    BOOST_TEST(res.body() == c.body, c.target);
    ++checked;
  }
  BOOST_TEST(checked == 12);
  // Unknown hashes give no headers (bitcoind answers an empty body).
  BOOST_TEST(f.http().get("/rest/headers/3/" + unknown + ".bin").body().empty());
  // Default count 5 for the query form.
  BOOST_TEST(f.http().get("/rest/headers/" + genesis + ".bin").body().size() == 80u);
}

BOOST_AUTO_TEST_CASE(rest_is_off_without_the_flag) {
  RpcServerOptions o = RpcFixture::default_options();
  o.rest = false;
  RpcFixture f(o);
  auto res = f.http().get("/rest/chaininfo.json");
  BOOST_TEST(res.result_int() == 404u);
  BOOST_TEST(f.call("getblockcount") == json::value(0));
}

BOOST_AUTO_TEST_SUITE_END()
