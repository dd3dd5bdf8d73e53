// JSON written straight into a string, without building a document first: for answers on hot
// paths, where an nlohmann::json tree and its dump cost more than the work behind the answer
// (GET /api/explain: the tree's allocations and dump's per-byte UTF-8 check were 60 % of the
// CPU). Keys are written in the order given; callers keep nlohmann's (sorted) order so that the
// bytes are the same either way. Commas are placed by the writer.
//
// Strings are escaped as nlohmann does ('"', '\\', control characters; everything else copied
// in runs); one that is not valid UTF-8 (a hand-edited profile) goes through nlohmann's writer,
// which replaces the bad bytes with U+FFFD, so the answer is always valid JSON.
#ifndef MYNACERT_SERVICE_JSON_OUT_H_
#define MYNACERT_SERVICE_JSON_OUT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mynacert::service {

class JsonOut {
 public:
  JsonOut& Object() { return Open('{'); }
  JsonOut& Array() { return Open('['); }
  JsonOut& End(char close) {
    out_ += close;
    first_ = false;
    return *this;
  }
  JsonOut& EndObject() { return End('}'); }
  JsonOut& EndArray() { return End(']'); }
  JsonOut& Key(std::string_view key) {
    Str(key);
    out_ += ':';
    first_ = true;  // the value that follows takes no comma
    return *this;
  }
  JsonOut& Str(std::string_view s);
  JsonOut& Int(int64_t v) {
    Comma();
    out_ += std::to_string(v);
    return *this;
  }
  JsonOut& Bool(bool v) {
    Comma();
    out_ += v ? "true" : "false";
    return *this;
  }
  JsonOut& Null() {
    Comma();
    out_ += "null";
    return *this;
  }
  JsonOut& StrOrNull(const std::optional<std::string>& s) { return s ? Str(*s) : Null(); }

  std::string Finish() { return std::move(out_); }

 private:
  JsonOut& Open(char open) {
    Comma();
    out_ += open;
    first_ = true;
    return *this;
  }
  void Comma() {
    if (!first_) out_ += ',';
    first_ = false;
  }

  std::string out_;
  bool first_ = true;
};

}  // namespace mynacert::service

#endif  // MYNACERT_SERVICE_JSON_OUT_H_
