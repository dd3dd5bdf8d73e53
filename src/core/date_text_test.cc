#include "core/date_text.h"

#include <gtest/gtest.h>

namespace mynacert {
namespace {

// What residents read: the municipal pages' "2027年2月10日(水)", with the era year alongside;
// each era's first day and the day before it.
TEST(DateText, JapaneseAndEnglishLongDates) {
  struct Case {
    Date d;
    const char* ja;
    const char* en;
  };
  const Case cases[] = {
      {Date::Ymd(2027, 2, 10), "2027年(令和9年)2月10日(水)", "Wed 10 February 2027"},
      {Date::Ymd(2019, 5, 1), "2019年(令和元年)5月1日(水)", "Wed 1 May 2019"},
      {Date::Ymd(2019, 4, 30), "2019年(平成31年)4月30日(火)", "Tue 30 April 2019"},
      {Date::Ymd(1989, 1, 8), "1989年(平成元年)1月8日(日)", "Sun 8 January 1989"},
      {Date::Ymd(1989, 1, 7), "1989年(昭和64年)1月7日(土)", "Sat 7 January 1989"},
      {Date::Ymd(1926, 12, 25), "1926年(昭和元年)12月25日(土)", "Sat 25 December 1926"},
      {Date::Ymd(1926, 12, 24), "1926年(大正15年)12月24日(金)", "Fri 24 December 1926"},
      {Date::Ymd(1912, 7, 29), "1912年(明治45年)7月29日(月)", "Mon 29 July 1912"},
      {Date::Ymd(1872, 12, 31), "1872年12月31日(火)", "Tue 31 December 1872"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(JapaneseLongDate(c.d), c.ja) << c.d;
    EXPECT_EQ(EnglishLongDate(c.d), c.en) << c.d;
  }
}

}  // namespace
}  // namespace mynacert
