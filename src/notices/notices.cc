#include "notices/notices.h"
#include "core/clock.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <sstream>
#include <tuple>

#include "counter/card_renewal.h"
#include "counter/schema.h"
#include "notices/letter.h"
#include "notices/pdf.h"

namespace mynacert::notices {

namespace {

constexpr store::Migration kMigrations[] = {
#include "notices_migrations.inc"
};

using counter::ColumnDate;
using counter::ColumnString;
using counter::Query;
using counter::Text;

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             RealClock().Now().time_since_epoch())
      .count();
}

std::string Compact(Date d) {  // 20260501
  std::string s = d.ToString();
  s.erase(std::remove(s.begin(), s.end(), '-'), s.end());
  return s;
}

Kind KindFromName(std::string_view s) {
  return s == "city" ? Kind::kCity : s == "card" ? Kind::kCard : Kind::kJlis;
}

// One active certificate in the selection range.
struct Row {
  int64_t resident_id;
  uint32_t municipality;  // index into the run's municipality names
  bool auth;
  bool sign;
  bool forwarding;
  bool jlis_sent;
  std::optional<Date> city_sent;  // run date of the city notice for this expiry
  Date expiry;
  Date card_expiry;
};

constexpr std::string_view kSentColumns =
    "letter_id, resident_id, kind, cert_expiry, run_date, batch_id, outcome, municipality, "
    "postal_name, address, reservation_id, letter_file, first_page, pages, application_id";

SentNotice ReadSent(store::Statement& s) {
  SentNotice n;
  n.letter_id = ColumnString(s, 0);
  n.resident_id = s.ColumnInt(1);
  n.kind = KindFromName(s.ColumnText(2));
  n.cert_expiry = ColumnDate(s, 3).value_or(Date());
  n.run_date = ColumnDate(s, 4).value_or(Date());
  n.batch_id = ColumnString(s, 5);
  n.outcome = ColumnString(s, 6);
  n.municipality = ColumnString(s, 7);
  n.postal_name = ColumnString(s, 8);
  n.address = ColumnString(s, 9);
  n.reservation_id = ColumnString(s, 10);
  n.letter_file = ColumnString(s, 11);
  n.first_page = static_cast<int>(s.ColumnInt(12));
  n.pages = static_cast<int>(s.ColumnInt(13));
  n.application_id = ColumnString(s, 14);
  return n;
}

Result<std::vector<SentNotice>> Collect(store::Statement& s) {
  std::vector<SentNotice> out;
  for (;;) {
    MYNACERT_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back(ReadSent(s));
  }
  return out;
}

// RFC 4180: quote a field holding a comma, a quote or a line break; double the quotes.
std::string CsvField(const std::string& v) {
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string RelativeTo(const std::string& file, const std::string& base_dir) {
  if (file.empty() || base_dir.empty()) return file;
  const std::filesystem::path rel =
      std::filesystem::path(file).lexically_relative(std::filesystem::path(base_dir));
  if (rel.empty()) return file;
  return rel.generic_string();
}

// Writes `text` to `path` through a temporary file and a rename: a reader never sees half a CSV.
Status WriteFileAtomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return InvalidArgument("out", tmp + " に書けません (cannot write)");
    out << text;
    if (!out.flush()) return InvalidArgument("out", tmp + " に書けません (cannot write)");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return InvalidArgument("out", path + ": " + ec.message());
  return {};
}

Result<std::vector<SentNotice>> BatchRows(store::Database& db, const std::string& batch_id) {
  MYNACERT_ASSIGN_OR_RETURN(
      auto s, Query(db,
                    "SELECT " + std::string(kSentColumns) +
                        " FROM notices_sent WHERE batch_id = $1 ORDER BY seq",
                    {Text(batch_id)}));
  return Collect(*s);
}

}  // namespace

std::string_view KindName(Kind k) {
  switch (k) {
    case Kind::kCity: return "city";
    case Kind::kJlis: return "jlis";
    case Kind::kCard: return "card";
  }
  return "jlis";
}

Status MigrateNotices(store::Database& db) { return store::Migrate(db, "notices", kMigrations); }

Result<Selection> SelectDue(store::Database& db, const profiles::Registry& profiles,
                            Date run_date) {
  MYNACERT_RETURN_IF_ERROR(MigrateNotices(db));
  int max_lead = 0;
  for (const profiles::Municipality& m : profiles.all()) {
    max_lead = std::max({max_lead, m.notices.jlis_lead_days, m.notices.city_lead_days});
  }
  const std::string from = run_date.ToString(), to = run_date.AddDays(max_lead).ToString();
  // Range scan of certificates_by_expiry (state, last_valid_day); cards and residents by key;
  // notices_sent by its primary key. A notice after expiry is never selected (>= run date).
  MYNACERT_ASSIGN_OR_RETURN(
      auto s,
      Query(db,
            "SELECT c.resident_id, c.kind, c.last_valid_day, r.municipality, r.forwarding, "
            "k.expires, "
            "(SELECT n.run_date FROM notices_sent n WHERE n.resident_id = c.resident_id AND "
            "n.kind = 'city' AND n.cert_expiry = c.last_valid_day), "
            "(SELECT 1 FROM notices_sent n WHERE n.resident_id = c.resident_id AND "
            "n.kind = 'jlis' AND n.cert_expiry = c.last_valid_day) "
            "FROM certificates c JOIN cards k ON k.id = c.card_id "
            "JOIN residents r ON r.id = c.resident_id "
            "WHERE c.state = 'active' AND c.last_valid_day >= $1 AND c.last_valid_day <= $2 "
            "AND k.state = 'active'",
            {Text(from), Text(to)}));
  std::vector<std::string> names;
  std::map<std::string, uint32_t, std::less<>> index;
  std::vector<Row> rows;
  for (;;) {
    MYNACERT_ASSIGN_OR_RETURN(bool more, s->Step());
    if (!more) break;
    Row r{};
    r.resident_id = s->ColumnInt(0);
    const std::string_view kind = s->ColumnText(1);
    r.auth = kind == "auth";
    r.sign = kind == "sign";
    r.expiry = ColumnDate(*s, 2).value_or(Date());
    const std::string_view muni = s->ColumnText(3);
    auto it = index.find(muni);
    if (it == index.end()) {
      it = index.emplace(std::string(muni), static_cast<uint32_t>(names.size())).first;
      names.emplace_back(muni);
    }
    r.municipality = it->second;
    r.forwarding = s->ColumnInt(4) != 0;
    r.card_expiry = ColumnDate(*s, 5).value_or(Date());
    r.city_sent = ColumnDate(*s, 6);
    r.jlis_sent = !s->ColumnIsNull(7);
    rows.push_back(r);
  }
  // Production order: municipality, resident, expiry; the auth and sign rows of one expiry
  // become one notice.
  std::sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) {
    if (a.municipality != b.municipality) return names[a.municipality] < names[b.municipality];
    if (a.resident_id != b.resident_id) return a.resident_id < b.resident_id;
    return a.expiry < b.expiry;
  });

  Selection sel;
  std::vector<const profiles::Municipality*> profile(names.size(), nullptr);
  std::set<std::string, std::less<>> reported;  // municipalities without a profile, said once
  auto no_profile = [&](std::string_view name) {
    if (reported.emplace(name).second) {
      sel.problems.push_back("自治体 '" + std::string(name) +
                             "' のプロファイルがないため通知できません (no profile for this municipality; its residents are skipped)");
    }
  };
  for (size_t i = 0; i < names.size(); ++i) {
    auto m = profiles.Find(names[i]);
    if (m.ok()) profile[i] = *m;
  }
  for (size_t i = 0; i < rows.size();) {
    Row g = rows[i];
    size_t j = i + 1;
    for (; j < rows.size() && rows[j].resident_id == g.resident_id && rows[j].expiry == g.expiry; ++j) {
      g.auth |= rows[j].auth;
      g.sign |= rows[j].sign;
    }
    i = j;
    const profiles::Municipality* m = profile[g.municipality];
    if (!m) {
      no_profile(names[g.municipality]);
      continue;
    }
    DueNotice d;
    d.resident_id = g.resident_id;
    d.municipality = names[g.municipality];
    d.cert_expiry = g.expiry;
    d.auth = g.auth;
    d.sign = g.sign;
    d.card_expiry = g.card_expiry;
    d.undeliverable = g.forwarding;
    const bool city = m->notices.city_lead_days > 0;
    if (city && g.expiry.AddDays(-m->notices.city_lead_days) <= run_date) {
      if (g.city_sent) {
        ++sel.already_sent;
      } else {
        d.kind = Kind::kCity;
        d.send_date = g.expiry.AddDays(-m->notices.city_lead_days);
        sel.due.push_back(d);
      }
    }
    if (g.expiry.AddDays(-m->notices.jlis_lead_days) <= run_date) {
      if (g.jlis_sent) {
        ++sel.already_sent;
      } else if (city && (!g.city_sent || *g.city_sent >= run_date)) {
        ++sel.waiting_for_city;  // R-NOT-3: the white envelope on an earlier day first
      } else {
        d.kind = Kind::kJlis;
        d.send_date = g.expiry.AddDays(-m->notices.jlis_lead_days);
        sel.due.push_back(d);
      }
    }
  }

  // The cards' own expiry (R-CARD-1): a range scan of cards_by_expiry (state, expires) over
  // [D, D + the largest card lead], residents by key, a primary-key probe of notices_sent (the
  // card's expiry in cert_expiry). Never after expiry (>= run date).
  int max_card_lead = 0;
  for (const profiles::Municipality& m : profiles.all()) {
    max_card_lead = std::max(max_card_lead, m.notices.card_lead_days);
  }
  if (max_card_lead > 0) {
    MYNACERT_ASSIGN_OR_RETURN(
        auto c, Query(db,
                      "SELECT k.resident_id, k.expires, r.municipality, r.forwarding, "
                      "(SELECT 1 FROM notices_sent n WHERE n.resident_id = k.resident_id AND "
                      "n.kind = 'card' AND n.cert_expiry = k.expires) "
                      "FROM cards k JOIN residents r ON r.id = k.resident_id "
                      "WHERE k.state = 'active' AND k.expires >= $1 AND k.expires <= $2",
                      {Text(from), Text(run_date.AddDays(max_card_lead).ToString())}));
    std::map<std::string, const profiles::Municipality*, std::less<>> by_name;
    for (;;) {
      MYNACERT_ASSIGN_OR_RETURN(bool more, c->Step());
      if (!more) break;
      const std::string_view muni = c->ColumnText(2);
      auto it = by_name.find(muni);
      if (it == by_name.end()) {
        auto found = profiles.Find(muni);
        it = by_name.emplace(std::string(muni), found.ok() ? *found : nullptr).first;
      }
      const profiles::Municipality* m = it->second;
      if (!m) {
        no_profile(muni);
        continue;
      }
      const int lead = m->notices.card_lead_days;
      const std::optional<Date> expires = ColumnDate(*c, 1);
      if (lead <= 0 || !expires || expires->AddDays(-lead) > run_date) continue;
      if (!c->ColumnIsNull(4)) {
        ++sel.already_sent;
        continue;
      }
      DueNotice d;
      d.resident_id = c->ColumnInt(0);
      d.municipality = std::string(muni);
      d.kind = Kind::kCard;
      d.cert_expiry = d.card_expiry = *expires;
      d.send_date = expires->AddDays(-lead);
      d.undeliverable = c->ColumnInt(3) != 0;
      sel.due.push_back(std::move(d));
    }
    // Production order: municipality, resident, expiry, kind.
    std::stable_sort(sel.due.begin(), sel.due.end(), [](const DueNotice& a, const DueNotice& b) {
      return std::tie(a.municipality, a.resident_id, a.cert_expiry, a.kind) <
             std::tie(b.municipality, b.resident_id, b.cert_expiry, b.kind);
    });
  }
  return sel;
}

// The residence records of a chunk's notices, by resident: one query (an IN list), not one
// round trip per letter.
Result<std::map<int64_t, counter::Resident>> ReadResidents(store::Database& db,
                                                          std::span<const DueNotice> due) {
  std::vector<store::Param> ids;
  for (const DueNotice& d : due) ids.emplace_back(d.resident_id);
  std::map<int64_t, counter::Resident> out;
  constexpr size_t kIds = 1000;
  for (size_t at = 0; at < ids.size(); at += kIds) {
    const size_t n = std::min(kIds, ids.size() - at);
    MYNACERT_ASSIGN_OR_RETURN(
        auto s, db.Prepare("SELECT id, municipality, name, address, birth, adult_ward, abroad, "
                           "forwarding FROM residents WHERE id IN (" +
                           store::ParameterList(1, n) + ")"));
    MYNACERT_RETURN_IF_ERROR(store::BindFrom(*s, 1, std::span(ids).subspan(at, n)));
    for (;;) {
      MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      counter::Resident r;
      r.id = s->ColumnInt(0);
      r.municipality = ColumnString(*s, 1);
      r.name = ColumnString(*s, 2);
      r.address = ColumnString(*s, 3);
      r.birth = ColumnDate(*s, 4).value_or(Date());
      r.adult_ward = s->ColumnInt(5) != 0;
      r.abroad = s->ColumnInt(6) != 0;
      r.forwarding = s->ColumnInt(7) != 0;
      out.emplace(r.id, std::move(r));
    }
  }
  return out;
}

// (resident, kind, expiry) of the letters' notices already in notices_sent.
using RecordedKey = std::tuple<int64_t, std::string, std::string>;
Result<std::set<RecordedKey>> ReadRecorded(store::Database& db,
                                           const std::vector<int64_t>& resident_ids) {
  std::vector<store::Param> ids;
  for (int64_t id : resident_ids) ids.emplace_back(id);
  std::set<RecordedKey> out;
  constexpr size_t kIds = 1000;
  for (size_t at = 0; at < ids.size(); at += kIds) {
    const size_t n = std::min(kIds, ids.size() - at);
    MYNACERT_ASSIGN_OR_RETURN(
        auto s, db.Prepare("SELECT resident_id, kind, cert_expiry FROM notices_sent WHERE "
                           "resident_id IN (" + store::ParameterList(1, n) + ")"));
    MYNACERT_RETURN_IF_ERROR(store::BindFrom(*s, 1, std::span(ids).subspan(at, n)));
    for (;;) {
      MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      out.emplace(s->ColumnInt(0), std::string(s->ColumnText(1)), std::string(s->ColumnText(2)));
    }
  }
  return out;
}

// The notices as rows of notices_sent, in multi-row INSERTs.
Status InsertSent(store::Database& db, const std::vector<SentNotice>& notices,
                  std::string_view run_date, std::string_view batch_id, int64_t now) {
  constexpr int kArity = 17;
  constexpr size_t kRows = 500;  // 8 500 parameters a statement
  for (size_t at = 0; at < notices.size(); at += kRows) {
    const size_t rows = std::min(kRows, notices.size() - at);
    MYNACERT_ASSIGN_OR_RETURN(
        auto s, db.Prepare("INSERT INTO notices_sent (resident_id, kind, cert_expiry, run_date, "
                           "batch_id, seq, letter_id, outcome, municipality, postal_name, "
                           "address, reservation_id, letter_file, first_page, pages, at, application_id) VALUES " +
                           store::ValuesList(rows, kArity)));
    std::vector<std::string> expiries;  // the parameters' text, alive until the statement ran
    expiries.reserve(rows);
    std::vector<store::Param> params;
    params.reserve(rows * kArity);
    for (size_t i = at; i < at + rows; ++i) {
      const SentNotice& n = notices[i];
      expiries.push_back(n.cert_expiry.ToString());
      params.insert(params.end(),
                    {n.resident_id, KindName(n.kind), std::string_view(expiries.back()), run_date,
                     batch_id, n.seq, std::string_view(n.letter_id), std::string_view(n.outcome),
                     std::string_view(n.municipality), std::string_view(n.postal_name),
                     std::string_view(n.address), std::string_view(n.reservation_id),
                     std::string_view(n.letter_file), int64_t{n.first_page}, int64_t{n.pages},
                     now, std::string_view(n.application_id)});
    }
    MYNACERT_RETURN_IF_ERROR(store::BindFrom(*s, 1, params));
    MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
    (void)row;
  }
  return {};
}

Result<RunReport> RunBatch(counter::CounterStore& store, const profiles::Registry& profiles,
                           const RunOptions& options) {
  store::Database& db = store.db();
  MYNACERT_RETURN_IF_ERROR(MigrateNotices(db));
  const int64_t now = options.now != 0 ? options.now : NowSeconds();
  const Date day = options.run_date;
  const std::string day_text = day.ToString();
  RunReport report;
  report.run_date = day;

  // The batch: resume the one a stopped run left `running`, else start the day's next.
  {
    MYNACERT_ASSIGN_OR_RETURN(
        auto s, Query(db,
                      "SELECT id FROM notice_batches WHERE run_date = $1 AND state = 'running' "
                      "ORDER BY started_at, id LIMIT 1",
                      {Text(day_text)}));
    MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
    if (row) {
      report.batch_id = ColumnString(*s, 0);
      report.resumed = true;
    }
  }
  if (!report.resumed) {
    MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(db));
    MYNACERT_ASSIGN_OR_RETURN(
        auto s, Query(db, "SELECT COUNT(*) FROM notice_batches WHERE run_date = $1", {Text(day_text)}));
    MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
    const int64_t n = row ? s->ColumnInt(0) : 0;
    s.reset();
    report.batch_id = Compact(day) + "-" + std::to_string(n + 1);
    MYNACERT_RETURN_IF_ERROR(counter::Run(
        db,
        "INSERT INTO notice_batches (id, run_date, state, out_dir, started_at) VALUES ($1, $2, "
        "'running', $3, $4)",
        {Text(report.batch_id), Text(day_text), Text(options.out_dir), now}));
    MYNACERT_RETURN_IF_ERROR(tx.Commit());
  }

  MYNACERT_ASSIGN_OR_RETURN(Selection sel, SelectDue(db, profiles, day));
  report.already_sent = sel.already_sent;
  report.waiting_for_city = sel.waiting_for_city;
  report.problems = sel.problems;

  const std::filesystem::path dir = std::filesystem::path(options.out_dir) / day_text;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return InvalidArgument("out", dir.string() + ": " + ec.message());
  std::unique_ptr<LetterRenderer> renderer;
  if (options.pdf && !sel.due.empty()) {
    MYNACERT_ASSIGN_OR_RETURN(renderer, LetterRenderer::Create());
  }

  int64_t seq = 0;
  {
    MYNACERT_ASSIGN_OR_RETURN(
        auto s, Query(db, "SELECT MAX(seq) FROM notices_sent WHERE batch_id = $1",
                      {Text(report.batch_id)}));
    MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
    if (row && !s->ColumnIsNull(0)) seq = s->ColumnInt(0);
  }
  const size_t chunk = std::max<size_t>(options.chunk_size, 1);
  size_t done = 0, chunk_no = 0;
  // One notice of the chunk on its way: the record, and what its letter is composed from.
  struct Pending {
    SentNotice n;
    const DueNotice* due;
    const profiles::Municipality* m;
    const counter::Resident* r;
  };
  for (size_t begin = 0; begin < sel.due.size(); begin += chunk) {
    const size_t end = std::min(sel.due.size(), begin + chunk);
    // Outside the transaction: the residence record, the reservation ID (another store) and,
    // unless the chunk holds card notices, the PDFs. A crash from here to the commit leaves at
    // most files that the rerun rewrites.
    std::vector<Pending> pending;
    pending.reserve(end - begin);
    bool cards = false;
    // The chunk's print file, named by the batch and the chunk's first sequence number: a
    // chunk that did not commit is rewritten under the same name by the resumed run.
    char file_name[32];
    std::snprintf(file_name, sizeof file_name, "-%06lld.pdf", static_cast<long long>(seq + 1));
    const std::string print_file = (dir / (report.batch_id + file_name)).string();
    MYNACERT_ASSIGN_OR_RETURN(const auto residents,
                              ReadResidents(db, std::span(sel.due).subspan(begin, end - begin)));
    for (size_t i = begin; i < end; ++i) {
      const DueNotice& due = sel.due[i];
      const profiles::Municipality& m = **profiles.Find(due.municipality);
      const auto found = residents.find(due.resident_id);
      if (found == residents.end()) continue;  // removed since the selection
      const counter::Resident& r = found->second;
      SentNotice n;
      n.letter_id = LetterId(due.kind, due.cert_expiry, due.resident_id);
      n.resident_id = due.resident_id;
      n.kind = due.kind;
      n.cert_expiry = due.cert_expiry;
      n.run_date = day;
      n.batch_id = report.batch_id;
      n.outcome = r.forwarding ? "undeliverable" : "mailed";  // R-NOT-2
      n.municipality = due.municipality;
      n.postal_name = r.name + " 様";
      n.address = r.address;
      if (due.kind == Kind::kCity) {
        // Issued even when undeliverable: the ward gives it to a holder who asks (seed 003).
        if (!options.reservation_ids) {
          return Error{ErrorCode::kFailedPrecondition, "reservation_ids",
                       m.name_ja + "の通知には予約IDの発行元が必要です (a reservation-ID issuer is required)",
                       "R-NOT-3"};
        }
        auto id = options.reservation_ids(due.resident_id, due.municipality, due.cert_expiry,
                                          WindowStart(m, r.abroad, due.cert_expiry));
        if (!id.ok()) {
          report.problems.push_back("住民 " + std::to_string(due.resident_id) +
                                    ": 予約IDを発行できません、次の実行で再試行します (no reservation ID, retried next run): " +
                                    id.error().ToString());
          continue;
        }
        n.reservation_id = *id;
      }
      cards |= due.kind == Kind::kCard;
      pending.push_back({std::move(n), &due, &m, &r});
    }
    // The letters of the mailed notices into the chunk's print file.
    auto render = [&](std::vector<Pending>& items) -> Status {
      if (!renderer) return {};
      bool open = false;
      for (Pending& p : items) {
        if (p.n.outcome != "mailed") continue;
        Letter letter;
        if (p.n.kind == Kind::kCard) {
          MYNACERT_ASSIGN_OR_RETURN(letter, ComposeCardLetter(*p.m, *p.r, *p.due, day, p.n.letter_id,
                                                              p.n.application_id, options.booking_url));
        } else {
          MYNACERT_ASSIGN_OR_RETURN(letter, ComposeLetter(*p.m, *p.r, *p.due, day, p.n.letter_id,
                                                          p.n.reservation_id, options.booking_url));
        }
        if (!open) {
          MYNACERT_RETURN_IF_ERROR(renderer->Open(print_file));
          open = true;
        }
        p.n.letter_file = print_file;
        p.n.first_page = renderer->pages_written() + 1;
        MYNACERT_ASSIGN_OR_RETURN(p.n.pages, renderer->Append(letter));
      }
      if (open) MYNACERT_RETURN_IF_ERROR(renderer->Close());
      return {};
    };
    if (!cards) MYNACERT_RETURN_IF_ERROR(render(pending));

    MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(db));
    // Under the writers' lock: what a concurrent run recorded since the selection is skipped;
    // the rest is numbered and inserted, many rows a statement.
    std::vector<int64_t> ids;
    ids.reserve(pending.size());
    for (const Pending& p : pending) ids.push_back(p.n.resident_id);
    MYNACERT_ASSIGN_OR_RETURN(const auto recorded, ReadRecorded(db, ids));
    std::vector<Pending> fresh;
    fresh.reserve(pending.size());
    for (Pending& p : pending) {
      if (recorded.count({p.n.resident_id, std::string(KindName(p.n.kind)), p.n.cert_expiry.ToString()})) {
        ++report.already_sent;
        continue;
      }
      fresh.push_back(std::move(p));
    }
    if (cards) {
      // R-CARD-1: the 交付申請書's application, in this transaction — the notice and its
      // application commit together, and a resumed run gets the same one back (idempotent per
      // resident and card expiry). Its ID is printed on the letter, so the chunk's letters are
      // rendered here, under the lock.
      std::vector<Pending> opened;
      opened.reserve(fresh.size());
      for (Pending& p : fresh) {
        if (p.n.kind == Kind::kCard) {
          auto app = counter::OpenApplication(store, p.n.resident_id, p.due->card_expiry, day,
                                              options.clerk, now);
          if (!app.ok()) {
            // Only "no card in force with this expiry" is the notice's own problem; anything
            // else (the audit log, the database) stops the run with the chunk rolled back.
            if (app.error().code != ErrorCode::kFailedPrecondition || app.error().field != "card") {
              return app.error();
            }
            // The card changed since the selection (returned, replaced): nothing to notice.
            report.problems.push_back("住民 " + std::to_string(p.n.resident_id) +
                                      ": 交付申請書を作れません (no card application): " + app.error().ToString());
            continue;
          }
          p.n.application_id = app->id;
        }
        opened.push_back(std::move(p));
      }
      fresh = std::move(opened);
      MYNACERT_RETURN_IF_ERROR(render(fresh));
    }
    std::vector<SentNotice> committed;
    committed.reserve(fresh.size());
    for (Pending& p : fresh) {
      p.n.seq = ++seq;
      committed.push_back(std::move(p.n));
    }
    MYNACERT_RETURN_IF_ERROR(InsertSent(db, committed, day_text, report.batch_id, now));
    MYNACERT_RETURN_IF_ERROR(tx.Commit());
    for (SentNotice& n : committed) {
      if (n.outcome == "undeliverable") {
        ++report.undeliverable;
      } else if (n.kind == Kind::kCity) {
        ++report.mailed_city;
      } else if (n.kind == Kind::kCard) {
        ++report.mailed_card;
      } else {
        ++report.mailed_jlis;
      }
      report.produced.push_back(std::move(n));
    }
    done = end;
    ++chunk_no;
    if (options.progress) options.progress(done, sel.due.size());
    if (options.after_chunk) MYNACERT_RETURN_IF_ERROR(options.after_chunk(chunk_no));
  }

  // The CSVs list the whole batch (a resumed batch's earlier chunks included), then the batch
  // is done.
  MYNACERT_ASSIGN_OR_RETURN(std::vector<SentNotice> rows, BatchRows(db, report.batch_id));
  std::vector<SentNotice> mailed, undeliverable;
  for (SentNotice& n : rows) (n.outcome == "mailed" ? mailed : undeliverable).push_back(std::move(n));
  report.csv_path = (dir / ("mail-" + report.batch_id + ".csv")).string();
  MYNACERT_RETURN_IF_ERROR(WriteFileAtomically(report.csv_path, MailVendorCsv(mailed, dir.string())));
  std::string staff =
      "letter_id,kind,resident_id,postal_name,address,cert_expiry,reservation_id,application_id\n";
  for (const SentNotice& n : undeliverable) {
    staff += CsvField(n.letter_id) + "," + std::string(KindName(n.kind)) + "," +
             std::to_string(n.resident_id) + "," + CsvField(n.postal_name) + "," +
             CsvField(n.address) + "," + n.cert_expiry.ToString() + "," +
             CsvField(n.reservation_id) + "," + n.application_id + "\n";
  }
  report.undeliverable_csv_path = (dir / ("undeliverable-" + report.batch_id + ".csv")).string();
  MYNACERT_RETURN_IF_ERROR(WriteFileAtomically(report.undeliverable_csv_path, staff));
  MYNACERT_RETURN_IF_ERROR(counter::Run(
      db, "UPDATE notice_batches SET state = 'done', finished_at = $2 WHERE id = $1",
      {Text(report.batch_id), NowSeconds()}));
  return report;
}

Result<std::vector<SentNotice>> ListSent(store::Database& db, Date run_date) {
  MYNACERT_RETURN_IF_ERROR(MigrateNotices(db));
  const std::string day = run_date.ToString();
  MYNACERT_ASSIGN_OR_RETURN(
      auto s, Query(db,
                    "SELECT " + std::string(kSentColumns) +
                        " FROM notices_sent WHERE run_date = $1 ORDER BY batch_id, seq",
                    {Text(day)}));
  return Collect(*s);
}

std::string MailVendorCsv(const std::vector<SentNotice>& mailed, const std::string& base_dir) {
  std::string out = "letter_id,kind,postal_name,address,file,first_page,pages\n";
  for (const SentNotice& n : mailed) {
    out += CsvField(n.letter_id) + "," + std::string(KindName(n.kind)) + "," +
           CsvField(n.postal_name) + "," + CsvField(n.address) + "," +
           CsvField(RelativeTo(n.letter_file, base_dir)) + "," + std::to_string(n.first_page) +
           "," + std::to_string(n.pages) + "\n";
  }
  return out;
}

}  // namespace mynacert::notices
