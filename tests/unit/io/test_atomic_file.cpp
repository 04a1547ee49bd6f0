// write_file_atomically: complete file or nothing, no temporary files left behind.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "ridgelens/error.hpp"
#include "ridgelens/io/atomic_file.hpp"

namespace ridgelens {
namespace {

using ::testing::HasSubstr;

class AtomicFileTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "ridgelens-atomic-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        directory_ = pattern;
    }
    void TearDown() override { std::filesystem::remove_all(directory_); }

    std::string path(const std::string& name) const { return (directory_ / name).string(); }

    /// Names of the files in the test directory, sorted.
    std::vector<std::string> listing() const {
        std::vector<std::string> names;
        for (const auto& entry : std::filesystem::directory_iterator(directory_)) {
            names.push_back(entry.path().filename().string());
        }
        std::sort(names.begin(), names.end());
        return names;
    }

    static std::string contents(const std::string& file) {
        std::ifstream in(file, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    }

    std::filesystem::path directory_;
};

TEST_F(AtomicFileTest, SuccessLeavesOnlyTheFileWithItsContent) {
    const std::string file = path("out.json");
    write_file_atomically(file, [](std::ostream& out) { out << "{\"a\": 1}\n" << 42; });
    EXPECT_EQ(contents(file), "{\"a\": 1}\n42");
    EXPECT_EQ(listing(), std::vector<std::string>{"out.json"});
}

TEST_F(AtomicFileTest, TemporaryFileIsHiddenBesideTargetWhileWriting) {
    const std::string file = path("result.txt");
    std::vector<std::string> during;
    write_file_atomically(file, [&](std::ostream& out) {
        during = listing();
        out << "x";
    });
    ASSERT_EQ(during.size(), 1u);
    EXPECT_THAT(during[0], ::testing::StartsWith(".result.txt.tmp."));
    EXPECT_EQ(listing(), std::vector<std::string>{"result.txt"});
}

TEST_F(AtomicFileTest, ReplacesExistingFile) {
    const std::string file = path("out.txt");
    std::ofstream(file) << "old content that is longer";
    write_file_atomically(file, [](std::ostream& out) { out << "new"; });
    EXPECT_EQ(contents(file), "new");
    EXPECT_EQ(listing(), std::vector<std::string>{"out.txt"});
}

TEST_F(AtomicFileTest, ThrowingWriterLeavesNoTargetAndNoTemporary) {
    const std::string file = path("out.txt");
    EXPECT_THROW(write_file_atomically(file,
                                       [](std::ostream& out) {
                                           out << "partial";
                                           throw std::runtime_error("writer failed");
                                       }),
                 Error);
    EXPECT_TRUE(listing().empty());
}

TEST_F(AtomicFileTest, ThrowingWriterKeepsExistingTargetUnchanged) {
    const std::string file = path("out.txt");
    std::ofstream(file) << "previous";
    EXPECT_THROW(write_file_atomically(file,
                                       [](std::ostream& out) {
                                           out << "partial";
                                           throw std::runtime_error("boom");
                                       }),
                 Error);
    EXPECT_EQ(contents(file), "previous");
    EXPECT_EQ(listing(), std::vector<std::string>{"out.txt"});
}

TEST_F(AtomicFileTest, WrappedWriterExceptionNamesPathAndNestsOriginal) {
    const std::string file = path("out.txt");
    try {
        write_file_atomically(file, [](std::ostream&) { throw std::runtime_error("no data"); });
        FAIL() << "expected Error";
    } catch (const Error& e) {
        EXPECT_THAT(e.what(), HasSubstr(file));
        EXPECT_THAT(e.what(), HasSubstr("no data"));
        EXPECT_THROW(std::rethrow_if_nested(e), std::runtime_error);
    }
}

TEST_F(AtomicFileTest, RidgelensErrorFromWriterPropagatesUnchanged) {
    EXPECT_THROW(write_file_atomically(path("out.txt"),
                                       [](std::ostream&) { throw UsageError("bad argument"); }),
                 UsageError);
    EXPECT_TRUE(listing().empty());
}

TEST_F(AtomicFileTest, FailedStreamIsAnError) {
    const std::string file = path("out.txt");
    EXPECT_THROW(write_file_atomically(file,
                                       [](std::ostream& out) {
                                           out << "data";
                                           out.setstate(std::ios::badbit);
                                       }),
                 Error);
    EXPECT_TRUE(listing().empty());
}

TEST_F(AtomicFileTest, UnwritablePathThrowsErrorNamingIt) {
    const std::string file = "/nonexistent-ridgelens-dir/x";
    try {
        write_file_atomically(file, [](std::ostream& out) { out << "x"; });
        FAIL() << "expected Error";
    } catch (const Error& e) {
        EXPECT_THAT(e.what(), HasSubstr(file));
        EXPECT_THAT(e.what(), HasSubstr("No such file or directory"));
    }
    EXPECT_FALSE(std::filesystem::exists(file));
}

TEST_F(AtomicFileTest, DirectoryAsTargetThrowsError) {
    std::filesystem::create_directory(path("sub"));
    EXPECT_THROW(write_file_atomically(path("sub"), [](std::ostream& out) { out << "x"; }), Error);
    EXPECT_THROW(write_file_atomically(path("sub") + "/", [](std::ostream& out) { out << "x"; }),
                 Error);
    EXPECT_EQ(listing(), std::vector<std::string>{"sub"});
    EXPECT_TRUE(std::filesystem::is_empty(path("sub")));
}

TEST_F(AtomicFileTest, RemovePendingTemporaryFilesUnlinksWriteInProgress) {
    const std::string file = path("out.txt");
    std::vector<std::string> before;
    std::vector<std::string> after;
    EXPECT_THROW(write_file_atomically(file,
                                       [&](std::ostream& out) {
                                           out << "x";
                                           before = listing();
                                           remove_pending_temporary_files();
                                           after = listing();
                                       }),
                 Error);  // the rename then finds no temporary file
    EXPECT_EQ(before.size(), 1u);
    EXPECT_TRUE(after.empty());
    EXPECT_TRUE(listing().empty());
}

TEST_F(AtomicFileTest, ConcurrentWritesToDistinctFiles) {
    constexpr int thread_count = 8;
    constexpr int writes_per_thread = 20;
    std::vector<std::thread> threads;
    for (int t = 0; t < thread_count; ++t) {
        threads.emplace_back([this, t] {
            for (int w = 0; w < writes_per_thread; ++w) {
                write_file_atomically(path("f" + std::to_string(t)),
                                      [&](std::ostream& out) { out << t << ':' << w; });
            }
        });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(listing().size(), static_cast<std::size_t>(thread_count));
    for (int t = 0; t < thread_count; ++t) {
        EXPECT_EQ(contents(path("f" + std::to_string(t))),
                  std::to_string(t) + ":" + std::to_string(writes_per_thread - 1));
    }
}

TEST_F(AtomicFileTest, BatchDestroyedBeforeCommitLeavesNothing) {
    {
        OutputBatch batch;
        batch.add_file(path("a.json"), [](std::ostream& out) { out << "a"; });
        const std::string staged = batch.add_directory(path("pics/new"));
        write_file_atomically(staged + "/index.html", [](std::ostream& out) { out << "<html>"; });
        EXPECT_EQ(listing().size(),
                  2u);  // a.json's temporary, pics (created, holding the staged one)
    }
    EXPECT_TRUE(listing().empty()) << listing().front();
}

TEST_F(AtomicFileTest, BatchCommitsFilesAndReplacesADirectoryAsAWhole) {
    std::filesystem::create_directory(path("pics"));
    std::ofstream(path("pics/old.svg")) << "old";
    OutputBatch batch;
    batch.add_file(path("a.json"), [](std::ostream& out) { out << "a"; });
    const std::string staged = batch.add_directory(path("pics"));
    write_file_atomically(staged + "/new.svg", [](std::ostream& out) { out << "new"; });
    batch.commit();
    EXPECT_EQ(listing(), (std::vector<std::string>{"a.json", "pics"}));
    EXPECT_FALSE(std::filesystem::exists(path("pics/old.svg")));
    EXPECT_EQ(contents(path("pics/new.svg")), "new");
}

TEST_F(AtomicFileTest, ModeKeptAndSymbolicLinkWrittenThrough) {
    std::ofstream(path("target")) << "old";
    ::chmod(path("target").c_str(), 0600);
    std::filesystem::create_symlink("target", path("link"));
    write_file_atomically(path("link"), [](std::ostream& out) { out << "new"; });
    EXPECT_TRUE(std::filesystem::is_symlink(path("link")));
    EXPECT_EQ(contents(path("target")), "new");
    EXPECT_EQ(std::filesystem::status(path("target")).permissions() & std::filesystem::perms::all,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    EXPECT_EQ(listing(), (std::vector<std::string>{"link", "target"}));
}

TEST_F(AtomicFileTest, CharacterDeviceIsWrittenThroughNotReplaced) {
    write_file_atomically("/dev/null", [](std::ostream& out) { out << "discarded"; });
    EXPECT_TRUE(std::filesystem::is_character_file("/dev/null"));
}

TEST_F(AtomicFileTest, RemovePendingTemporaryFilesEmptiesAStagedDirectory) {
    OutputBatch batch;
    const std::string staged = batch.add_directory(path("pics"));
    std::ofstream(staged + "/a.svg") << "a";
    std::ofstream(staged + "/b.svg") << "b";
    remove_pending_temporary_files();
    EXPECT_TRUE(listing().empty()) << listing().front();
}

}  // namespace
}  // namespace ridgelens

TEST(CheckOutputPath, RefusesMissingDirectoriesAndDirectoriesBeforeAnyWork) {
    const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                      ("ridgelens_check_output_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    EXPECT_NO_THROW(ridgelens::check_output_path(""));
    EXPECT_NO_THROW(ridgelens::check_output_path((dir / "report.json").string()));
    try {
        ridgelens::check_output_path((dir / "missing" / "report.json").string());
        ADD_FAILURE() << "a missing directory was accepted";
    } catch (const ridgelens::InputError& error) {
        EXPECT_NE(std::string(error.what()).find("does not exist"), std::string::npos);
    }
    EXPECT_THROW(ridgelens::check_output_path(dir.string()), ridgelens::InputError);
    EXPECT_TRUE(std::filesystem::is_empty(dir)) << "the check must not create anything";
    std::filesystem::remove_all(dir);
}
