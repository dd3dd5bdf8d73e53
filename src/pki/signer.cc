#include "pki/signer.h"

#include <openssl/rsa.h>

#include <utility>

namespace mynacert::pki {
namespace {

using EvpMdCtxPtr = OpenSslPtr<EVP_MD_CTX, EVP_MD_CTX_free>;

class KeySigner final : public Signer {
 public:
  KeySigner(EvpPkeyPtr key, std::string description)
      : key_(std::move(key)), description_(std::move(description)), initialised_(EVP_MD_CTX_new()) {
    // Initialising a signing context fetches the algorithms from the provider; done once here
    // and copied per signature (a fifth of the overhead of an issuance otherwise).
    if (initialised_ &&
        EVP_DigestSignInit(initialised_.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1) {
      initialised_.reset();
      TakeOpenSslErrors();
    }
  }

  Result<std::string> Sign(std::string_view data) override {
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    // The initialised context is only read by the copy, so concurrent Sign calls are safe.
    if (!ctx || !initialised_ || EVP_MD_CTX_copy_ex(ctx.get(), initialised_.get()) != 1) {
      return Error{
          ErrorCode::kInternal, "signer", "EVP_DigestSignInit: " + TakeOpenSslErrors(), {}};
    }
    size_t length = 0;
    const auto* in = reinterpret_cast<const unsigned char*>(data.data());
    if (EVP_DigestSign(ctx.get(), nullptr, &length, in, data.size()) != 1) {
      return Error{ErrorCode::kInternal, "signer", "EVP_DigestSign: " + TakeOpenSslErrors(), {}};
    }
    std::string signature(length, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length, in,
                       data.size()) != 1) {
      return Error{ErrorCode::kInternal, "signer", "EVP_DigestSign: " + TakeOpenSslErrors(), {}};
    }
    signature.resize(length);
    return signature;
  }

  Result<std::string> SignDigestInfo(std::string_view digest_info) override {
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new(key_.get(), nullptr));
    size_t length = 0;
    const auto* in = reinterpret_cast<const unsigned char*>(digest_info.data());
    if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1 ||
        EVP_PKEY_sign(ctx.get(), nullptr, &length, in, digest_info.size()) != 1) {
      return Error{ErrorCode::kInternal, "signer", "EVP_PKEY_sign: " + TakeOpenSslErrors(), {}};
    }
    std::string signature(length, '\0');
    if (EVP_PKEY_sign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length, in,
                      digest_info.size()) != 1) {
      return Error{ErrorCode::kInternal, "signer", "EVP_PKEY_sign: " + TakeOpenSslErrors(), {}};
    }
    signature.resize(length);
    return signature;
  }

  EVP_PKEY* public_key() const override { return key_.get(); }
  std::string Describe() const override { return description_; }

 private:
  EvpPkeyPtr key_;  // EVP_PKEY signing is safe from several threads with a context each
  std::string description_;
  EvpMdCtxPtr initialised_;
};

}  // namespace

std::unique_ptr<Signer> MakeKeySigner(EvpPkeyPtr private_key, std::string description) {
  return std::make_unique<KeySigner>(std::move(private_key), std::move(description));
}

std::string_view Sha256WithRsaAlgorithmDer() {
  // SEQUENCE { OID 1.2.840.113549.1.1.11, NULL }
  static constexpr char kDer[] = "\x30\x0d\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0b\x05\x00";
  return std::string_view(kDer, sizeof(kDer) - 1);
}

}  // namespace mynacert::pki
