-- The counter (issue 5): the resident registry slice, cards and certificates, cases with their
-- visits, documents and execution journal, pending revocations and the audit log.
-- Portable SQL (store/database.h): $n parameters, BIGINT times (Unix seconds), TEXT dates.
-- Ids are allocated in counter_ids inside the writing transaction (no engine-specific
-- autoincrement).
CREATE TABLE counter_ids (
  name TEXT PRIMARY KEY,
  value BIGINT NOT NULL
);

-- 住民記録: what the procedures need of the residence record.
CREATE TABLE residents (
  id BIGINT PRIMARY KEY,
  municipality TEXT NOT NULL,
  name TEXT NOT NULL,
  name_kana TEXT NOT NULL,
  tsusho TEXT NOT NULL,          -- 通称 (foreign residents), '' if none
  kyuuji TEXT NOT NULL,          -- 旧氏, '' if none
  address TEXT NOT NULL,
  birth TEXT NOT NULL,
  sex INTEGER NOT NULL,          -- 1 男 2 女 9 適用不能 (JIS X 0303)
  household TEXT NOT NULL,       -- 世帯番号
  nationality TEXT NOT NULL,     -- 'JP' or ISO 3166 alpha-2
  stay_until TEXT,               -- 在留期間の満了日 (R-VAL-4)
  adult_ward INTEGER NOT NULL,   -- 成年被後見人 (R-CERT-4, R-PROC-2)
  abroad INTEGER NOT NULL,       -- 国外転出者 (R-WIN-3)
  forwarding INTEGER NOT NULL,   -- 転送届あり: 転送不要 mail is not delivered (R-NOT-2)
  my_number TEXT NOT NULL,       -- 個人番号 (PIN A of the card's 券面 APs)
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX residents_by_municipality ON residents (municipality);

-- 続柄: parent -> child (R-PROC-2: the residence record shows the relation).
CREATE TABLE resident_relations (
  parent_id BIGINT NOT NULL REFERENCES residents (id),
  child_id BIGINT NOT NULL REFERENCES residents (id),
  PRIMARY KEY (parent_id, child_id)
);

-- 異動: every change of the record, as events (R-CERT-5 acts on them).
CREATE TABLE resident_events (
  id BIGINT PRIMARY KEY,
  resident_id BIGINT NOT NULL REFERENCES residents (id),
  at BIGINT NOT NULL,
  on_date TEXT NOT NULL,
  clerk TEXT NOT NULL,
  field TEXT NOT NULL,
  old_value TEXT NOT NULL,
  new_value TEXT NOT NULL
);
CREATE INDEX resident_events_by_resident ON resident_events (resident_id, on_date);

CREATE TABLE cards (
  id BIGINT PRIMARY KEY,
  resident_id BIGINT NOT NULL REFERENCES residents (id),
  location TEXT NOT NULL,        -- 'file:<path>' (the card model) or 'reader:<name>'
  chip_id TEXT NOT NULL,         -- the card's own id (hex)
  applied TEXT NOT NULL,         -- 交付申請の受付日 (R-VAL-3)
  issued TEXT NOT NULL,
  expires TEXT NOT NULL,
  state TEXT NOT NULL,           -- active | replaced | returned
  created_at BIGINT NOT NULL
);
CREATE INDEX cards_by_resident ON cards (resident_id, state);

CREATE TABLE certificates (
  id BIGINT PRIMARY KEY,
  resident_id BIGINT NOT NULL REFERENCES residents (id),
  card_id BIGINT NOT NULL REFERENCES cards (id),
  kind TEXT NOT NULL,            -- sign | auth
  serial TEXT NOT NULL,          -- as the CA records it
  issued TEXT NOT NULL,
  last_valid_day TEXT NOT NULL,
  renewal INTEGER NOT NULL,      -- issued by a renewal inside the window (R-VAL-1a)
  state TEXT NOT NULL,           -- active | superseded | revoked
  reason TEXT NOT NULL,          -- RFC 5280 reason name when not active
  ended_on TEXT,
  case_id BIGINT
);
CREATE INDEX certificates_by_card ON certificates (card_id, kind, state);

CREATE TABLE cases (
  id BIGINT PRIMARY KEY,
  resident_id BIGINT NOT NULL REFERENCES residents (id),
  municipality TEXT NOT NULL,
  procedure TEXT NOT NULL,       -- renewal | new_issuance | pin_reset | revocation | card_issuance
  applicant TEXT NOT NULL,       -- self | legal_rep_parent | legal_rep_guardian | agent_with_form | agent_without_form
  representative_id BIGINT,      -- the legal representative when a resident
  flags TEXT NOT NULL,           -- JSON: sign_cert, pin_forgotten, honseki_in_city, …
  state TEXT NOT NULL,           -- open | waiting | accepted | executing | done | refused | cancelled
  visit INTEGER NOT NULL,        -- the current visit number
  deadline TEXT,                 -- the next visit at the latest (R-PROC-6)
  decision TEXT NOT NULL,        -- JSON of the last decision
  opened_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX cases_by_resident ON cases (resident_id);
CREATE INDEX cases_by_state ON cases (state);

CREATE TABLE case_visits (
  case_id BIGINT NOT NULL REFERENCES cases (id),
  number INTEGER NOT NULL,
  on_date TEXT NOT NULL,
  counter_id TEXT NOT NULL,
  clerk TEXT NOT NULL,
  holder_present INTEGER NOT NULL,
  PRIMARY KEY (case_id, number)
);

-- What was presented at a visit (R-PROC-9, R-ID). The inquiry form's details are kept in the
-- form_* columns (R-PROC-4/5/7).
CREATE TABLE case_documents (
  case_id BIGINT NOT NULL REFERENCES cases (id),
  visit INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  whose TEXT NOT NULL,           -- holder | representative | agent
  item TEXT NOT NULL,            -- holder_card | id | inquiry_form | application_form | koseki_tohon | touki_jiko_shomei | employee_id | expiry_notice
  kind TEXT NOT NULL,            -- id: a catalog id (rules/id_documents.h)
  category TEXT NOT NULL,        -- A | B | '' (as accepted)
  issued TEXT,
  expires TEXT,
  form_source TEXT NOT NULL,     -- inquiry_form: jlis | municipal
  form_printed TEXT,             -- inquiry_form: when its name and address were printed
  form_signed INTEGER NOT NULL,
  form_pin_hidden INTEGER NOT NULL,
  form_complete INTEGER NOT NULL,
  PRIMARY KEY (case_id, visit, seq)
);

-- The execution journal: each step recorded started, then done, so that `counter recover`
-- finishes or rolls back an interrupted execution. `data` holds what a later step needs (the
-- public key from the card, the serial from the CA) — never a PIN.
CREATE TABLE case_steps (
  case_id BIGINT NOT NULL REFERENCES cases (id),
  seq INTEGER NOT NULL,
  step TEXT NOT NULL,
  state TEXT NOT NULL,           -- planned | started | done
  data TEXT NOT NULL,
  started_at BIGINT,
  done_at BIGINT,
  PRIMARY KEY (case_id, seq)
);

-- R-CERT-5: a change of the record queues the sign cert's revocation in the same transaction;
-- the CA records it next (and `counter recover` drains what a crash left).
CREATE TABLE pending_revocations (
  id BIGINT PRIMARY KEY,
  resident_id BIGINT NOT NULL REFERENCES residents (id),
  kind TEXT NOT NULL,
  serial TEXT NOT NULL,
  reason TEXT NOT NULL,
  at BIGINT NOT NULL,
  on_date TEXT NOT NULL,
  clerk TEXT NOT NULL,
  state TEXT NOT NULL            -- pending | done
);

-- Every decision and action (clerk, time, case), append-only and hash-chained:
-- hash = SHA-256(prev_hash | seq | at | clerk | case_id | action | detail).
CREATE TABLE audit_log (
  seq BIGINT PRIMARY KEY,
  at BIGINT NOT NULL,
  clerk TEXT NOT NULL,
  case_id BIGINT NOT NULL,       -- 0 when not about a case
  resident_id BIGINT NOT NULL,   -- 0 when not about a resident
  action TEXT NOT NULL,
  detail TEXT NOT NULL,          -- JSON; never a PIN
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
