// Raw hashing throughput: sha256d over large buffers (the ceiling for parsing + txids),
// sha256d64 (merkle levels), for the SHA-NI and the portable compression functions.
#include <coinkit/core/sha256.hpp>

#include <benchmark/benchmark.h>

#include <random>

using namespace coinkit;

namespace {

Bytes random_bytes(std::size_t n) {
  std::mt19937_64 rng(1);
  Bytes b(n);
  for (auto& x : b) x = static_cast<std::uint8_t>(rng());
  return b;
}

void hash_with(benchmark::State& state, core::detail::sha256_transform_fn transform) {
  const Bytes data = random_bytes(static_cast<std::size_t>(state.range(0)));
  std::uint32_t s[8];
  for (auto _ : state) {
    std::memcpy(s, core::detail::sha256_init, sizeof s);
    transform(s, data.data(), data.size() / 64);
    benchmark::DoNotOptimize(s);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

void BM_sha256_transform_generic(benchmark::State& state) { hash_with(state, core::detail::sha256_transform_generic); }
#ifdef COINKIT_HAVE_SHANI
void BM_sha256_transform_shani(benchmark::State& state) {
  if (!core::detail::cpu_has_shani()) return state.SkipWithError("no SHA-NI on this CPU");
  hash_with(state, core::detail::sha256_transform_shani);
}
BENCHMARK(BM_sha256_transform_shani)->Arg(1 << 20);
#endif
BENCHMARK(BM_sha256_transform_generic)->Arg(1 << 20);

// sha256d as txids see it: one call per transaction-sized buffer (median mainnet tx ~ 250 B).
void BM_sha256d(benchmark::State& state) {
  const Bytes data = random_bytes(1 << 20);
  const std::size_t len = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) {
    for (std::size_t off = 0; off + len <= data.size(); off += len)
      benchmark::DoNotOptimize(sha256d(ByteSpan(data).subspan(off, len)));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * (data.size() / len * len));
  state.SetLabel(std::string(sha256_implementation()));
}
BENCHMARK(BM_sha256d)->Arg(250)->Arg(1 << 20);

void BM_sha256d64(benchmark::State& state) {
  const Bytes data = random_bytes(64 * 1024);
  Bytes out(32 * 1024);
  for (auto _ : state) {
    sha256d64(out.data(), data.data(), 1024);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * 1024);
  state.SetLabel(std::string(sha256_implementation()));
}
BENCHMARK(BM_sha256d64);

}  // namespace

BENCHMARK_MAIN();
