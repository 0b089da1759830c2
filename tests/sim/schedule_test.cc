// The fault schedule's text form and the shrinker.

#include <gtest/gtest.h>

#include <algorithm>

#include "sim/schedule.h"
#include "sim/shrink.h"

namespace rq::sim {
namespace {

TEST(Schedule, TextRoundTrip) {
    ScheduleShape shape{5, 6, std::chrono::seconds(60), *parse_fault_families("all")};
    const Schedule schedule = generate_schedule(Random(7), shape);
    ASSERT_GT(schedule.size(), 20u);
    auto parsed = parse_schedule(schedule_to_text(schedule));
    ASSERT_TRUE(parsed.ok()) << parsed.error().message();
    EXPECT_EQ(*parsed, schedule);
}

TEST(Schedule, SameSeedSameScheduleAndFamiliesAreHonoured) {
    ScheduleShape shape{3, 4, std::chrono::seconds(30), *parse_fault_families("crash,partition")};
    const Schedule a = generate_schedule(Random(3), shape);
    EXPECT_EQ(a, generate_schedule(Random(3), shape));
    for (const FaultEvent& event : a) {
        EXPECT_TRUE(event.kind == FaultKind::crash || event.kind == FaultKind::restart ||
                    event.kind == FaultKind::partition || event.kind == FaultKind::heal)
            << fault_event_to_text(event);
    }
}

TEST(Schedule, BadTextIsAnErrorNamingTheLine) {
    auto parsed = parse_schedule("100 crash node=1\n200 explode node=2\n");
    ASSERT_FALSE(parsed.ok());
    EXPECT_NE(parsed.error().message().find("line 2"), std::string::npos) << parsed.error().message();
    EXPECT_FALSE(parse_schedule("100 crash node=0\n").ok());
    EXPECT_FALSE(parse_schedule("200 heal\n100 heal\n").ok());
    EXPECT_FALSE(parse_fault_families("crash,typo").ok());
}

TEST(Shrink, FindsTheEventsTheFailureNeeds) {
    Schedule schedule;
    for (int i = 0; i < 40; ++i) schedule.emplace_back(std::chrono::milliseconds(i * 100), FaultKind::heal, 0);
    schedule[7].kind = FaultKind::crash;
    schedule[31].kind = FaultKind::pause;
    // Fails while both the crash and the pause are in it.
    auto fails = [](const Schedule& s) {
        const bool crash = std::any_of(s.begin(), s.end(), [](const FaultEvent& e) { return e.kind == FaultKind::crash; });
        const bool pause = std::any_of(s.begin(), s.end(), [](const FaultEvent& e) { return e.kind == FaultKind::pause; });
        return crash && pause;
    };
    ShrinkStats stats;
    const Schedule minimal = shrink_schedule(schedule, fails, &stats);
    ASSERT_EQ(minimal.size(), 2u);
    EXPECT_EQ(minimal[0].kind, FaultKind::crash);
    EXPECT_EQ(minimal[1].kind, FaultKind::pause);
    EXPECT_LT(stats.runs, 100u);
}

}  // namespace
}  // namespace rq::sim
