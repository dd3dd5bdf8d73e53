#include "card/pcsc.h"

#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>

#include <cstdio>

namespace mynacert::card {
namespace {

static_assert(sizeof(SCARDCONTEXT) == sizeof(long), "SCARDCONTEXT held as long");

Error PcscError(LONG rv, const std::string& what) {
  char code[11];
  std::snprintf(code, sizeof code, "0x%08lX", static_cast<unsigned long>(rv) & 0xFFFFFFFFul);
  std::string hint;
  if (rv == SCARD_E_NO_SERVICE) {
    hint = " — pcscd が動いていません (pcscd is not running)";
  } else if (rv == SCARD_E_NO_READERS_AVAILABLE) {
    hint = " — リーダーがありません (no reader)";
  } else if (rv == SCARD_E_NO_SMARTCARD || rv == SCARD_W_REMOVED_CARD) {
    hint = " — カードが入っていません (no card in the reader)";
  } else if (rv == SCARD_E_UNKNOWN_READER) {
    hint = " — そのリーダーはありません (no such reader)";
  }
  return Error{ErrorCode::kFailedPrecondition, "reader",
               what + ": " + pcsc_stringify_error(rv) + " (" + code + ")" + hint, ""};
}

class PcscTransport final : public Transport {
 public:
  PcscTransport(SCARDHANDLE card, DWORD protocol) : card_(card), protocol_(protocol) {}
  ~PcscTransport() override { SCardDisconnect(card_, SCARD_LEAVE_CARD); }

  Result<std::string> Transmit(std::string_view command) override {
    const SCARD_IO_REQUEST* pci = protocol_ == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
    std::string answer(MAX_BUFFER_SIZE_EXTENDED, '\0');
    DWORD length = static_cast<DWORD>(answer.size());
    const LONG rv = SCardTransmit(card_, pci, reinterpret_cast<const BYTE*>(command.data()),
                                  static_cast<DWORD>(command.size()), nullptr,
                                  reinterpret_cast<BYTE*>(answer.data()), &length);
    if (rv != SCARD_S_SUCCESS) return PcscError(rv, "SCardTransmit");
    answer.resize(length);
    return answer;
  }

 private:
  SCARDHANDLE card_;
  DWORD protocol_;
};

}  // namespace

Result<std::unique_ptr<PcscContext>> PcscContext::Establish() {
  SCARDCONTEXT context = 0;
  const LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &context);
  if (rv != SCARD_S_SUCCESS) return PcscError(rv, "SCardEstablishContext");
  return std::unique_ptr<PcscContext>(new PcscContext(context));
}

PcscContext::~PcscContext() { SCardReleaseContext(context_); }

Result<std::vector<ReaderInfo>> PcscContext::Readers() {
  DWORD size = 0;
  LONG rv = SCardListReaders(context_, nullptr, nullptr, &size);
  if (rv == SCARD_E_NO_READERS_AVAILABLE) return std::vector<ReaderInfo>{};
  if (rv != SCARD_S_SUCCESS) return PcscError(rv, "SCardListReaders");
  std::string names(size, '\0');
  rv = SCardListReaders(context_, nullptr, names.data(), &size);
  if (rv == SCARD_E_NO_READERS_AVAILABLE) return std::vector<ReaderInfo>{};
  if (rv != SCARD_S_SUCCESS) return PcscError(rv, "SCardListReaders");
  std::vector<ReaderInfo> readers;
  for (size_t at = 0; at < names.size() && names[at] != '\0';) {
    const size_t end = names.find('\0', at);
    ReaderInfo r;
    r.name = names.substr(at, end - at);
    SCARD_READERSTATE state{};
    state.szReader = r.name.c_str();
    state.dwCurrentState = SCARD_STATE_UNAWARE;
    if (SCardGetStatusChange(context_, 0, &state, 1) == SCARD_S_SUCCESS) {
      r.card_present = (state.dwEventState & SCARD_STATE_PRESENT) != 0;
      if (r.card_present) r.atr.assign(reinterpret_cast<const char*>(state.rgbAtr), state.cbAtr);
    }
    readers.push_back(std::move(r));
    at = end + 1;
  }
  return readers;
}

Result<std::unique_ptr<Transport>> PcscContext::Connect(const std::string& reader,
                                                        std::string* chosen) {
  std::string name = reader;
  if (name.empty()) {
    MYNACERT_ASSIGN_OR_RETURN(std::vector<ReaderInfo> readers, Readers());
    for (const ReaderInfo& r : readers) {
      if (r.card_present) {
        name = r.name;
        break;
      }
    }
    if (name.empty()) {
      return Error{ErrorCode::kNotFound, "reader",
                   "カードの入ったリーダーがありません (no reader with a card in it)", ""};
    }
  }
  SCARDHANDLE card = 0;
  DWORD protocol = 0;
  const LONG rv = SCardConnect(context_, name.c_str(), SCARD_SHARE_SHARED,
                               SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &card, &protocol);
  if (rv != SCARD_S_SUCCESS) return PcscError(rv, "SCardConnect " + name);
  if (chosen) *chosen = name;
  return std::unique_ptr<Transport>(new PcscTransport(card, protocol));
}

}  // namespace mynacert::card
