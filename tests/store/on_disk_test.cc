// The on-disk database: the pragmas /status must report (API.md §7.1), and what a restart may trust
// (only a file left by a clean shutdown, unchanged since).

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "store/clean_marker.h"
#include "store_test_util.h"

namespace rq::store::testing {
namespace {

class OnDiskTest : public ::testing::Test {
protected:
    void SetUp() override {
        directory_ = std::filesystem::path(::testing::TempDir()) /
                     ("store-on-disk-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
        std::filesystem::remove_all(directory_);
        std::filesystem::create_directories(directory_);
        options_.location = DatabaseLocation::on_disk;
        options_.path = (directory_ / "db.sqlite").string();
    }
    void TearDown() override { std::filesystem::remove_all(directory_); }

    std::unique_ptr<Store> open() {
        auto store = Store::open(options_, clock_, Random(5));
        EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error().message());
        return store.ok() ? std::move(store).value() : nullptr;
    }
    std::string count(Store& store) { return render(local_query(store, {sql("SELECT COUNT(*) FROM t")})); }
    static std::string count_is(int n) {
        return R"j([{"columns":["COUNT(*)"],"types":["integer"],"values":[[)j" + std::to_string(n) + "]]}]";
    }
    void write_rows(Store& store, int rows) {
        Applier applier(store);
        applier.execute({sql("CREATE TABLE IF NOT EXISTS t (a)")});
        for (int i = 0; i < rows; ++i) applier.execute({sql("INSERT INTO t VALUES(randomblob(64))")});
    }

    std::filesystem::path directory_;
    StoreOptions options_;
    env::ManualClock clock_;
};

TEST_F(OnDiskTest, PragmasMatchWhatStatusReports) {
    auto store = open();
    auto pragmas = store->pragmas();
    ASSERT_TRUE(pragmas.ok());
    const PragmaValues read_write = {{"busy_timeout", "5000"}, {"foreign_keys", "0"}, {"journal_mode", "wal"},
                                     {"synchronous", "0"}, {"wal_autocheckpoint", "0"}};
    const PragmaValues read_only = {{"busy_timeout", "5000"}, {"foreign_keys", "0"}, {"journal_mode", "wal"},
                                    {"synchronous", "0"}, {"wal_autocheckpoint", "1000"}};
    EXPECT_EQ(pragmas->read_write, read_write);
    EXPECT_EQ(pragmas->read_only, read_only);

    options_.foreign_keys = true;
    store.reset();
    store = open();
    pragmas = store->pragmas();
    ASSERT_TRUE(pragmas.ok());
    EXPECT_EQ(pragmas->read_write.at("foreign_keys"), "1");
    EXPECT_EQ(pragmas->read_only.at("foreign_keys"), "1");
}

TEST_F(OnDiskTest, DatabaseFileIsARealWalModeFile) {
    auto store = open();
    write_rows(*store, 3);
    EXPECT_TRUE(std::filesystem::exists(options_.path));
    EXPECT_TRUE(std::filesystem::exists(options_.path + "-wal"));
    ASSERT_TRUE(store->checkpoint().ok());
    EXPECT_EQ(std::filesystem::file_size(options_.path + "-wal"), 0u);
    EXPECT_EQ(count(*store), count_is(3));
}

TEST_F(OnDiskTest, CleanShutdownLetsTheNextOpenReuseTheFile) {
    auto store = open();
    write_rows(*store, 10);
    const raft::Index applied = store->applied_index();
    auto before = store->content_hash();
    ASSERT_TRUE(before.ok());
    ASSERT_TRUE(store->close_clean().ok());
    EXPECT_FALSE(store->content_hash().ok()) << "a closed store refuses work";
    store.reset();
    EXPECT_TRUE(std::filesystem::exists(clean_marker_path(options_.path)));

    store = open();
    EXPECT_TRUE(store->reused_clean_file());
    EXPECT_EQ(store->applied_index(), applied);
    EXPECT_EQ(*store->content_hash(), *before);
    EXPECT_FALSE(std::filesystem::exists(clean_marker_path(options_.path))) << "the record is consumed on open";
    write_rows(*store, 1);
    EXPECT_EQ(count(*store), count_is(11));
}

TEST_F(OnDiskTest, AnyOtherFileIsDiscarded) {
    auto store = open();
    write_rows(*store, 5);
    store.reset();  // a crash, as far as the file is concerned: no clean-shutdown record
    store = open();
    EXPECT_FALSE(store->reused_clean_file());
    EXPECT_EQ(store->applied_index(), raft::Index(0));
    EXPECT_EQ(render(local_query(*store, {sql("SELECT name FROM sqlite_master")})), R"j([{"columns":["name"],"types":["text"]}])j");
}

TEST_F(OnDiskTest, CrashAfterReuseDoesNotTrustTheFileAgain) {
    auto store = open();
    write_rows(*store, 2);
    ASSERT_TRUE(store->close_clean().ok());
    store.reset();
    store = open();
    ASSERT_TRUE(store->reused_clean_file());
    write_rows(*store, 2);
    store.reset();  // crash after more writes
    store = open();
    EXPECT_FALSE(store->reused_clean_file());
    EXPECT_EQ(store->applied_index(), raft::Index(0));
}

TEST_F(OnDiskTest, ModifiedFileOrRecordIsNotTrusted) {
    auto store = open();
    write_rows(*store, 4);
    ASSERT_TRUE(store->close_clean().ok());
    store.reset();
    ASSERT_TRUE(read_clean_marker(options_.path).has_value());
    {
        std::fstream file(options_.path, std::ios::in | std::ios::out | std::ios::binary);
        file.seekp(4096 + 100);
        file.put('\x42');
    }
    EXPECT_FALSE(read_clean_marker(options_.path).has_value());

    store = open();
    write_rows(*store, 1);
    ASSERT_TRUE(store->close_clean().ok());
    store.reset();
    {
        std::fstream file(clean_marker_path(options_.path), std::ios::in | std::ios::out | std::ios::binary);
        file.seekp(8);
        file.put('\x07');  // the applied index, without fixing the record's checksum
    }
    EXPECT_FALSE(read_clean_marker(options_.path).has_value());
}

TEST_F(OnDiskTest, RestoreAndLoadWorkOnDisk) {
    env::ManualClock clock;
    auto source = open_memory_store(clock);
    Applier(*source).execute({sql("CREATE TABLE t (a)"), sql("INSERT INTO t VALUES(1), (2)")});
    auto image = source->serialize();
    ASSERT_TRUE(image.ok());

    auto store = open();
    write_rows(*store, 3);
    ASSERT_TRUE(store->restore(*image, raft::Index(40)).ok());
    EXPECT_EQ(count(*store), count_is(2));
    EXPECT_EQ(*store->content_hash(), *source->content_hash());
    auto pragmas = store->pragmas();
    ASSERT_TRUE(pragmas.ok());
    EXPECT_EQ(pragmas->read_write.at("journal_mode"), "wal");
    EXPECT_EQ(pragmas->read_write.at("wal_autocheckpoint"), "0");
    auto back = store->serialize();
    ASSERT_TRUE(back.ok());
    EXPECT_EQ((*back)[18], 1);
    EXPECT_EQ((*back)[19], 1);
    // The snapshot path's image, in SQLite's buffer: the same bytes, header rewritten in place.
    auto in_place = store->serialize_image();
    ASSERT_TRUE(in_place.ok());
    EXPECT_EQ(in_place->bytes(), *back);
}

TEST_F(OnDiskTest, PathsNeedingUriEscapesWork) {
    options_.path = (directory_ / "odd ?#% name.sqlite").string();
    auto store = open();
    ASSERT_NE(store, nullptr);
    write_rows(*store, 1);
    EXPECT_TRUE(std::filesystem::exists(options_.path));
}

}  // namespace
}  // namespace rq::store::testing
