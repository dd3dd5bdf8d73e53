// PC/SC on libpcsclite: the readers pcscd knows, and a Transport to the card in one of them —
// ours through vpcd ("Virtual PCD 00 00"), or a real My Number Card in a real reader.
//
// Thread-safety: a PcscContext and its transports belong to one thread.
#ifndef MYNACERT_CARD_PCSC_H_
#define MYNACERT_CARD_PCSC_H_

#include <memory>
#include <string>
#include <vector>

#include "card/host.h"
#include "core/result.h"

namespace mynacert::card {

struct ReaderInfo {
  std::string name;
  bool card_present = false;
  std::string atr;  // raw bytes; empty without a card
};

class PcscContext {
 public:
  static Result<std::unique_ptr<PcscContext>> Establish();
  ~PcscContext();
  PcscContext(const PcscContext&) = delete;
  PcscContext& operator=(const PcscContext&) = delete;

  Result<std::vector<ReaderInfo>> Readers();
  // Connects (shared, T=0 or T=1) to the card in `reader`; an empty name takes the first
  // reader with a card in it (its name goes to *chosen).
  Result<std::unique_ptr<Transport>> Connect(const std::string& reader,
                                             std::string* chosen = nullptr);

 private:
  explicit PcscContext(long context) : context_(context) {}
  long context_;
};

}  // namespace mynacert::card

#endif  // MYNACERT_CARD_PCSC_H_
