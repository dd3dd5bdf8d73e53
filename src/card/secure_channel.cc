#include "card/secure_channel.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>

#include "pki/openssl.h"

namespace mynacert::card::sc {
namespace {

using CipherCtxPtr = pki::OpenSslPtr<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free>;

const unsigned char* U(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
std::string_view View(const Key& k) { return {reinterpret_cast<const char*>(k.data()), k.size()}; }
Key ToKey(const std::string& s) {
  Key k{};
  std::copy_n(s.begin(), k.size(), k.begin());
  return k;
}

}  // namespace

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    std::abort();  // no entropy: nothing on a card may go on without it
  }
  return out;
}

std::string Hmac(std::string_view key, std::string_view message) {
  std::string out(32, '\0');
  unsigned int len = 32;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), U(message), message.size(),
       reinterpret_cast<unsigned char*>(out.data()), &len);
  return out;
}

Key CardKey(std::string_view master, std::string_view card_id) {
  return ToKey(Hmac(master, std::string("mynacert-card-issuer/1").append(card_id)));
}

Key SessionKey(const Key& card_key, std::string_view host_challenge,
               std::string_view card_challenge) {
  std::string m = "session";
  m.append(host_challenge).append(card_challenge);
  return ToKey(Hmac(View(card_key), m));
}

std::string CardCryptogram(const Key& session, std::string_view host_challenge,
                           std::string_view card_challenge) {
  std::string m = "card";
  m.append(host_challenge).append(card_challenge);
  return Hmac(View(session), m).substr(0, kCryptogramSize);
}

std::string HostCryptogram(const Key& session, std::string_view host_challenge,
                           std::string_view card_challenge) {
  std::string m = "host";
  m.append(card_challenge).append(host_challenge);
  return Hmac(View(session), m).substr(0, kCryptogramSize);
}

std::string Nonce(Direction d, uint32_t counter) {
  std::string n(12, '\0');
  n[0] = static_cast<char>(d);
  for (int i = 0; i < 4; ++i) n[8 + i] = static_cast<char>(counter >> (24 - 8 * i));
  return n;
}

std::string GcmSeal(const Key& key, std::string_view nonce, std::string_view aad,
                    std::string_view plain) {
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  std::string out(plain.size() + kTagSize, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  int len = 0;
  EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), U(nonce));
  EVP_EncryptUpdate(ctx.get(), nullptr, &len, U(aad), static_cast<int>(aad.size()));
  EVP_EncryptUpdate(ctx.get(), o, &len, U(plain), static_cast<int>(plain.size()));
  EVP_EncryptFinal_ex(ctx.get(), o + len, &len);
  EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagSize, o + plain.size());
  return out;
}

std::optional<std::string> GcmOpen(const Key& key, std::string_view nonce, std::string_view aad,
                                   std::string_view sealed) {
  if (sealed.size() < kTagSize) return std::nullopt;
  const size_t n = sealed.size() - kTagSize;
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  std::string plain(n, '\0');
  auto* o = reinterpret_cast<unsigned char*>(plain.data());
  int len = 0;
  std::string tag(sealed.substr(n));
  EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), U(nonce));
  EVP_DecryptUpdate(ctx.get(), nullptr, &len, U(aad), static_cast<int>(aad.size()));
  EVP_DecryptUpdate(ctx.get(), o, &len, U(sealed), static_cast<int>(n));
  EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagSize, tag.data());
  if (EVP_DecryptFinal_ex(ctx.get(), o + len, &len) != 1) {
    OPENSSL_cleanse(plain.data(), plain.size());
    return std::nullopt;
  }
  return plain;
}

}  // namespace mynacert::card::sc
