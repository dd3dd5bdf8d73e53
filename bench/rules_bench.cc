// Assessments per second: the rules engine behind `mynacert explain` and GET /api/explain.
// Target (issue 2): >= 10 million assessments per second per core. Results: bench/README.md.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "calendar/holidays.h"
#include "rules/assessment.h"
#include "rules/dates.h"

namespace mynacert {
namespace {

struct Case {
  rules::Facts facts;
  Date today;
};

// A varied population (ages, foreign residents, renewals, wards), fixed seed.
std::vector<Case> Population(size_t n) {
  std::mt19937 rng(2026);
  auto between = [&](Date a, Date b) {
    return a.AddDays(std::uniform_int_distribution<int>(0, b - a)(rng));
  };
  std::vector<Case> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    rules::Facts f;
    f.birth = between(Date::Ymd(1930, 1, 1), Date::Ymd(2020, 1, 1));
    f.card_applied = between(std::max(f.birth, Date::Ymd(2016, 1, 1)), Date::Ymd(2026, 6, 1));
    f.card_issued = f.card_applied.AddDays(30);
    if (i % 7 == 0) f.stay_until = f.card_issued.AddDays(900);
    if (i % 11 == 0) f.adult_ward = true;
    if (i % 5 == 0) {
      f.cert_issued = f.card_issued.AddDays(4 * 365);
      f.cert_renewal = true;
    }
    const Date today = between(std::max(f.card_issued, f.cert_issued.value_or(f.card_issued)),
                               f.card_issued.AddDays(10 * 365));
    out.push_back({f, today});
  }
  return out;
}

void RunAssessments(benchmark::State& state, const profiles::RuleSettings& settings) {
  const std::vector<Case> cases = Population(4096);
  size_t i = 0;
  for (auto _ : state) {
    const Case& c = cases[i++ & 4095];
    auto a = rules::Assess(c.facts, c.today, settings);
    benchmark::DoNotOptimize(a);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

void BM_Assess(benchmark::State& state) { RunAssessments(state, profiles::RuleSettings{}); }
BENCHMARK(BM_Assess);

// The same with the Civil Code reading of the window (a short scan per certificate).
void BM_AssessCivilCodeReading(benchmark::State& state) {
  profiles::RuleSettings settings;
  settings.window_reading = profiles::WindowReading::kCivilCode;
  RunAssessments(state, settings);
}
BENCHMARK(BM_AssessCivilCodeReading);

// Assess + render every reason (what a human-facing answer costs).
void BM_AssessAndExplain(benchmark::State& state) {
  const std::vector<Case> cases = Population(4096);
  const profiles::RuleSettings settings;
  size_t i = 0;
  for (auto _ : state) {
    const Case& c = cases[i++ & 4095];
    auto a = rules::Assess(c.facts, c.today, settings);
    auto reasons = rules::Explain(*a, settings);
    benchmark::DoNotOptimize(reasons);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_AssessAndExplain);

void BM_IsNationalHoliday(benchmark::State& state) {
  Date d = Date::Ymd(1960, 1, 1);
  const Date end = Date::Ymd(2090, 1, 1);
  int n = 0;
  for (auto _ : state) {
    n += calendar::IsNationalHoliday(d);
    d = d.AddDays(1);
    if (d == end) d = Date::Ymd(1960, 1, 1);
  }
  benchmark::DoNotOptimize(n);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_IsNationalHoliday);

}  // namespace
}  // namespace mynacert

BENCHMARK_MAIN();
