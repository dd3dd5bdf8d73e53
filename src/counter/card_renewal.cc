#include "counter/card_renewal.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <nlohmann/json.hpp>
#include <system_error>

#include "card/card.h"
#include "card/card_data.h"
#include "card/card_face.h"
#include "counter/card_files.h"
#include "counter/internal.h"
#include "rules/validity.h"

namespace mynacert::counter {

namespace {

using internal::Audit;
using nlohmann::json;

// n decimal digits, uniform (rejection sampling: no modulo bias).
std::string RandomDigits(size_t n) {
  std::string out;
  while (out.size() < n) {
    unsigned char b = 0;
    RAND_bytes(&b, 1);
    if (b < 250) out.push_back(static_cast<char>('0' + b % 10));
  }
  return out;
}

Error NotAwaiting(const CardApplication& a, std::string_view what_ja, std::string_view what_en) {
  return Error{ErrorCode::kFailedPrecondition, "application",
               "申請書ID " + a.id + " は" + std::string(what_ja) + "状態ではありません (state " + a.state +
                   ": " + std::string(what_en) + ")",
               "R-CARD-2"};
}

Result<CardApplication> Find(CounterStore& store, std::string_view id) {
  MYNACERT_ASSIGN_OR_RETURN(auto a, store.FindCardApplication(id));
  if (!a) {
    return NotFound("application", "申請書ID '" + std::string(id) +
                                       "' は見つかりません (no such card application, R-CARD-1)");
  }
  return *a;
}

// Saves `a` with its audit record in one transaction.
Status Save(CounterStore& store, const CardApplication& a, std::string_view clerk, std::string_view event,
            json detail, int64_t now) {
  MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(store.db()));
  MYNACERT_RETURN_IF_ERROR(store.UpdateCardApplication(a));
  detail["application"] = a.id;
  detail["state"] = a.state;
  MYNACERT_RETURN_IF_ERROR(Audit(store, clerk, 0, a.resident_id, event, detail.dump(), now));
  return tx.Commit();
}

// The produced card's file, relative to the home.
std::string CardPathFor(const CardApplication& a) { return "cards/application-" + a.id + ".card"; }

}  // namespace

std::string NewApplicationId() { return RandomDigits(23); }

Result<CardApplication> OpenApplication(CounterStore& store, int64_t resident_id, Date card_expiry,
                                        Date today, std::string_view clerk, int64_t now) {
  MYNACERT_ASSIGN_OR_RETURN(auto existing, store.CardApplications(resident_id));
  for (const CardApplication& a : existing) {
    if (a.card_expiry == card_expiry && a.state != "cancelled") return a;
  }
  MYNACERT_ASSIGN_OR_RETURN(auto card, store.ActiveCard(resident_id));
  if (!card || card->expires != card_expiry) {
    return Error{ErrorCode::kFailedPrecondition, "card",
                 "この有効期限のカードがありません (no card in force expiring on " + card_expiry.ToString() + ")",
                 "R-CARD-1"};
  }
  CardApplication a;
  a.id = NewApplicationId();
  a.resident_id = resident_id;
  a.old_card_id = card->id;
  a.card_expiry = card_expiry;
  a.state = "noticed";
  a.noticed_on = today;
  a.clerk = std::string(clerk);
  a.created_at = a.updated_at = now;
  MYNACERT_RETURN_IF_ERROR(store.AddCardApplication(a));
  MYNACERT_RETURN_IF_ERROR(Audit(store, clerk, 0, resident_id, "card_application_noticed",
                                 json{{"application", a.id}, {"card_expiry", card_expiry.ToString()}}.dump(),
                                 now));
  return a;
}

Result<CardApplication> Apply(CounterStore& store, std::string_view id, const ApplyRequest& request,
                              Date today, std::string_view clerk, int64_t now) {
  const std::string& ch = request.channel;
  if (ch != "online" && ch != "post" && ch != "counter") {
    return InvalidArgument("channel", "online (スマートフォン・パソコン) | post (郵送) | counter (窓口) のいずれか (R-CARD-1)",
                           "R-CARD-1");
  }
  const std::string own = ch == "online" ? "uploaded" : ch == "post" ? "attached" : "taken_at_counter";
  const std::string photo = request.photo.empty() ? own : request.photo;
  if (photo != own) {
    return InvalidArgument("photo",
                           "顔写真は " + own + " です (online: uploaded, post: attached, counter: taken_at_counter; R-CARD-1)",
                           "R-CARD-1");
  }
  MYNACERT_ASSIGN_OR_RETURN(CardApplication a, Find(store, id));
  if (ch == "online") {
    // The form's ID and the birth date printed beside it: the same refusal for an unknown ID
    // would tell which part was wrong, so both are checked before anything is said.
    MYNACERT_ASSIGN_OR_RETURN(Resident r, store.GetResident(a.resident_id));
    if (!request.birth || *request.birth != r.birth) {
      return Error{ErrorCode::kPermissionDenied, "birth",
                   "申請書IDと生年月日が一致しません (the application ID and birth date do not match)", "R-CARD-1"};
    }
  }
  if (a.state != "noticed") return NotAwaiting(a, "申請を受け付ける", "already applied or closed");
  a.state = "applied";
  a.channel = ch;
  a.photo = photo;
  a.face = request.face;
  a.applied_on = today;
  a.clerk = std::string(clerk);
  a.updated_at = now;
  MYNACERT_RETURN_IF_ERROR(Save(store, a, clerk, "card_application_applied",
                                json{{"channel", ch}, {"photo", photo}, {"face", request.face}}, now));
  return a;
}

Result<CardApplication> Produce(CounterStore& store, const profiles::Registry& profiles,
                                std::string_view id, const ProductionEnv& env, Date today,
                                std::string_view clerk, int64_t now) {
  MYNACERT_ASSIGN_OR_RETURN(CardApplication a, Find(store, id));
  if (a.state != "applied") return NotAwaiting(a, "製造できる", "not applied, or produced already");
  if (env.home.empty()) {
    return Error{ErrorCode::kFailedPrecondition, "home",
                 "カードファイルを置くホームフォルダがありません (no home folder for card files)", ""};
  }
  MYNACERT_ASSIGN_OR_RETURN(Resident r, store.GetResident(a.resident_id));
  MYNACERT_ASSIGN_OR_RETURN(const profiles::Municipality* m, profiles.Find(r.municipality));
  // R-VAL-2/3/4: the new card's expiry from the application date; issued today.
  const Date applied = a.applied_on.value_or(today);
  const rules::CardValidity cv = rules::ComputeCardValidity(r.birth, applied, today, r.stay_until, m->rules);

  MYNACERT_ASSIGN_OR_RETURN(const std::string location, CardFileLocation(env.home, CardPathFor(a)));
  MYNACERT_ASSIGN_OR_RETURN(const std::filesystem::path path, CardFilePath(env.home, location));
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  // A blank card left by a crash before the record below: nobody holds it.
  std::filesystem::remove(path, ec);
  std::filesystem::remove(path.string() + ".lock", ec);
  card::CardInit init;
  init.face = a.face;
  if (!a.face) {
    init.auth_pin = RandomDigits(4);
    init.sign_pin = "P" + RandomDigits(14) + "Z";  // letters and digits (R-CERT-2)
  }
  init.text_pin = RandomDigits(4);
  init.juki_pin = RandomDigits(4);
  init.my_number = r.my_number;
  // The chip id first: the security code printed on the card is derived from it (card_face.h).
  const std::string chip_id = card::NewCardId();
  init.pin_b = card::CollationNumberB(r.birth, cv.expires.year(),
                                      card::SecurityCode(env.issuer_master, chip_id));
  init.issuer_master = env.issuer_master;
  auto made = card::Card::Create(path.string(), env.card_secret, init, chip_id);
  for (std::string* p : {&init.auth_pin, &init.sign_pin, &init.text_pin, &init.juki_pin, &init.issuer_master}) {
    OPENSSL_cleanse(p->data(), p->size());
  }
  if (!made.ok()) return made.error();
  a.state = "produced";
  a.produced_on = today;
  a.location = location;
  a.chip_id = (*made)->card_id();
  a.new_card_expiry = cv.expires;
  a.clerk = std::string(clerk);
  a.updated_at = now;
  MYNACERT_RETURN_IF_ERROR(Save(store, a, clerk, "card_produced",
                                json{{"chip_id", a.chip_id}, {"card_expiry", cv.expires.ToString()}, {"face", a.face}},
                                now));
  return a;
}

Result<CardApplication> MarkNotified(CounterStore& store, std::string_view id, Date today,
                                     std::string_view clerk, int64_t now) {
  MYNACERT_ASSIGN_OR_RETURN(CardApplication a, Find(store, id));
  if (a.state == "notified") return a;  // the letter printed again
  if (a.state != "produced") return NotAwaiting(a, "交付通知書を送れる", "the card is not produced");
  a.state = "notified";
  a.notified_on = today;
  a.clerk = std::string(clerk);
  a.updated_at = now;
  MYNACERT_RETURN_IF_ERROR(Save(store, a, clerk, "pickup_notified", json::object(), now));
  return a;
}

Result<CardApplication> RecordPickupBooking(CounterStore& store, std::string_view id,
                                            int64_t booking_number, std::string_view clerk,
                                            int64_t now) {
  MYNACERT_ASSIGN_OR_RETURN(CardApplication a, Find(store, id));
  if (a.state != "produced" && a.state != "notified") {
    return NotAwaiting(a, "受け取りの予約ができる", "the card is not ready to be collected");
  }
  a.pickup_booking = std::to_string(booking_number);
  a.clerk = std::string(clerk);
  a.updated_at = now;
  MYNACERT_RETURN_IF_ERROR(Save(store, a, clerk, "pickup_booked", json{{"booking", booking_number}}, now));
  return a;
}

Result<CardApplication> Cancel(CounterStore& store, std::string_view id,
                               const std::filesystem::path& home, std::string_view reason,
                               std::string_view clerk, int64_t now) {
  if (reason.empty() || reason.size() > 500) {
    return InvalidArgument("reason", "取消の理由を500文字以内で書いてください (a reason of at most 500 characters)");
  }
  MYNACERT_ASSIGN_OR_RETURN(CardApplication a, Find(store, id));
  if (a.state == "picked_up" || a.state == "cancelled") return NotAwaiting(a, "取り消せる", "closed");
  const std::string location = a.location;
  a.state = "cancelled";
  a.clerk = std::string(clerk);
  a.updated_at = now;
  MYNACERT_RETURN_IF_ERROR(Save(store, a, clerk, "card_application_cancelled", json{{"reason", reason}}, now));
  if (!location.empty() && !home.empty()) {
    // The blank card is destroyed (its file gone) after the record says so.
    if (auto path = CardFilePath(home, location); path.ok()) {
      std::error_code ec;
      std::filesystem::remove(*path, ec);
      std::filesystem::remove(path->string() + ".lock", ec);
    }
  }
  return a;
}

std::string ApplicationJson(const CardApplication& a) {
  auto date = [](const std::optional<Date>& d) { return d ? json(d->ToString()) : json(); };
  return json{{"id", a.id},
              {"resident", a.resident_id},
              {"old_card", a.old_card_id},
              {"card_expiry", a.card_expiry.ToString()},
              {"state", a.state},
              {"noticed_on", a.noticed_on.ToString()},
              {"channel", a.channel},
              {"photo", a.photo},
              {"face", a.face},
              {"applied_on", date(a.applied_on)},
              {"produced_on", date(a.produced_on)},
              {"notified_on", date(a.notified_on)},
              {"picked_up_on", date(a.picked_up_on)},
              {"chip_id", a.chip_id},
              {"new_card_expiry", date(a.new_card_expiry)},
              {"pickup_booking", a.pickup_booking},
              {"case", a.case_id == 0 ? json() : json(a.case_id)}}
      .dump();
}

}  // namespace mynacert::counter
