// `mynacert reservation …` as a user runs it (issue 6): a 予約ID, slots, booking until the slot
// is full (満席, exit 2), cancel and rebook, walk-in counters refused citing their rule, and
// one-line errors with exit 2.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/shell_test_util.h"

namespace mynacert::cli {
namespace {

using testing_util::Sh;

class ReservationCli : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ = std::filesystem::temp_directory_path() /
            ("mynacert-reservation-cli-" + std::to_string(getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(home_);
  }
  void TearDown() override { std::filesystem::remove_all(home_); }
  testing_util::Outcome M(const std::string& args) {
    return Sh("MYNACERT_HOME=" + home_.string() + " " + MYNACERT_BINARY + std::string(" ") + args);
  }
  std::string Code(int resident) {
    auto o = M("reservation issue-id --resident " + std::to_string(resident) +
               " --municipality yokohama --expires 2027-01-31 --json");
    EXPECT_EQ(o.code, 0) << o.out;
    return nlohmann::json::parse(o.out)["code"];
  }
  std::filesystem::path home_;
};

TEST_F(ReservationCli, BookUntilFullCancelAndRebook) {
  const std::string a = Code(1), b = Code(2), c = Code(3);
  EXPECT_EQ(Code(1), a);  // idempotent
  auto window = nlohmann::json::parse(M("reservation issue-id --resident 1 --municipality yokohama "
                                        "--expires 2027-01-31 --json").out);
  EXPECT_EQ(window["window_start"], "2026-11-01");  // R-WIN-1 by default
  const std::string slot =
      "reservation book --counter yokohama-naka --date 2026-12-01 --time 09:15 --now 2026-11-20T10:00 ";
  auto first = M(slot + "--code " + a + " --name 'A' --phone 045-000-0000 --json");
  ASSERT_EQ(first.code, 0) << first.out;
  const auto booked = nlohmann::json::parse(first.out);
  EXPECT_EQ(booked["number"], 1);
  EXPECT_EQ(booked["end"], "09:45");
  ASSERT_EQ(M(slot + "--code " + b + " --name 'B'").code, 0);
  auto full = M(slot + "--code " + c + " --name 'C'");
  EXPECT_EQ(full.code, 2);
  EXPECT_EQ(std::count(full.out.begin(), full.out.end(), '\n'), 1) << full.out;
  EXPECT_NE(full.out.find("--time"), std::string::npos) << full.out;
  EXPECT_NE(full.out.find("満席"), std::string::npos) << full.out;
  EXPECT_NE(full.out.find("(R-OFF-6)"), std::string::npos) << full.out;

  auto view = M("reservation slots --municipality yokohama --counter yokohama-naka --date 2026-12-01 "
                "--now 2026-11-20T10:00 --json");
  ASSERT_EQ(view.code, 0) << view.out;
  const auto slots = nlohmann::json::parse(view.out)["slots"];
  EXPECT_EQ(slots.size(), 17u);
  EXPECT_EQ(slots[1]["booked"], 2);
  EXPECT_EQ(slots[1]["bookable_now"], false);
  EXPECT_EQ(slots[0]["bookable_now"], true);

  auto cancel = M("reservation cancel --number 1 --token " + booked["cancel_token"].get<std::string>() +
                  " --now 2026-11-21T09:00");
  ASSERT_EQ(cancel.code, 0) << cancel.out;
  EXPECT_EQ(M(slot + "--code " + c + " --name 'C'").code, 0);
  auto list = M("reservation list --counter yokohama-naka --date 2026-12-01 --json");
  ASSERT_EQ(list.code, 0) << list.out;
  const auto rows = nlohmann::json::parse(list.out)["bookings"];
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0]["status"], "cancelled");
  EXPECT_EQ(rows[2]["name"], "C");
}

TEST_F(ReservationCli, RefusalsAndBadInputAreOneLineExitTwo) {
  const std::string a = Code(1);
  struct Case {
    std::string args;
    const char* expect;  // in the line
  };
  const Case cases[] = {
      {"reservation slots --counter yokohama-nishi --date 2026-12-01", "(R-OFF-5)"},
      {"reservation slots --counter kanazawa-shimin-center --date 2026-12-01", "(R-OFF-3)"},
      {"reservation slots --counter yamagata-cityhall --date 2026-12-01", "(R-OFF-2)"},
      {"reservation book --counter yokohama-naka --date 2026-12-01 --time 09:15 --name A "
       "--now 2026-11-30T17:00 --code " + a, "--date: "},
      {"reservation book --counter yokohama-naka --date 2026-12-01 --time 09:15 --name A "
       "--now 2026-11-20T10:00", "予約ID"},
      {"reservation book --counter yokohama-naka --date 2026-12-01 --time 09:00 --name A "
       "--now 2026-11-20T10:00 --code " + a, "--time: "},
      {"reservation book --counter yokohama-naka --date 2026-12-29 --time 09:15 --name A "
       "--now 2026-11-20T10:00 --code " + a, "年末年始"},
      {"reservation book --counter kanazawa-cityhall --date 2026-06-05 --time 09:00 --name A "
       "--now 2026-06-01T10:00", "(R-OFF-3)"},
      {"reservation slots --counter yokohama-naka --date 2026-02-30", "--date: "},
      {"reservation slots --counter nowhere --date 2026-12-01", "--counter: "},
      {"reservation book --counter yokohama-naka --date 2026-12-01 --time 9:15 --name A", "--time: "},
      {"reservation book --counter yokohama-naka --date 2026-12-01 --time 09:15 --name A --now 10:00",
       "--now: "},
      {"reservation cancel --number 1 --code " + a, "--number: "},
      {"reservation cancel --number 1", "--code: "},
      {"reservation issue-id --resident 1 --municipality osaka --expires 2027-01-31", "--municipality: "},
  };
  for (const Case& c : cases) {
    auto o = M(c.args);
    EXPECT_EQ(o.code, 2) << c.args << "\n" << o.out;
    EXPECT_EQ(std::count(o.out.begin(), o.out.end(), '\n'), 1) << c.args << "\n" << o.out;
    EXPECT_NE(o.out.find(c.expect), std::string::npos) << c.args << "\n" << o.out;
  }
}

}  // namespace
}  // namespace mynacert::cli
