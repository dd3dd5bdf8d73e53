// What the issuer prints on a card, for the chip's 券面 AP (card_data.h VisualApFiles): the
// name, address, My Number and security code as 1-bit PNG images (pango + cairo), a placeholder
// face photo as a greyscale JPEG 2000 (OpenJPEG), and the security code itself.
//
// Sizes. soltia48/myna-card measured the My Number image at 72×12 and the security code at 24×12
// on a card; we render those two at exactly that size. The name and address images' sizes on a
// card are not public: ours are 24 pixels a line, the name on one line (squeezed past 480), the
// address wrapped at 480. The photo is 120×150, a grey silhouette marked 見本 — this is a sandbox
// and has no one's face. docs/card.md "The 券面 AP".
//
// The security code. A real card prints 4 digits that, with the birth date and the expiry year,
// make 照合番号B; J-LIS knows them because it prints them. We store them nowhere: the issuer
// derives them from its master secret and the chip id (HMAC-SHA256), as it derives the card's
// issuer key (secure_channel.h), so whoever holds the master can print or check them and nobody
// else can guess them.
//
// Thread-safety: pure functions (fontconfig and OpenJPEG are thread-safe for separate objects).
#ifndef MYNACERT_CARD_CARD_FACE_H_
#define MYNACERT_CARD_CARD_FACE_H_

#include <string>
#include <string_view>

#include "card/card_data.h"
#include "core/result.h"

namespace mynacert::card {

// 4 digits: HMAC-SHA256(master, "mynacert security code " + chip id), mod 10 000.
std::string SecurityCode(std::string_view issuer_master, std::string_view card_id);

// `text` drawn black on white, 1 bit a pixel, as a PNG: `height` pixels a line; `width` 0 = as
// wide as the text; otherwise exactly `width`, the text squeezed to fit (or wrapped when `wrap`).
Result<std::string> RenderTextPng(std::string_view text, int width, int height, bool wrap);

// The placeholder photo: 8-bit greyscale JPEG 2000 (a JP2 file), `width`×`height`.
Result<std::string> PlaceholderPhotoJp2(int width, int height);

// Every image of the card face for `holder` and `security_code`.
Result<CardFaceImages> RenderCardFace(const HolderData& holder, std::string_view security_code);

}  // namespace mynacert::card

#endif  // MYNACERT_CARD_CARD_FACE_H_
