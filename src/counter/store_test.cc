#include "counter/store.h"
#include "counter/schema.h"

#include <gtest/gtest.h>

#include "store/testing.h"

namespace mynacert::counter {
namespace {

TEST(MyNumber, CheckDigit) {
  // 施行令第8条: the check digit over the first eleven digits.
  EXPECT_EQ(MyNumberWithCheckDigit("12345678901"), "123456789018");
  EXPECT_TRUE(ValidMyNumber("123456789018"));
  EXPECT_FALSE(ValidMyNumber("123456789012"));
  EXPECT_FALSE(ValidMyNumber("12345678901"));
  EXPECT_FALSE(ValidMyNumber("12345678901a"));
}

class CounterStoreTest : public store::testing::EngineTest {};

TEST_P(CounterStoreTest, ResidentChangesAreEvents) {
  auto s = CounterStore::Open(locator());
  ASSERT_TRUE(s.ok());
  auto& store = **s;
  Resident r;
  r.municipality = "yokohama";
  r.name = "横浜　太郎";
  r.address = "神奈川県横浜市中区港町一丁目1番地";
  r.birth = Date::Ymd(1990, 1, 2);
  r.sex = 1;
  auto id = store.AddResident(r, 1);
  ASSERT_TRUE(id.ok());
  auto got = store.GetResident(*id);
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(ValidMyNumber(got->my_number));
  ResidentChange change;
  change.address = "神奈川県横浜市西区高島二丁目1番1号";
  change.forwarding = true;
  auto fields = store.ChangeResident(*id, change, Date::Ymd(2026, 1, 5), "clerk", 2);
  ASSERT_TRUE(fields.ok());
  EXPECT_EQ(*fields, (std::vector<std::string>{"address", "forwarding"}));
  EXPECT_TRUE(RevokesSignCert("address"));
  EXPECT_FALSE(RevokesSignCert("forwarding"));
  auto events = store.Events(*id);
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].old_value, r.address);
  EXPECT_TRUE(store.GetResident(*id)->forwarding);
  EXPECT_EQ(store.GetResident(999).error().field, "resident");
}

TEST_P(CounterStoreTest, MigrationsAreNumberedFiles) {
  auto db = store::Open(locator());
  ASSERT_TRUE(db.ok());
  store::Database& raw = **db;
  ASSERT_TRUE(MigrateCounter(raw).ok());
  ASSERT_TRUE(MigrateCounter(raw).ok());  // idempotent
  auto q = raw.Prepare("SELECT MAX(version) FROM schema_migrations WHERE component = 'counter'");
  ASSERT_TRUE(q.ok());
  ASSERT_TRUE(*(*q)->Step());
  EXPECT_GE((*q)->ColumnInt(0), 1);
}

INSTANTIATE_TEST_SUITE_P(Engines, CounterStoreTest, ::testing::ValuesIn(store::testing::kEngines),
                         store::testing::EngineName);

}  // namespace
}  // namespace mynacert::counter
