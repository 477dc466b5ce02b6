#include "model/sha256.h"

// The low-level digest, not EVP: in OpenSSL 3 the first EVP digest of a
// process loads the configuration and fetches the algorithm from a provider,
// 1.5 ms of a 30 ms `explain`; SHA256_Update hashes a policy in 0.05 ms. The
// interface is deprecated in OpenSSL 3.0 (in favour of EVP), not removed.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

namespace pp::model {

std::string sha256_hex(std::string_view bytes) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  unsigned int len = SHA256_DIGEST_LENGTH;
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, bytes.data(), bytes.size());
  SHA256_Final(md, &ctx);
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned i = 0; i < len; ++i) {
    out.push_back(hex[md[i] >> 4]);
    out.push_back(hex[md[i] & 15]);
  }
  return out;
}

}  // namespace pp::model
