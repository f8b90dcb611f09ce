#include "core/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace rivulet::core {
namespace {

void RandBytes(unsigned char* out, size_t n) {
  if (RAND_bytes(out, static_cast<int>(n)) != 1) {
    std::fprintf(stderr, "rivulet: OpenSSL RAND_bytes failed\n");
    std::abort();
  }
}

}  // namespace

void FillRandom(unsigned char* out, size_t n) {
  // OpenSSL's DRBG makes a system call per request (fork detection), which costs more than
  // the bytes on hot paths; draw in blocks and hand out from a per-thread buffer. A forked
  // child must not reuse its parent's buffer: Rivulet never forks after start-up.
  thread_local unsigned char pool[4096];
  thread_local size_t available = 0;
  if (n > sizeof(pool) / 4) return RandBytes(out, n);
  if (available < n) {
    RandBytes(pool, sizeof(pool));
    available = sizeof(pool);
  }
  std::memcpy(out, pool + sizeof(pool) - available, n);
  std::memset(pool + sizeof(pool) - available, 0, n);
  available -= n;
}

std::string HexEncode(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xf]);
  }
  return out;
}

std::string RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  FillRandom(reinterpret_cast<unsigned char*>(raw.data()), bytes);
  return HexEncode(raw);
}

std::string RandomToken(size_t chars) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string out;
  out.reserve(chars);
  unsigned char buf[64];
  while (out.size() < chars) {
    FillRandom(buf, sizeof(buf));
    for (unsigned char b : buf) {
      if (b >= 248) continue;  // 248 = 4 * 62: rejection keeps the distribution uniform
      out.push_back(kAlphabet[b % 62]);
      if (out.size() == chars) break;
    }
  }
  return out;
}

std::string Sha256(std::string_view data) {
  // Fetched once: OpenSSL 3 looks the algorithm up on every SHA256() call otherwise, which
  // costs more than hashing a credential (this runs on every authenticated request).
  // The context is kept per thread, too: allocating and freeing one per call is most of the
  // cost of hashing a short string.
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  thread_local std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(),
                                                                      EVP_MD_CTX_free);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  unsigned int len = 0;
  if (sha256 == nullptr || ctx == nullptr || EVP_DigestInit_ex2(ctx.get(), sha256, nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), digest, &len) != 1) {
    std::fprintf(stderr, "rivulet: OpenSSL SHA-256 failed\n");
    std::abort();
  }
  return std::string(reinterpret_cast<char*>(digest), len);
}

std::string Sha256Hex(std::string_view data) { return HexEncode(Sha256(data)); }

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &len);
  return HexEncode(std::string_view(reinterpret_cast<char*>(digest), len));
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace rivulet::core
