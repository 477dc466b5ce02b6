// The policy's sha256 (reports, the service, the determination letter):
// the digest of FIPS 180-2's test vectors.
#include <catch2/catch.hpp>

#include <string>

#include "model/sha256.h"

TEST_CASE("sha256_hex gives the standard digests", "[load][sha256]") {
  CHECK(pp::model::sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(pp::model::sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(pp::model::sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(pp::model::sha256_hex(std::string(1000000, 'a')) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
