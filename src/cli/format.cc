#include "cli/format.h"

#include "pki/key_file.h"

namespace mynacert::cli {

std::string ReasonsText(const std::vector<rules::Reason>& reasons) {
  std::string out;
  for (const rules::Reason& r : reasons) {
    const std::string tag = "[" + r.rule + "]";
    out += "  " + tag + " " + r.ja + "\n";
    out += "  " + std::string(tag.size(), ' ') + " " + r.en + "\n";
  }
  return out;
}

Status WriteDocumentOut(const std::string& out, const std::string& bytes, std::ostream& stdout_stream) {
  if (out == "-") {
    stdout_stream.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    stdout_stream.flush();
    return {};
  }
  Status written = pki::WriteFileAtomically(out, bytes, 0600);
  if (!written.ok()) {
    Error e = written.error();
    e.message = out + ": " + e.message;
    e.field = "--out";
    return e;
  }
  return {};
}

}  // namespace mynacert::cli
