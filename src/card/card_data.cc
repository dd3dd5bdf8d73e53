#include "card/card_data.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <cstdio>
#include <vector>

#include "core/date_text.h"

namespace mynacert::card {
namespace {

constexpr size_t kMyNumberFileSize = 17, kDigestsFileSize = 336, kCvCertificateSize = 568,
                 kBasicDataFileSize = 256;

std::string Length(size_t n) {
  if (n < 128) return std::string(1, static_cast<char>(n));
  return std::string{'\x82', static_cast<char>(n >> 8), static_cast<char>(n & 0xFF)};
}

std::string Tlv(uint16_t tag, std::string_view value) {
  std::string out;
  if (tag > 0xFF) out.push_back(static_cast<char>(tag >> 8));
  out.push_back(static_cast<char>(tag & 0xFF));
  return out + Length(value.size()) + std::string(value);
}

std::string Sha256(std::string_view data) {
  std::string out(32, '\0');
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), reinterpret_cast<unsigned char*>(out.data()), &n,
             EVP_sha256(), nullptr);
  return out;
}

Error Malformed(std::string_view file, const std::string& what) {
  return InvalidArgument(std::string(file),
                         "カードのデータの形が違います (malformed " + std::string(file) + ": " +
                             what + ")");
}

struct Object {
  uint16_t tag = 0;
  std::string_view value;
  std::string_view raw;  // header and value, as written
};

// One BER object at the start of `in`: a one- or two-byte tag, a length of one byte, 81 xx or
// 82 xx xx.
Result<Object> ParseObject(std::string_view in, std::string_view file) {
  auto byte = [&](size_t i) { return static_cast<uint8_t>(in[i]); };
  if (in.size() < 2) return Malformed(file, "truncated object");
  size_t pos = 1;
  uint16_t tag = byte(0);
  if ((tag & 0x1F) == 0x1F) {
    tag = static_cast<uint16_t>(tag << 8 | byte(1));
    pos = 2;
  }
  if (pos >= in.size()) return Malformed(file, "truncated object");
  size_t len = byte(pos++);
  if (len == 0x81 || len == 0x82) {
    const size_t n = len - 0x80;
    if (pos + n > in.size()) return Malformed(file, "truncated length");
    len = 0;
    for (size_t i = 0; i < n; ++i) len = len << 8 | byte(pos++);
  } else if (len > 0x7F) {
    return Malformed(file, "unsupported length form");
  }
  if (pos + len > in.size()) return Malformed(file, "an object runs past the end of the file");
  return Object{tag, in.substr(pos, len), in.substr(0, pos + len)};
}

// The objects inside a constructed value, up to the filler (00 or FF) after the last one.
Result<std::vector<Object>> ParseObjects(std::string_view value, std::string_view file) {
  std::vector<Object> out;
  while (!value.empty() && value[0] != '\x00' && value[0] != '\xFF') {
    MYNACERT_ASSIGN_OR_RETURN(Object o, ParseObject(value, file));
    out.push_back(o);
    value.remove_prefix(o.raw.size());
  }
  return out;
}

const Object* Find(const std::vector<Object>& objects, uint16_t tag) {
  for (const Object& o : objects) {
    if (o.tag == tag) return &o;
  }
  return nullptr;
}

Result<std::string> BigEndian(EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) {
    pki::TakeOpenSslErrors();
    return InvalidArgument("key", "RSA の鍵ではありません (not an RSA key)");
  }
  std::string out(static_cast<size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
  BN_free(bn);
  return out;
}

// 90 <e> 91 82 01 00 <n>: an RSA-2048 public key as the card's CV certificates hold it.
Result<std::string> CardPublicKey(EVP_PKEY* key) {
  MYNACERT_ASSIGN_OR_RETURN(std::string e, BigEndian(key, OSSL_PKEY_PARAM_RSA_E));
  MYNACERT_ASSIGN_OR_RETURN(std::string n, BigEndian(key, OSSL_PKEY_PARAM_RSA_N));
  if (n.size() != 256) return InvalidArgument("key", "RSA-2048 の鍵が必要です (RSA-2048 needed)");
  return Tlv(0x90, e) + Tlv(0x91, n);
}

Result<pki::EvpPkeyPtr> KeyFromCard(std::string_view encoded, std::string_view file) {
  MYNACERT_ASSIGN_OR_RETURN(std::vector<Object> parts, ParseObjects(encoded, file));
  const Object* e = Find(parts, 0x90);
  const Object* n = Find(parts, 0x91);
  if (!e || !n) return Malformed(file, "no RSA public key (90, 91)");
  BIGNUM* bn_n = BN_bin2bn(reinterpret_cast<const unsigned char*>(n->value.data()),
                           static_cast<int>(n->value.size()), nullptr);
  BIGNUM* bn_e = BN_bin2bn(reinterpret_cast<const unsigned char*>(e->value.data()),
                           static_cast<int>(e->value.size()), nullptr);
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n);
  OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e);
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr);
  EVP_PKEY* key = nullptr;
  const bool ok = ctx && params && EVP_PKEY_fromdata_init(ctx) == 1 &&
                  EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) == 1;
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  BN_free(bn_n);
  BN_free(bn_e);
  if (!ok) {
    pki::TakeOpenSslErrors();
    return Malformed(file, "the RSA public key");
  }
  return pki::EvpPkeyPtr(key);
}

bool VerifySha256(EVP_PKEY* key, std::string_view data, std::string_view signature) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok =
      ctx && EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
      EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                       data.size()) == 1;
  EVP_MD_CTX_free(ctx);
  pki::TakeOpenSslErrors();
  return ok;
}

// <outer> L | <table tag> <2 × n> <offsets> | the n fields: each offset counts from the file's
// start to its field, as the 券面 APs' files carry them.
Result<std::string> WithOffsets(uint16_t outer, uint16_t table_tag, const std::vector<std::string>& fields,
                                std::string_view too_long_field) {
  std::string body;
  for (const std::string& f : fields) body += f;
  const size_t table_size = 3 + 2 * fields.size();  // the table's tag and length: 3 bytes
  const size_t value_size = table_size + body.size();
  if (value_size > 0xFFFF - 8) return InvalidArgument(std::string(too_long_field), "長すぎます (too long)");
  const size_t header = 2 + Length(value_size).size();
  std::string table;
  size_t at = header + table_size;
  for (const std::string& f : fields) {
    table.push_back(static_cast<char>(at >> 8));
    table.push_back(static_cast<char>(at & 0xFF));
    at += f.size();
  }
  return Tlv(outer, Tlv(table_tag, table) + body);
}

// Each offset of the table must be where its field starts (the objects after the table, in order).
Status CheckOffsets(std::string_view file, const std::vector<Object>& objects, uint16_t table_tag,
                    std::string_view name) {
  const Object* table = Find(objects, table_tag);
  if (!table) return {};
  const size_t fields = objects.size() - 1;
  if (table->value.size() != 2 * fields) return Malformed(name, "the offset table");
  size_t i = 0;
  for (const Object& o : objects) {
    if (o.tag == table_tag) continue;
    const size_t declared = static_cast<uint8_t>(table->value[2 * i]) << 8 |
                            static_cast<uint8_t>(table->value[2 * i + 1]);
    if (declared != static_cast<size_t>(o.raw.data() - file.data())) {
      return Malformed(name, "an offset does not match its field");
    }
    ++i;
  }
  return {};
}

// A card-verifiable certificate of the signer's key, self-certified (the sandbox has one key).
Result<std::string> CvCertificate(pki::Signer& signer) {
  MYNACERT_ASSIGN_OR_RETURN(const std::string key, CardPublicKey(signer.public_key()));
  const std::string body = SandboxKeyId() + SandboxKeyId() + key;
  MYNACERT_ASSIGN_OR_RETURN(const std::string signature, signer.Sign(body));
  return Tlv(0x7F21, Tlv(0x5F4E, body) + Tlv(0x5F37, signature));
}

// The key a CV certificate (EF 0004 of either AP) certifies, once its signature verifies under
// `trusted`.
Result<pki::EvpPkeyPtr> CertifiedKey(std::string_view ef0004, EVP_PKEY* trusted, std::string_view ap) {
  MYNACERT_ASSIGN_OR_RETURN(Object cv, ParseObject(ef0004, "ef0004"));
  MYNACERT_ASSIGN_OR_RETURN(std::vector<Object> cv_parts, ParseObjects(cv.value, "ef0004"));
  const Object* cv_body = Find(cv_parts, 0x5F4E);
  const Object* cv_sig = Find(cv_parts, 0x5F37);
  if (cv.tag != 0x7F21 || !cv_body || !cv_sig || cv_body->value.size() != 297) {
    return Malformed("ef0004", "not a 7F21 certificate of an RSA-2048 key");
  }
  if (!VerifySha256(trusted, cv_body->value, cv_sig->value)) {
    return InvalidArgument("ef0004", std::string(ap) +
                                         "の証明書の署名が検証できません (EF 0004's signature "
                                         "does not verify under the published key)");
  }
  return KeyFromCard(cv_body->value.substr(32), "ef0004");
}

// PKCS#1 v1.5 type 1 under `key` recovers exactly `digest_info`.
bool VerifyDigestInfo(EVP_PKEY* key, std::string_view digest_info, std::string_view signature) {
  pki::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new(key, nullptr));
  const bool ok = ctx && EVP_PKEY_verify_init(ctx.get()) == 1 &&
                  EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) == 1 &&
                  EVP_PKEY_verify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                                  signature.size(),
                                  reinterpret_cast<const unsigned char*>(digest_info.data()),
                                  digest_info.size()) == 1;
  pki::TakeOpenSslErrors();
  return ok;
}

bool IsPng(std::string_view s) { return s.substr(0, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8); }
bool IsJp2(std::string_view s) {
  return s.substr(0, 12) == std::string_view("\x00\x00\x00\x0CjP  \r\n\x87\n", 12);
}

bool Digits(std::string_view s, size_t n) {
  return s.size() == n && s.find_first_not_of("0123456789") == std::string_view::npos;
}

// ASCII digits and '-' full-width, as the card writes an address (１２－７－２０２).
std::string FullWidthDigits(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      out += "\xEF\xBC";  // U+FF10..U+FF19
      out.push_back(static_cast<char>(0x90 + (c - '0')));
    } else if (c == '-') {
      out += "\xEF\xBC\x8D";  // U+FF0D
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

std::string TextName(std::string_view name, std::string_view kyuuji, std::string_view tsusho) {
  std::string out(name);
  if (!kyuuji.empty()) out += "［" + std::string(kyuuji) + "］";
  if (!tsusho.empty()) out += "（" + std::string(tsusho) + "）";
  return out;
}

std::string CollationNumberB(Date birth, int expiry_year, std::string_view security_code) {
  char out[15];
  std::snprintf(out, sizeof out, "%02d%02d%02d%04d", JapaneseEraYearNumber(birth) % 100,
                birth.month(), birth.day(), expiry_year % 10000);
  return std::string(out, 10) + std::string(security_code);
}

std::string CardDate(Date d) {
  const std::string iso = d.ToString();
  return iso.substr(0, 4) + iso.substr(5, 2) + iso.substr(8, 2);
}

std::string CardDateIso(std::string_view d) {
  return std::string(d.substr(0, 4)) + "-" + std::string(d.substr(4, 2)) + "-" + std::string(d.substr(6, 2));
}

std::string Sha256DigestInfo(std::string_view digest) {
  const std::string inner =
      std::string("\x30\x0D\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02\x01\x05\x00", 15) + Tlv(0x04, digest);
  return Tlv(0x30, inner);
}

std::string SandboxKeyId() { return std::string("9000033\x08\x05" "001\0\0\0\0", 16); }

Result<std::map<uint16_t, std::string>> TextApFiles(const HolderData& holder, pki::Signer& signer) {
  if (!Digits(holder.my_number, 12)) {
    return InvalidArgument("my_number", "個人番号は12桁の数字です (12 digits)");
  }
  if (!Digits(holder.birth, 8)) return InvalidArgument("birth", "生年月日は YYYYMMDD です");
  if (holder.sex != '1' && holder.sex != '2' && holder.sex != '9') {
    return InvalidArgument("sex", "1 (男), 2 (女), 9 (適用不能) のいずれか (JIS X 0303)");
  }
  if (holder.name.empty()) return InvalidArgument("name", "氏名が必要です (required)");
  if (holder.address.empty()) return InvalidArgument("address", "住所が必要です (required)");
  std::map<uint16_t, std::string> files;
  // EF 0001: the object and two bytes of filler, 17 in all; the digest covers all 17.
  files[0x0001] = Tlv(0xFF10, holder.my_number) + "\xFF\xFF";
  // EF 0002: the offset table first, then the four fields; offsets count from the file's start.
  const std::vector<std::string> fields = {Tlv(0xDF22, holder.name),
                                            Tlv(0xDF23, FullWidthDigits(holder.address)),
                                            Tlv(0xDF24, holder.birth),
                                            Tlv(0xDF25, std::string(1, holder.sex))};
  std::string body;
  for (const std::string& f : fields) body += f;
  MYNACERT_ASSIGN_OR_RETURN(files[0x0002], WithOffsets(0xFF20, 0xDF21, fields, "address"));
  // EF 0003: the digests and the signature over them.
  const std::string digests = Tlv(0xDF31, Sha256(files[0x0001])) + Tlv(0xDF32, Sha256(body));
  MYNACERT_ASSIGN_OR_RETURN(const std::string signature, signer.Sign(digests));
  if (signature.size() != 256) return InvalidArgument("key", "RSA-2048 の鍵が必要です (RSA-2048 needed)");
  files[0x0003] = Tlv(0xFF30, digests + Tlv(0xDF33, signature));
  // EF 0004: the CV certificate of the signing key (self-certified: the sandbox has one key).
  MYNACERT_ASSIGN_OR_RETURN(files[0x0004], CvCertificate(signer));
  MYNACERT_ASSIGN_OR_RETURN(const std::string key, CardPublicKey(signer.public_key()));
  // EF 0005: the AP's basic data (DF43's meaning is not known; 32 bytes and FF, as on cards).
  std::string trailing = Sha256(key);
  trailing.append(96, '\xFF');
  std::string basic = Tlv(0xDF41, std::string("\x01\x03\x0E\x01", 4)) +
                      Tlv(0xDF42, SandboxKeyId()) + Tlv(0xDF43, trailing);
  basic = Tlv(0xFF40, basic);
  basic.resize(kBasicDataFileSize, '\xFF');
  files[0x0005] = basic;
  if (files[0x0001].size() != kMyNumberFileSize || files[0x0003].size() != kDigestsFileSize ||
      files[0x0004].size() != kCvCertificateSize) {
    return Error{ErrorCode::kInternal, "card", "card data layout", ""};
  }
  return files;
}

Result<std::string> ParseMyNumberFile(std::string_view file) {
  MYNACERT_ASSIGN_OR_RETURN(Object o, ParseObject(file, "ef0001"));
  if (o.tag != 0xFF10 || !Digits(o.value, 12)) return Malformed("ef0001", "not FF10 + 12 digits");
  return std::string(o.value);
}

Result<HolderData> ParseBasicFourFile(std::string_view file) {
  MYNACERT_ASSIGN_OR_RETURN(Object outer, ParseObject(file, "ef0002"));
  if (outer.tag != 0xFF20) return Malformed("ef0002", "not FF20");
  MYNACERT_ASSIGN_OR_RETURN(std::vector<Object> objects, ParseObjects(outer.value, "ef0002"));
  const Object* table = Find(objects, 0xDF21);
  HolderData h;
  const struct {
    uint16_t tag;
    std::string* out;
  } wanted[] = {{0xDF22, &h.name}, {0xDF23, &h.address}, {0xDF24, &h.birth}};
  for (const auto& w : wanted) {
    const Object* o = Find(objects, w.tag);
    if (!o) return Malformed("ef0002", "a field is missing");
    *w.out = std::string(o->value);
  }
  const Object* sex = Find(objects, 0xDF25);
  if (!sex || sex->value.size() != 1 || !Digits(h.birth, 8)) {
    return Malformed("ef0002", "birth or sex");
  }
  h.sex = sex->value[0];
  if (table && objects.size() != 5) return Malformed("ef0002", "the offset table");
  MYNACERT_RETURN_IF_ERROR(CheckOffsets(file, objects, 0xDF21, "ef0002"));
  return h;
}

Status VerifyTextApFiles(std::string_view ef0001, std::string_view ef0002, std::string_view ef0003,
                         std::string_view ef0004, EVP_PKEY* trusted) {
  MYNACERT_ASSIGN_OR_RETURN(pki::EvpPkeyPtr key, CertifiedKey(ef0004, trusted, "券面事項入力補助AP"));
  // EF 0003 under the key EF 0004 certifies.
  MYNACERT_ASSIGN_OR_RETURN(Object rec, ParseObject(ef0003, "ef0003"));
  MYNACERT_ASSIGN_OR_RETURN(std::vector<Object> parts, ParseObjects(rec.value, "ef0003"));
  const Object* d1 = Find(parts, 0xDF31);
  const Object* d2 = Find(parts, 0xDF32);
  const Object* sig = Find(parts, 0xDF33);
  if (rec.tag != 0xFF30 || !d1 || !d2 || !sig || parts.size() != 3 || parts[2].tag != 0xDF33) {
    return Malformed("ef0003", "not FF30 DF31 DF32 DF33");
  }
  const std::string signed_part = std::string(parts[0].raw) + std::string(parts[1].raw);
  if (!VerifySha256(key.get(), signed_part, sig->value)) {
    return InvalidArgument("ef0003", "券面事項の署名が検証できません (EF 0003's signature does not "
                                     "verify under the key of EF 0004)");
  }
  // The digests against the files as read: EF 0001 whole, EF 0002 after its offset table.
  if (Sha256(ef0001) != d1->value) {
    return InvalidArgument("ef0001", "個人番号が署名されたものと違います (EF 0001 does not match "
                                     "its digest)");
  }
  MYNACERT_ASSIGN_OR_RETURN(Object outer, ParseObject(ef0002, "ef0002"));
  MYNACERT_ASSIGN_OR_RETURN(Object table, ParseObject(outer.value, "ef0002"));
  if (outer.tag != 0xFF20 || table.tag != 0xDF21) return Malformed("ef0002", "no offset table");
  if (Sha256(outer.value.substr(table.raw.size())) != d2->value) {
    return InvalidArgument("ef0002", "基本4情報が署名されたものと違います (EF 0002 does not "
                                     "match its digest)");
  }
  return {};
}

// --- the 券面 AP ------------------------------------------------------------------------------

Result<std::map<uint16_t, std::string>> VisualApFiles(const CardFaceData& face,
                                                      const CardFaceImages& images,
                                                      EVP_PKEY* ap_key, pki::Signer& signer) {
  if (!Digits(face.birth, 8)) return InvalidArgument("birth", "生年月日は YYYYMMDD です");
  if (!Digits(face.expiry, 8)) return InvalidArgument("expiry", "有効期限は YYYYMMDD です");
  if (face.sex != '1' && face.sex != '2' && face.sex != '9') {
    return InvalidArgument("sex", "1 (男), 2 (女), 9 (適用不能) のいずれか (JIS X 0303)");
  }
  const struct {
    const std::string* image;
    const char* field;
  } pngs[] = {{&images.name_png, "name_png"},
              {&images.address_png, "address_png"},
              {&images.number_png, "number_png"},
              {&images.security_code_png, "security_code_png"}};
  for (const auto& p : pngs) {
    if (!IsPng(*p.image)) return InvalidArgument(p.field, "PNG ではありません (not a PNG)");
  }
  if (!IsJp2(images.photo)) return InvalidArgument("photo", "JPEG 2000 (JP2) ではありません");
  MYNACERT_ASSIGN_OR_RETURN(const std::string key, CardPublicKey(ap_key));
  std::vector<std::string> fields = {
      Tlv(0xDF22, face.birth),         Tlv(0xDF23, std::string(1, face.sex)),
      Tlv(0xDF24, key),                Tlv(0xDF25, images.name_png),
      Tlv(0xDF26, images.address_png), Tlv(0xDF27, images.photo)};
  const std::string digests = Sha256(fields[0] + fields[1] + fields[2]) +
                              Sha256(fields[3] + fields[4]) + Sha256(fields[5]);
  MYNACERT_ASSIGN_OR_RETURN(const std::string signature,
                            signer.SignDigestInfo(Sha256DigestInfo(digests)));
  if (signature.size() != 256) return InvalidArgument("key", "RSA-2048 の鍵が必要です (RSA-2048 needed)");
  fields.push_back(Tlv(0xDF28, signature));
  fields.push_back(Tlv(0xDF29, face.expiry));
  fields.push_back(Tlv(0xDF2A, images.security_code_png));
  std::map<uint16_t, std::string> files;
  MYNACERT_ASSIGN_OR_RETURN(files[0x0002], WithOffsets(0xFF20, 0xDF21, fields, "photo"));
  if (files[0x0002].size() > 32768) return InvalidArgument("photo", "券面のデータが大きすぎます (over 32 KiB)");
  MYNACERT_ASSIGN_OR_RETURN(files[0x0004], CvCertificate(signer));
  const std::string number = Tlv(0xDF41, images.number_png) + Tlv(0xDF42, key);
  MYNACERT_ASSIGN_OR_RETURN(const std::string number_signature, signer.Sign(number));
  files[0x0005] = Tlv(0xFF40, number + Tlv(0xDF43, number_signature));
  return files;
}

Result<CardFace> ParseCardFaceFile(std::string_view file) {
  MYNACERT_ASSIGN_OR_RETURN(Object outer, ParseObject(file, "ef0002"));
  if (outer.tag != 0xFF20) return Malformed("ef0002", "not FF20");
  MYNACERT_ASSIGN_OR_RETURN(std::vector<Object> objects, ParseObjects(outer.value, "ef0002"));
  if (objects.size() != 10 || objects[0].tag != 0xDF21) {
    return Malformed("ef0002", "not DF21 and the nine fields of the card face");
  }
  MYNACERT_RETURN_IF_ERROR(CheckOffsets(file, objects, 0xDF21, "ef0002"));
  CardFace f;
  const struct {
    uint16_t tag;
    std::string* out;
  } wanted[] = {{0xDF22, &f.data.birth},          {0xDF24, &f.public_key},
                {0xDF25, &f.images.name_png},     {0xDF26, &f.images.address_png},
                {0xDF27, &f.images.photo},        {0xDF29, &f.data.expiry},
                {0xDF2A, &f.images.security_code_png}};
  for (const auto& w : wanted) {
    const Object* o = Find(objects, w.tag);
    if (!o) return Malformed("ef0002", "a field is missing");
    *w.out = std::string(o->value);
  }
  const Object* sex = Find(objects, 0xDF23);
  if (!sex || sex->value.size() != 1 || !Digits(f.data.birth, 8) || !Digits(f.data.expiry, 8)) {
    return Malformed("ef0002", "birth, sex or expiry");
  }
  f.data.sex = sex->value[0];
  return f;
}

Result<std::string> ParseNumberImageFile(std::string_view file) {
  MYNACERT_ASSIGN_OR_RETURN(Object outer, ParseObject(file, "ef0005"));
  MYNACERT_ASSIGN_OR_RETURN(std::vector<Object> objects, ParseObjects(outer.value, "ef0005"));
  if (outer.tag != 0xFF40 || objects.size() != 3 || objects[0].tag != 0xDF41) {
    return Malformed("ef0005", "not FF40 DF41 DF42 DF43");
  }
  return std::string(objects[0].value);
}

Result<pki::EvpPkeyPtr> CardFaceKey(const CardFace& face) { return KeyFromCard(face.public_key, "ef0002"); }

bool ChipSignedChallenge(const CardFace& face, std::string_view digest_info, std::string_view signature) {
  auto key = CardFaceKey(face);
  return key.ok() && VerifyDigestInfo(key->get(), digest_info, signature);
}

Status VerifyVisualApFiles(std::string_view ef0002, std::string_view ef0005,
                           std::string_view ef0004, EVP_PKEY* trusted) {
  MYNACERT_ASSIGN_OR_RETURN(pki::EvpPkeyPtr key, CertifiedKey(ef0004, trusted, "券面AP"));
  MYNACERT_ASSIGN_OR_RETURN(Object outer, ParseObject(ef0002, "ef0002"));
  MYNACERT_ASSIGN_OR_RETURN(std::vector<Object> o, ParseObjects(outer.value, "ef0002"));
  const uint16_t order[] = {0xDF21, 0xDF22, 0xDF23, 0xDF24, 0xDF25, 0xDF26, 0xDF27, 0xDF28};
  if (outer.tag != 0xFF20 || o.size() < 8) return Malformed("ef0002", "not the card face");
  for (size_t i = 0; i < 8; ++i) {
    if (o[i].tag != order[i]) return Malformed("ef0002", "not the card face");
  }
  const std::string digests = Sha256(std::string(o[1].raw) + std::string(o[2].raw) + std::string(o[3].raw)) +
                              Sha256(std::string(o[4].raw) + std::string(o[5].raw)) +
                              Sha256(o[6].raw);
  if (!VerifyDigestInfo(key.get(), Sha256DigestInfo(digests), o[7].value)) {
    return InvalidArgument("ef0002", "券面の署名が検証できません (EF 0002's signature does not "
                                     "verify under the key of EF 0004)");
  }
  if (ef0005.empty()) return {};
  MYNACERT_ASSIGN_OR_RETURN(Object number, ParseObject(ef0005, "ef0005"));
  MYNACERT_ASSIGN_OR_RETURN(std::vector<Object> n, ParseObjects(number.value, "ef0005"));
  if (number.tag != 0xFF40 || n.size() != 3 || n[0].tag != 0xDF41 || n[1].tag != 0xDF42 ||
      n[2].tag != 0xDF43) {
    return Malformed("ef0005", "not FF40 DF41 DF42 DF43");
  }
  if (!VerifySha256(key.get(), std::string(n[0].raw) + std::string(n[1].raw), n[2].value)) {
    return InvalidArgument("ef0005", "個人番号の画像の署名が検証できません (EF 0005's signature does "
                                     "not verify under the key of EF 0004)");
  }
  if (n[1].value != o[3].value) {
    return InvalidArgument("ef0005", "EF 0005 の鍵が券面の鍵と違います (EF 0005 carries another key "
                                     "than EF 0002)");
  }
  return {};
}

}  // namespace mynacert::card
