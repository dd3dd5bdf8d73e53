// A pcsc-lite reader driver (IFD handler) for virtual cards: `libifdmynacert.so`, one reader
// per DEVICENAME, each listening on its own TCP port for one `mynacert card serve --vpcd`.
//
// Why not vsmartcard's vpcd: it keeps its card connections in one array indexed by slot
// (`Lun & 0xffff`), shared by every reader the driver serves, so a pcscd with vpcd holds at
// most two cards (its two slots) however many readers are configured. The relying parties'
// sandbox (scripts/sandbox.sh) puts a dozen cards, each in its own reader, into one private
// pcscd; this driver keeps one connection per Lun (per reader), and speaks vpcd's protocol, so
// `card serve --vpcd host:port` connects to it unchanged:
//   a frame is a 2-byte big-endian length and the payload; a 1-byte payload is a control
//   (00 power off, 01 power on, 02 reset: no answer; 04 ATR: the card answers the ATR);
//   anything longer is a command APDU, answered with the response APDU.
//
// reader.conf (pcscd -c DIR):  FRIENDLYNAME "mynacert valid"
//                              DEVICENAME   /dev/null:0x5208      (the port, in hex, as vpcd)
//                              LIBPATH      <build>/src/card/libifdmynacert.so
// The port listens on 127.0.0.1 only. A card that disconnects is absent until one connects.
//
// Thread-safety: pcscd calls different readers from different threads (TAG_IFD_THREAD_SAFE);
// each reader has its own mutex; the table of readers has one.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>

extern "C" {
#include <PCSC/ifdhandler.h>
}

namespace {

struct Reader {
  std::mutex mu;
  int listen_fd = -1;
  int card_fd = -1;
  std::string atr;
};

std::mutex readers_mu;
std::map<DWORD, std::shared_ptr<Reader>>& Readers() {
  static auto* readers = new std::map<DWORD, std::shared_ptr<Reader>>();
  return *readers;
}

std::shared_ptr<Reader> Find(DWORD lun) {
  std::lock_guard lock(readers_mu);
  auto it = Readers().find(lun >> 16);
  return it == Readers().end() ? nullptr : it->second;
}

void CloseCard(Reader& r) {
  if (r.card_fd >= 0) close(r.card_fd);
  r.card_fd = -1;
  r.atr.clear();
}

bool WriteAll(int fd, const unsigned char* p, size_t n) {
  while (n > 0) {
    const ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

bool ReadAll(int fd, unsigned char* p, size_t n) {
  while (n > 0) {
    pollfd pfd{fd, POLLIN, 0};
    const int ready = poll(&pfd, 1, 30000);  // a card answers in milliseconds; 30 s is a dead one
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return false;
    const ssize_t got = recv(fd, p, n, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    p += got;
    n -= static_cast<size_t>(got);
  }
  return true;
}

bool SendFrame(Reader& r, const unsigned char* payload, size_t n) {
  if (n > 0xFFFF) return false;
  unsigned char header[2] = {static_cast<unsigned char>(n >> 8), static_cast<unsigned char>(n)};
  return WriteAll(r.card_fd, header, 2) && WriteAll(r.card_fd, payload, n);
}

bool ReceiveFrame(Reader& r, std::string* out) {
  unsigned char header[2];
  if (!ReadAll(r.card_fd, header, 2)) return false;
  out->assign(static_cast<size_t>(header[0]) << 8 | header[1], '\0');
  return out->empty() || ReadAll(r.card_fd, reinterpret_cast<unsigned char*>(out->data()), out->size());
}

// A waiting card, if one connected since (non-blocking), and whether the one we have is gone.
bool Present(Reader& r) {
  if (r.card_fd >= 0) {
    pollfd pfd{r.card_fd, POLLIN, 0};
    // The card never speaks first: readable here means it closed.
    if (poll(&pfd, 1, 0) > 0) CloseCard(r);
  }
  if (r.card_fd < 0 && r.listen_fd >= 0) {
    const int fd = accept4(r.listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd >= 0) {
      const int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      r.card_fd = fd;
    }
  }
  return r.card_fd >= 0;
}

// "/dev/null:0x5208" (vpcd's form) or ":21000": the port.
int PortOf(const char* device) {
  const char* colon = device ? std::strrchr(device, ':') : nullptr;
  if (!colon) return -1;
  char* end = nullptr;
  const long port = std::strtol(colon + 1, &end, 0);
  return end && *end == '\0' && port > 0 && port < 65536 ? static_cast<int>(port) : -1;
}

}  // namespace

extern "C" {

RESPONSECODE IFDHCreateChannelByName(DWORD Lun, LPSTR DeviceName) {
  const int port = PortOf(DeviceName);
  if (port < 0) return IFD_COMMUNICATION_ERROR;
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return IFD_COMMUNICATION_ERROR;
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd, 1) != 0) {
    close(fd);
    return IFD_COMMUNICATION_ERROR;
  }
  auto reader = std::make_shared<Reader>();
  reader->listen_fd = fd;
  std::lock_guard lock(readers_mu);
  Readers()[Lun >> 16] = reader;
  return IFD_SUCCESS;
}

RESPONSECODE IFDHCreateChannel(DWORD Lun, DWORD Channel) {
  std::string device = ":" + std::to_string(Channel);
  return IFDHCreateChannelByName(Lun, device.data());
}

RESPONSECODE IFDHCloseChannel(DWORD Lun) {
  std::shared_ptr<Reader> r;
  {
    std::lock_guard lock(readers_mu);
    auto it = Readers().find(Lun >> 16);
    if (it == Readers().end()) return IFD_SUCCESS;
    r = it->second;
    Readers().erase(it);
  }
  std::lock_guard lock(r->mu);
  CloseCard(*r);
  if (r->listen_fd >= 0) close(r->listen_fd);
  r->listen_fd = -1;
  return IFD_SUCCESS;
}

RESPONSECODE IFDHGetCapabilities(DWORD Lun, DWORD Tag, PDWORD Length, PUCHAR Value) {
  if (!Length || !Value) return IFD_COMMUNICATION_ERROR;
  switch (Tag) {
    case TAG_IFD_ATR: {
      auto r = Find(Lun);
      if (!r) return IFD_COMMUNICATION_ERROR;
      std::lock_guard lock(r->mu);
      if (*Length < r->atr.size()) return IFD_COMMUNICATION_ERROR;
      std::memcpy(Value, r->atr.data(), r->atr.size());
      *Length = static_cast<DWORD>(r->atr.size());
      return IFD_SUCCESS;
    }
    case TAG_IFD_SLOTS_NUMBER:
    case TAG_IFD_THREAD_SAFE:
      if (*Length < 1) return IFD_COMMUNICATION_ERROR;
      Value[0] = 1;  // one slot per reader; different readers at once
      *Length = 1;
      return IFD_SUCCESS;
    case TAG_IFD_SLOT_THREAD_SAFE:
      if (*Length < 1) return IFD_COMMUNICATION_ERROR;
      Value[0] = 0;
      *Length = 1;
      return IFD_SUCCESS;
    case TAG_IFD_SIMULTANEOUS_ACCESS:
      if (*Length < 1) return IFD_COMMUNICATION_ERROR;
      Value[0] = 16;  // PCSCLITE_MAX_READERS_CONTEXTS
      *Length = 1;
      return IFD_SUCCESS;
    default:
      return IFD_ERROR_TAG;
  }
}

RESPONSECODE IFDHSetCapabilities(DWORD, DWORD, DWORD, PUCHAR) { return IFD_NOT_SUPPORTED; }

RESPONSECODE IFDHSetProtocolParameters(DWORD, DWORD, UCHAR, UCHAR, UCHAR, UCHAR) { return IFD_SUCCESS; }

RESPONSECODE IFDHPowerICC(DWORD Lun, DWORD Action, PUCHAR Atr, PDWORD AtrLength) {
  auto r = Find(Lun);
  if (!r) return IFD_COMMUNICATION_ERROR;
  std::lock_guard lock(r->mu);
  if (AtrLength) *AtrLength = 0;
  if (!Present(*r)) return Action == IFD_POWER_DOWN ? IFD_SUCCESS : IFD_ERROR_POWER_ACTION;
  unsigned char control;
  switch (Action) {
    case IFD_POWER_DOWN: control = 0x00; break;
    case IFD_POWER_UP: control = 0x01; break;
    case IFD_RESET: control = 0x02; break;
    default: return IFD_NOT_SUPPORTED;
  }
  if (!SendFrame(*r, &control, 1)) {
    CloseCard(*r);
    return IFD_ERROR_POWER_ACTION;
  }
  if (Action == IFD_POWER_DOWN) {
    r->atr.clear();
    return IFD_SUCCESS;
  }
  const unsigned char get_atr = 0x04;
  std::string atr;
  if (!SendFrame(*r, &get_atr, 1) || !ReceiveFrame(*r, &atr) || atr.empty() || atr.size() > MAX_ATR_SIZE) {
    CloseCard(*r);
    return IFD_ERROR_POWER_ACTION;
  }
  r->atr = atr;
  if (Atr && AtrLength) {
    std::memcpy(Atr, atr.data(), atr.size());
    *AtrLength = static_cast<DWORD>(atr.size());
  }
  return IFD_SUCCESS;
}

RESPONSECODE IFDHTransmitToICC(DWORD Lun, SCARD_IO_HEADER, PUCHAR TxBuffer, DWORD TxLength, PUCHAR RxBuffer,
                               PDWORD RxLength, PSCARD_IO_HEADER RecvPci) {
  auto r = Find(Lun);
  if (!r || !RxLength) return IFD_COMMUNICATION_ERROR;
  std::lock_guard lock(r->mu);
  const DWORD room = *RxLength;
  *RxLength = 0;
  if (r->card_fd < 0 || TxLength < 2) return IFD_COMMUNICATION_ERROR;  // a 1-byte APDU would be a control
  std::string answer;
  if (!SendFrame(*r, TxBuffer, TxLength) || !ReceiveFrame(*r, &answer)) {
    CloseCard(*r);
    return IFD_COMMUNICATION_ERROR;
  }
  if (answer.size() > room) return IFD_COMMUNICATION_ERROR;
  std::memcpy(RxBuffer, answer.data(), answer.size());
  *RxLength = static_cast<DWORD>(answer.size());
  if (RecvPci) {
    RecvPci->Protocol = 1;
    RecvPci->Length = 0;
  }
  return IFD_SUCCESS;
}

RESPONSECODE IFDHControl(DWORD, DWORD, PUCHAR, DWORD, PUCHAR, DWORD, LPDWORD BytesReturned) {
  if (BytesReturned) *BytesReturned = 0;
  return IFD_ERROR_NOT_SUPPORTED;
}

RESPONSECODE IFDHICCPresence(DWORD Lun) {
  auto r = Find(Lun);
  if (!r) return IFD_COMMUNICATION_ERROR;
  std::lock_guard lock(r->mu);
  return Present(*r) ? IFD_ICC_PRESENT : IFD_ICC_NOT_PRESENT;
}

}  // extern "C"
