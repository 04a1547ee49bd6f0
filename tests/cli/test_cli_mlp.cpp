// `fit --model mlp`: training, the report, and the --theta / --theta-out round trip.

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

namespace ridgelens::testing {
namespace {

using nlohmann::json;

void write_three_classes(const std::filesystem::path& path) {
    std::ofstream out(path);
    for (int i = 0; i < 45; ++i)
        out << i % 3 << " 1:" << (i % 5) * 0.5 - 1 << " 2:" << (i * 37 % 11) * 0.2 - 1
            << " 3:" << ((i % 3) - 1) * 0.7 + (i % 4) * 0.1 << "\n";
}

TEST(CliMlp, ThetaRoundTripAnalyzesTheSamePoint) {
    ScratchDirectory dir;
    write_three_classes(dir / "three.libsvm");
    const std::string common =
        "fit --data three.libsvm --model mlp --hidden 3 --activation tanh --base-lambda 1e-2 "
        "--lambda 0.1 --lambda 1 --k 3 --no-approximation --seed 4 -q";
    const auto trained = run_cli(common + " --theta-out t1.mtx --out r1.json", dir);
    ASSERT_EQ(trained.exit_code, 0) << trained.err << trained.out;
    const auto given = run_cli(common + " --theta t1.mtx --theta-out t2.mtx --out r2.json", dir);
    ASSERT_EQ(given.exit_code, 0) << given.err << given.out;
    EXPECT_EQ(read_text(dir / "t1.mtx"), read_text(dir / "t2.mtx"));
    const json r1 = json::parse(read_text(dir / "r1.json"));
    const json r2 = json::parse(read_text(dir / "r2.json"));
    EXPECT_EQ(r1["model"]["name"], "mlp");
    EXPECT_EQ(r1["model"]["parameters"], 3 * 4 + 3 * 4);
    EXPECT_TRUE(r1["model"]["fit_converged"].get<bool>()) << r1["model"]["fit_message"];
    EXPECT_NE(r2["model"]["fit_message"].get<std::string>().find("not trained"), std::string::npos);
    EXPECT_EQ(r1["model"]["objective"], r2["model"]["objective"]);
    EXPECT_EQ(r1["model"]["gradient_norm"], r2["model"]["gradient_norm"]);
    EXPECT_EQ(r1["eigen"]["values"], r2["eigen"]["values"]);
}

TEST(CliMlp, WrongThetaLengthAndLinearModelOptionsAreRefused) {
    ScratchDirectory dir;
    write_three_classes(dir / "three.libsvm");
    { std::ofstream(dir / "short.txt") << "1\n2\n3\n"; }
    const auto wrong = run_cli(
        "fit --data three.libsvm --model mlp --hidden 3 --lambda 1 --theta short.txt -q", dir);
    EXPECT_EQ(wrong.exit_code, 2) << wrong.err;
    EXPECT_NE(wrong.err.find("24 parameters"), std::string::npos) << wrong.err;
    const auto linear =
        run_cli("fit --data three.libsvm --model softmax --lambda 1 --theta short.txt -q", dir);
    EXPECT_EQ(linear.exit_code, 1) << linear.err;
    EXPECT_NE(linear.err.find("--model mlp"), std::string::npos) << linear.err;
}

}  // namespace
}  // namespace ridgelens::testing
