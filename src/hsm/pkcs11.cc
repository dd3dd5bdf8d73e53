#include "hsm/pkcs11.h"

#include <dlfcn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>

#define CRYPTOKI_COMPAT 1
#include <p11-kit/pkcs11.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <mutex>
#include <utility>
#include <vector>

namespace mynacert::hsm {
namespace {

// The CKR_ constant's name, for error messages (p11-kit's p11_kit_strerror would need libp11-kit).
std::string RvName(CK_RV rv) {
  switch (rv) {
    case CKR_PIN_INCORRECT:
      return "CKR_PIN_INCORRECT";
    case CKR_PIN_INVALID:
      return "CKR_PIN_INVALID";
    case CKR_PIN_LOCKED:
      return "CKR_PIN_LOCKED";
    case CKR_PIN_EXPIRED:
      return "CKR_PIN_EXPIRED";
    case CKR_PIN_LEN_RANGE:
      return "CKR_PIN_LEN_RANGE";
    case CKR_TOKEN_NOT_PRESENT:
      return "CKR_TOKEN_NOT_PRESENT";
    case CKR_TOKEN_NOT_RECOGNIZED:
      return "CKR_TOKEN_NOT_RECOGNIZED";
    case CKR_TOKEN_WRITE_PROTECTED:
      return "CKR_TOKEN_WRITE_PROTECTED";
    case CKR_USER_NOT_LOGGED_IN:
      return "CKR_USER_NOT_LOGGED_IN";
    case CKR_USER_PIN_NOT_INITIALIZED:
      return "CKR_USER_PIN_NOT_INITIALIZED";
    case CKR_USER_TYPE_INVALID:
      return "CKR_USER_TYPE_INVALID";
    case CKR_USER_ALREADY_LOGGED_IN:
      return "CKR_USER_ALREADY_LOGGED_IN";
    case CKR_SESSION_HANDLE_INVALID:
      return "CKR_SESSION_HANDLE_INVALID";
    case CKR_SESSION_CLOSED:
      return "CKR_SESSION_CLOSED";
    case CKR_SESSION_COUNT:
      return "CKR_SESSION_COUNT";
    case CKR_SESSION_READ_ONLY:
      return "CKR_SESSION_READ_ONLY";
    case CKR_SLOT_ID_INVALID:
      return "CKR_SLOT_ID_INVALID";
    case CKR_CRYPTOKI_NOT_INITIALIZED:
      return "CKR_CRYPTOKI_NOT_INITIALIZED";
    case CKR_CRYPTOKI_ALREADY_INITIALIZED:
      return "CKR_CRYPTOKI_ALREADY_INITIALIZED";
    case CKR_CANT_LOCK:
      return "CKR_CANT_LOCK";
    case CKR_KEY_HANDLE_INVALID:
      return "CKR_KEY_HANDLE_INVALID";
    case CKR_KEY_TYPE_INCONSISTENT:
      return "CKR_KEY_TYPE_INCONSISTENT";
    case CKR_KEY_SIZE_RANGE:
      return "CKR_KEY_SIZE_RANGE";
    case CKR_KEY_FUNCTION_NOT_PERMITTED:
      return "CKR_KEY_FUNCTION_NOT_PERMITTED";
    case CKR_OBJECT_HANDLE_INVALID:
      return "CKR_OBJECT_HANDLE_INVALID";
    case CKR_MECHANISM_INVALID:
      return "CKR_MECHANISM_INVALID";
    case CKR_MECHANISM_PARAM_INVALID:
      return "CKR_MECHANISM_PARAM_INVALID";
    case CKR_OPERATION_ACTIVE:
      return "CKR_OPERATION_ACTIVE";
    case CKR_OPERATION_NOT_INITIALIZED:
      return "CKR_OPERATION_NOT_INITIALIZED";
    case CKR_DATA_LEN_RANGE:
      return "CKR_DATA_LEN_RANGE";
    case CKR_BUFFER_TOO_SMALL:
      return "CKR_BUFFER_TOO_SMALL";
    case CKR_ATTRIBUTE_SENSITIVE:
      return "CKR_ATTRIBUTE_SENSITIVE";
    case CKR_ATTRIBUTE_TYPE_INVALID:
      return "CKR_ATTRIBUTE_TYPE_INVALID";
    case CKR_ATTRIBUTE_VALUE_INVALID:
      return "CKR_ATTRIBUTE_VALUE_INVALID";
    case CKR_ATTRIBUTE_READ_ONLY:
      return "CKR_ATTRIBUTE_READ_ONLY";
    case CKR_TEMPLATE_INCOMPLETE:
      return "CKR_TEMPLATE_INCOMPLETE";
    case CKR_TEMPLATE_INCONSISTENT:
      return "CKR_TEMPLATE_INCONSISTENT";
    case CKR_DEVICE_ERROR:
      return "CKR_DEVICE_ERROR";
    case CKR_DEVICE_MEMORY:
      return "CKR_DEVICE_MEMORY";
    case CKR_DEVICE_REMOVED:
      return "CKR_DEVICE_REMOVED";
    case CKR_HOST_MEMORY:
      return "CKR_HOST_MEMORY";
    case CKR_GENERAL_ERROR:
      return "CKR_GENERAL_ERROR";
    case CKR_FUNCTION_FAILED:
      return "CKR_FUNCTION_FAILED";
    case CKR_FUNCTION_NOT_SUPPORTED:
      return "CKR_FUNCTION_NOT_SUPPORTED";
    case CKR_ARGUMENTS_BAD:
      return "CKR_ARGUMENTS_BAD";
    default: {
      char buf[40];
      std::snprintf(buf, sizeof buf, "CKR_0x%08lx", static_cast<unsigned long>(rv));
      return buf;
    }
  }
}

// "<Japanese> (<English>: CKR_…)". A wrong or unusable PIN is the caller's argument; everything
// else is the token's state.
Error Failure(std::string field, std::string_view ja, std::string_view en, CK_RV rv) {
  const bool pin = rv == CKR_PIN_INCORRECT || rv == CKR_PIN_INVALID || rv == CKR_PIN_LEN_RANGE;
  return Error{pin ? ErrorCode::kInvalidArgument : ErrorCode::kFailedPrecondition, std::move(field),
               std::string(ja) + " (" + std::string(en) + ": " + RvName(rv) + ")", ""};
}

// One loaded, initialised module per path, for the life of the process.
struct Module {
  void* handle = nullptr;
  CK_FUNCTION_LIST_PTR f = nullptr;
};

Result<CK_FUNCTION_LIST_PTR> LoadModule(const std::string& path) {
  static std::mutex mu;
  static std::map<std::string, Module>* modules = new std::map<std::string, Module>();
  std::lock_guard lock(mu);
  auto it = modules->find(path);
  if (it != modules->end()) return it->second.f;
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    return Error{ErrorCode::kFailedPrecondition, "module",
                 "PKCS#11 モジュールを読み込めません (cannot load the PKCS#11 module " + path + ")",
                 ""};
  }
  auto get_list = reinterpret_cast<CK_C_GetFunctionList>(dlsym(handle, "C_GetFunctionList"));
  CK_FUNCTION_LIST_PTR f = nullptr;
  if (!get_list || get_list(&f) != CKR_OK || !f) {
    dlclose(handle);
    return Error{ErrorCode::kFailedPrecondition, "module",
                 "PKCS#11 モジュールではありません (no C_GetFunctionList in " + path + ")", ""};
  }
  CK_C_INITIALIZE_ARGS args{};
  args.flags = CKF_OS_LOCKING_OK;
  const CK_RV rv = f->C_Initialize(&args);
  if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
    dlclose(handle);
    return Failure("module", "PKCS#11 モジュールを初期化できません", "C_Initialize of " + path, rv);
  }
  (*modules)[path] = Module{handle, f};
  return f;
}

// PKCS#11 keeps one login per token and application: once any session of this process is
// logged in, C_Login answers CKR_USER_ALREADY_LOGGED_IN without looking at the PIN (SoftHSM2
// does exactly that). So that a second signer on a logged-in token still needs the right PIN,
// the PIN of each successful C_Login is remembered as SHA-256(per-process random salt || PIN),
// and an already-logged-in login is compared with it. C_Login and the record happen under one
// lock, so a racing second login never finds the token logged in without a record.
class Logins {
 public:
  static Logins& Get() {
    static Logins* logins = new Logins();  // never destroyed: signers may outlive statics
    return *logins;
  }

  // CKR_OK when `pin` logs the session's token in, or matches the PIN that did.
  CK_RV Login(CK_FUNCTION_LIST_PTR f, CK_SLOT_ID slot, CK_SESSION_HANDLE h, std::string pin) {
    std::lock_guard lock(mu_);
    const std::string digest = Digest(pin);
    CK_RV rv = f->C_Login(h, CKU_USER, reinterpret_cast<CK_UTF8CHAR_PTR>(pin.data()), pin.size());
    OPENSSL_cleanse(pin.data(), pin.size());
    const auto key = std::make_pair(f, slot);
    if (rv == CKR_OK) {
      digests_[key] = digest;
    } else if (rv == CKR_USER_ALREADY_LOGGED_IN) {
      auto it = digests_.find(key);
      // Logged in by someone else in this process: the PIN cannot be checked, so refuse.
      if (it == digests_.end()) return CKR_USER_ALREADY_LOGGED_IN;
      rv = !digest.empty() && digest.size() == it->second.size() &&
                   CRYPTO_memcmp(digest.data(), it->second.data(), digest.size()) == 0
               ? CKR_OK
               : CKR_PIN_INCORRECT;
    }
    return rv;
  }

 private:
  Logins() : salt_(32, '\0') {
    if (RAND_bytes(reinterpret_cast<unsigned char*>(salt_.data()), salt_.size()) != 1) {
      salt_.clear();  // Digest() then yields "", which never matches: fail closed
    }
  }
  std::string Digest(const std::string& pin) const {
    if (salt_.empty()) return {};
    std::string input = salt_ + pin;
    std::string out(EVP_MAX_MD_SIZE, '\0');
    size_t length = 0;
    const int ok = EVP_Q_digest(nullptr, "SHA256", nullptr, input.data(), input.size(),
                                reinterpret_cast<unsigned char*>(out.data()), &length);
    OPENSSL_cleanse(input.data(), input.size());
    if (ok != 1) return {};
    out.resize(length);
    return out;
  }

  std::mutex mu_;
  std::string salt_;
  std::map<std::pair<CK_FUNCTION_LIST_PTR, CK_SLOT_ID>, std::string> digests_;
};

// A logged-in R/W session on the token labelled `spec.token_label`.
class Session {
 public:
  static Result<std::unique_ptr<Session>> Open(const TokenSpec& spec) {
    if (spec.pin.empty()) return InvalidArgument("hsm_pin", "PIN が空です (empty PIN)");
    MYNACERT_ASSIGN_OR_RETURN(CK_FUNCTION_LIST_PTR f, LoadModule(spec.module_path));
    CK_ULONG count = 0;
    CK_RV rv = f->C_GetSlotList(CK_TRUE, nullptr, &count);
    if (rv != CKR_OK) return Failure("token", "スロットを列挙できません", "C_GetSlotList", rv);
    std::vector<CK_SLOT_ID> slots(count);
    rv = f->C_GetSlotList(CK_TRUE, slots.data(), &count);
    if (rv != CKR_OK) return Failure("token", "スロットを列挙できません", "C_GetSlotList", rv);
    std::string padded = spec.token_label;
    padded.resize(32, ' ');
    for (CK_ULONG i = 0; i < count; ++i) {
      CK_TOKEN_INFO info;
      if (f->C_GetTokenInfo(slots[i], &info) != CKR_OK) continue;
      if (std::string_view(reinterpret_cast<const char*>(info.label), 32) != padded) continue;
      CK_SESSION_HANDLE h = 0;
      rv = f->C_OpenSession(slots[i], CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &h);
      if (rv != CKR_OK)
        return Failure("token", "トークンのセッションを開けません", "C_OpenSession", rv);
      std::unique_ptr<Session> s(new Session(f, h));
      rv = Logins::Get().Login(f, slots[i], h, spec.pin);
      if (rv != CKR_OK) {
        return Failure("hsm_pin", "HSM にログインできません",
                       "C_Login to token \"" + spec.token_label + "\"", rv);
      }
      return s;
    }
    return NotFound("token", "トークンがありません (no token labelled \"" + spec.token_label +
                                 "\" in " + spec.module_path + ")");
  }
  ~Session() { f_->C_CloseSession(h_); }

  // The object of `klass` with CKA_LABEL = label, or 0. Two such objects are an error: which
  // one would sign is not ours to guess.
  Result<CK_OBJECT_HANDLE> Find(CK_OBJECT_CLASS klass, const std::string& label) {
    CK_ATTRIBUTE query[] = {
        {CKA_CLASS, &klass, sizeof klass},
        {CKA_LABEL, const_cast<char*>(label.data()), label.size()},
    };
    CK_RV rv = f_->C_FindObjectsInit(h_, query, 2);
    if (rv != CKR_OK) return Failure("key", "鍵を検索できません", "C_FindObjectsInit", rv);
    CK_OBJECT_HANDLE found[2] = {0, 0};
    CK_ULONG n = 0;
    rv = f_->C_FindObjects(h_, found, 2, &n);
    f_->C_FindObjectsFinal(h_);
    if (rv != CKR_OK) return Failure("key", "鍵を検索できません", "C_FindObjects", rv);
    if (n > 1) {
      return Error{ErrorCode::kFailedPrecondition, "key",
                   "同じラベルのオブジェクトが複数あります (more than one object labelled \"" +
                       label + "\" in the token)",
                   ""};
    }
    return n == 1 ? found[0] : CK_OBJECT_HANDLE{0};
  }

  Result<std::string> Attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) {
    CK_ATTRIBUTE a{type, nullptr, 0};
    CK_RV rv = f_->C_GetAttributeValue(h_, object, &a, 1);
    if (rv != CKR_OK) return Failure("key", "鍵の属性を読めません", "C_GetAttributeValue", rv);
    std::string value(a.ulValueLen, '\0');
    a.pValue = value.data();
    rv = f_->C_GetAttributeValue(h_, object, &a, 1);
    if (rv != CKR_OK) return Failure("key", "鍵の属性を読めません", "C_GetAttributeValue", rv);
    return value;
  }

  Result<pki::EvpPkeyPtr> PublicKey(CK_OBJECT_HANDLE object) {
    MYNACERT_ASSIGN_OR_RETURN(std::string n, Attribute(object, CKA_MODULUS));
    MYNACERT_ASSIGN_OR_RETURN(std::string e, Attribute(object, CKA_PUBLIC_EXPONENT));
    pki::BignumPtr bn_n(BN_bin2bn(reinterpret_cast<const unsigned char*>(n.data()),
                                  static_cast<int>(n.size()), nullptr));
    pki::BignumPtr bn_e(BN_bin2bn(reinterpret_cast<const unsigned char*>(e.data()),
                                  static_cast<int>(e.size()), nullptr));
    OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM* params = nullptr;
    if (bld && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n.get()) == 1 &&
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e.get()) == 1) {
      params = OSSL_PARAM_BLD_to_param(bld);
    }
    OSSL_PARAM_BLD_free(bld);
    EVP_PKEY* key = nullptr;
    pki::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
    const bool ok = params && ctx && EVP_PKEY_fromdata_init(ctx.get()) == 1 &&
                    EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params) == 1;
    OSSL_PARAM_free(params);
    if (!ok) {
      return Error{ErrorCode::kInternal, "key", "public key: " + pki::TakeOpenSslErrors(), ""};
    }
    return pki::EvpPkeyPtr(key);
  }

  CK_FUNCTION_LIST_PTR f() const { return f_; }
  CK_SESSION_HANDLE h() const { return h_; }

 private:
  Session(CK_FUNCTION_LIST_PTR f, CK_SESSION_HANDLE h) : f_(f), h_(h) {}
  CK_FUNCTION_LIST_PTR f_;
  CK_SESSION_HANDLE h_;
};

class Pkcs11Signer final : public pki::Signer {
 public:
  Pkcs11Signer(std::unique_ptr<Session> session, CK_OBJECT_HANDLE key, pki::EvpPkeyPtr public_key,
               std::string description)
      : session_(std::move(session)),
        key_(key),
        public_key_(std::move(public_key)),
        description_(std::move(description)) {}

  Result<std::string> Sign(std::string_view data) override {
    return SignWith(CKM_SHA256_RSA_PKCS, data);
  }
  Result<std::string> SignWith(CK_MECHANISM_TYPE type, std::string_view data) {
    std::lock_guard lock(mu_);
    CK_MECHANISM mechanism{type, nullptr, 0};
    CK_RV rv = session_->f()->C_SignInit(session_->h(), &mechanism, key_);
    if (rv != CKR_OK) return Failure("key", "HSM で署名を開始できません", "C_SignInit", rv);
    std::string signature(512, '\0');
    CK_ULONG length = signature.size();
    rv = session_->f()->C_Sign(
        session_->h(), reinterpret_cast<CK_BYTE_PTR>(const_cast<char*>(data.data())), data.size(),
        reinterpret_cast<CK_BYTE_PTR>(signature.data()), &length);
    if (rv != CKR_OK) return Failure("key", "HSM で署名できません", "C_Sign", rv);
    signature.resize(length);
    return signature;
  }
  Result<std::string> SignDigestInfo(std::string_view digest_info) override {
    // CKM_RSA_PKCS: PKCS#1 v1.5 type 1 over the DigestInfo as given (PKCS#11 2.40 §2.1.6).
    return SignWith(CKM_RSA_PKCS, digest_info);
  }
  EVP_PKEY* public_key() const override { return public_key_.get(); }
  std::string Describe() const override { return description_; }

 private:
  std::mutex mu_;
  std::unique_ptr<Session> session_;
  CK_OBJECT_HANDLE key_;
  pki::EvpPkeyPtr public_key_;
  std::string description_;
};

}  // namespace

Result<TokenSpec> ParseTokenUri(std::string_view uri) {
  constexpr std::string_view kScheme = "pkcs11:";
  if (uri.substr(0, kScheme.size()) != kScheme) {
    return InvalidArgument("hsm", "pkcs11:module=…;token=… の形で指定してください");
  }
  uri.remove_prefix(kScheme.size());
  TokenSpec spec;
  while (!uri.empty()) {
    const size_t end = uri.find(';');
    const std::string_view part = uri.substr(0, end);
    uri = end == std::string_view::npos ? std::string_view() : uri.substr(end + 1);
    const size_t eq = part.find('=');
    if (eq == std::string_view::npos) {
      return InvalidArgument(
          "hsm", "属性は name=value です (expected name=value: " + std::string(part) + ")");
    }
    const std::string_view name = part.substr(0, eq);
    const std::string value(part.substr(eq + 1));
    if (name == "module")
      spec.module_path = value;
    else if (name == "token")
      spec.token_label = value;
    else if (name == "key")
      spec.key_label = value;
    else if (name == "pin" || name == "pin-value") {
      return InvalidArgument("hsm", "PIN は URI に書かないでください (use --hsm-pin)");
    } else {
      return InvalidArgument("hsm",
                             "不明な属性です (unknown attribute " + std::string(name) + ")");
    }
  }
  if (spec.module_path.empty() || spec.token_label.empty()) {
    return InvalidArgument("hsm", "module と token が必要です (module= and token= are required)");
  }
  return spec;
}

Result<pki::EvpPkeyPtr> GenerateRsaKeyInToken(const TokenSpec& spec) {
  if (spec.key_label.empty()) return InvalidArgument("key", "鍵のラベルが空です (empty key label)");
  MYNACERT_ASSIGN_OR_RETURN(std::unique_ptr<Session> s, Session::Open(spec));
  MYNACERT_ASSIGN_OR_RETURN(CK_OBJECT_HANDLE existing, s->Find(CKO_PRIVATE_KEY, spec.key_label));
  MYNACERT_ASSIGN_OR_RETURN(CK_OBJECT_HANDLE existing_public,
                            s->Find(CKO_PUBLIC_KEY, spec.key_label));
  if (existing != 0 || existing_public != 0) {
    return Error{ErrorCode::kFailedPrecondition, "key",
                 "同じラベルの鍵があります (a key labelled \"" + spec.key_label +
                     "\" already exists; it is never replaced)",
                 ""};
  }
  CK_MECHANISM mechanism{CKM_RSA_PKCS_KEY_PAIR_GEN, nullptr, 0};
  CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
  CK_ULONG bits = 2048;
  CK_BYTE exponent[] = {0x01, 0x00, 0x01};
  std::string label = spec.key_label;
  std::string id = spec.key_label;
  CK_ATTRIBUTE public_template[] = {
      {CKA_TOKEN, &yes, sizeof yes},           {CKA_VERIFY, &yes, sizeof yes},
      {CKA_MODULUS_BITS, &bits, sizeof bits},  {CKA_PUBLIC_EXPONENT, exponent, sizeof exponent},
      {CKA_LABEL, label.data(), label.size()}, {CKA_ID, id.data(), id.size()},
  };
  CK_ATTRIBUTE private_template[] = {
      {CKA_TOKEN, &yes, sizeof yes},     {CKA_PRIVATE, &yes, sizeof yes},
      {CKA_SENSITIVE, &yes, sizeof yes}, {CKA_EXTRACTABLE, &no, sizeof no},
      {CKA_SIGN, &yes, sizeof yes},      {CKA_LABEL, label.data(), label.size()},
      {CKA_ID, id.data(), id.size()},
  };
  CK_OBJECT_HANDLE public_key = 0, private_key = 0;
  const CK_RV rv = s->f()->C_GenerateKeyPair(
      s->h(), &mechanism, public_template, sizeof public_template / sizeof public_template[0],
      private_template, sizeof private_template / sizeof private_template[0], &public_key,
      &private_key);
  if (rv != CKR_OK)
    return Failure("key", "HSM で鍵を生成できません",
                   "C_GenerateKeyPair \"" + spec.key_label + "\"", rv);
  return s->PublicKey(public_key);
}

Result<std::unique_ptr<pki::Signer>> OpenPkcs11Signer(const TokenSpec& spec) {
  MYNACERT_ASSIGN_OR_RETURN(std::unique_ptr<Session> s, Session::Open(spec));
  MYNACERT_ASSIGN_OR_RETURN(CK_OBJECT_HANDLE private_key, s->Find(CKO_PRIVATE_KEY, spec.key_label));
  MYNACERT_ASSIGN_OR_RETURN(CK_OBJECT_HANDLE public_key, s->Find(CKO_PUBLIC_KEY, spec.key_label));
  if (private_key == 0 || public_key == 0) {
    return NotFound("key", "HSM に鍵がありません (no key pair labelled \"" + spec.key_label +
                               "\" in token \"" + spec.token_label + "\")");
  }
  MYNACERT_ASSIGN_OR_RETURN(pki::EvpPkeyPtr pub, s->PublicKey(public_key));
  const std::string description =
      "PKCS#11 token '" + spec.token_label + "' key '" + spec.key_label + "'";
  return std::unique_ptr<pki::Signer>(
      new Pkcs11Signer(std::move(s), private_key, std::move(pub), description));
}

}  // namespace mynacert::hsm
