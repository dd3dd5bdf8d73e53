// Dates as residents read them (style of the municipal pages): "2027年(令和9年)2月10日(水)" and
// "Wed 10 February 2027". The era year follows the era's first day.
//
// Thread-safety: pure functions.
#ifndef MYNACERT_CORE_DATE_TEXT_H_
#define MYNACERT_CORE_DATE_TEXT_H_

#include <string>

#include "core/date.h"

namespace mynacert {

// "令和9年", "令和元年", "平成31年", "昭和55年"; empty before 1873 (the Gregorian calendar's
// adoption). Eras change on their first day (令和: 2019-05-01, 平成: 1989-01-08, 昭和:
// 1926-12-25, 大正: 1912-07-30).
std::string JapaneseEraYear(Date d);
// The year within its era as a number (昭和55年 → 55, 令和元年 → 1); 0 where JapaneseEraYear is
// empty.
int JapaneseEraYearNumber(Date d);
// "2027年(令和9年)2月10日(水)".
std::string JapaneseLongDate(Date d);
// "Wed 10 February 2027".
std::string EnglishLongDate(Date d);

}  // namespace mynacert

#endif  // MYNACERT_CORE_DATE_TEXT_H_
