#ifndef RIVULET_CORE_CRYPTO_H_
#define RIVULET_CORE_CRYPTO_H_

#include <string>
#include <string_view>

namespace rivulet::core {

// Random bytes from the OS CSPRNG (OpenSSL), hex- or base62-encoded. Aborts if the CSPRNG
// fails, since no secret may ever be generated from a weak source.
std::string RandomHex(size_t bytes);
// Fills out with n bytes from the CSPRNG (buffered per thread).
void FillRandom(unsigned char* out, size_t n);
std::string RandomToken(size_t chars);  // [A-Za-z0-9], ~5.95 bits per char

// SHA-256 of data, as 32 raw bytes or 64 lowercase hex chars.
std::string Sha256(std::string_view data);
std::string Sha256Hex(std::string_view data);
// HMAC-SHA256(key, data) as 64 lowercase hex chars.
std::string HmacSha256Hex(std::string_view key, std::string_view data);

// Compares in time that depends only on the lengths, never on where the inputs differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

std::string HexEncode(std::string_view bytes);

}  // namespace rivulet::core

#endif  // RIVULET_CORE_CRYPTO_H_
