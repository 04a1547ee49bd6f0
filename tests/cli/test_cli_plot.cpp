// `ridgelens plot` and `--plot DIR` as a user runs them, and the HTML page
// as a person sees it: rendered by headless Chromium to a PNG that must not
// be blank, with the page's own count of the pictures that loaded.

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "cli_runner.hpp"

namespace {

using ridgelens::testing::CliRun;
using ridgelens::testing::read_text;
using ridgelens::testing::run_cli;
using ridgelens::testing::ScratchDirectory;

/// A 40×40 SPD tridiagonal matrix (2 + j/10 on the diagonal, −1 off it).
void write_matrix(const std::filesystem::path& path) {
    std::ofstream out(path);
    const int n = 40;
    out << "%%MatrixMarket matrix coordinate real symmetric\n"
        << n << " " << n << " " << (2 * n - 1) << "\n";
    for (int i = 1; i <= n; ++i) {
        out << i << " " << i << " " << 2.5 + i / 10.0 << "\n";
        if (i < n) out << i + 1 << " " << i << " -1\n";
    }
}

std::vector<std::string> svg_names(const std::filesystem::path& dir) {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir))
        if (entry.path().extension() == ".svg") names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

TEST(CliPlot, PlotCommandAndPlotOptionWriteTheSamePictures) {
    const ScratchDirectory dir;
    write_matrix(dir / "h.mtx");
    const CliRun analyze = run_cli(
        "analyze --hessian h.mtx --lambda 0.5 --lambda 5 --k 6 --out r.json --plot direct -q", dir);
    ASSERT_EQ(analyze.exit_code, 0) << analyze.err;
    EXPECT_NE(analyze.out.find("plots: direct/index.html"), std::string::npos) << analyze.out;
    const CliRun plot = run_cli("plot r.json --out later --pair 2,3", dir);
    ASSERT_EQ(plot.exit_code, 0) << plot.err;
    EXPECT_NE(plot.out.find("later/index.html"), std::string::npos) << plot.out;
    const std::vector<std::string> expected = {"components.svg", "decay.svg", "geometry.svg"};
    EXPECT_EQ(svg_names(dir / "direct"), expected);
    EXPECT_EQ(svg_names(dir / "later"), expected);
    EXPECT_EQ(read_text(dir / "direct" / "decay.svg"), read_text(dir / "later" / "decay.svg"))
        << "--plot and `plot` draw the same report";
    EXPECT_NE(read_text(dir / "later" / "geometry.svg").find("(q2, q3)"), std::string::npos);
    EXPECT_TRUE(std::filesystem::exists(dir / "later" / "index.html"));
    // Default output directory: next to the report.
    ASSERT_EQ(run_cli("plot r.json", dir).exit_code, 0);
    EXPECT_TRUE(std::filesystem::exists(dir / "r-plots" / "index.html"));
}

TEST(CliPlot, PathReportGetsSevenPictures) {
    const ScratchDirectory dir;
    write_matrix(dir / "h.mtx");
    const CliRun run = run_cli("path --hessian h.mtx --lambdas 1e-2:1e2:9 --k 4 --plot p -q", dir);
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_EQ(svg_names(dir / "p").size(), 7u);
}

TEST(CliPlot, BadInputsAreReported) {
    const ScratchDirectory dir;
    EXPECT_EQ(run_cli("plot missing.json", dir).exit_code, 2);
    std::ofstream(dir / "not.json") << "{ nope";
    const CliRun broken = run_cli("plot not.json", dir);
    EXPECT_EQ(broken.exit_code, 2);
    EXPECT_NE(broken.err.find("not.json"), std::string::npos) << broken.err;
    std::ofstream(dir / "other.json") << "{\"hello\": 1}";
    EXPECT_EQ(run_cli("plot other.json", dir).exit_code, 2);
    EXPECT_EQ(run_cli("plot", dir).exit_code, 1);
    write_matrix(dir / "h.mtx");
    ASSERT_EQ(run_cli("analyze --hessian h.mtx --lambda 1 --k 3 --out r.json -q", dir).exit_code,
              0);
    EXPECT_EQ(run_cli("plot r.json --pair 1,9", dir).exit_code, 1);
    EXPECT_EQ(run_cli("plot r.json --pair x", dir).exit_code, 1);
}

// ------------------------------------------------------------------ Chromium

std::string chromium_binary() {
    for (const char* candidate : {"/usr/bin/chromium", "/usr/bin/chromium-browser"})
        if (std::filesystem::exists(candidate)) return candidate;
    return {};
}

/// Runs headless Chromium on `page` with a fresh profile; killed after 60 s.
int run_chromium(const std::string& binary, const ScratchDirectory& dir, const std::string& mode,
                 const std::filesystem::path& page, const std::filesystem::path& output) {
    static int profile = 0;
    const auto user_data = dir / ("chromium-profile-" + std::to_string(++profile));
    const std::string command =
        "timeout -k 5 60 '" + binary +
        "' --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking "
        "--disable-component-update --disable-sync --user-data-dir='" +
        user_data.string() + "' " + mode + " 'file://" + page.string() + "' >'" + output.string() +
        ".out' 2>'" + output.string() + ".err'";
    const int status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/// The load-status paragraph of the page after its scripts ran.
std::string rendered_status(const std::string& binary, const ScratchDirectory& dir,
                            const std::filesystem::path& page) {
    const auto dump = dir / "dom";
    EXPECT_EQ(run_chromium(binary, dir, "--virtual-time-budget=10000 --dump-dom", page, dump), 0)
        << read_text(dump.string() + ".err");
    const std::string dom = read_text(dump.string() + ".out");
    std::smatch match;
    if (std::regex_search(dom, match, std::regex("<p id=\"load-status\"[^>]*>[^<]*")))
        return match.str();
    return "(no #load-status in the rendered DOM: " + dom.substr(0, 200) + ")";
}

struct Image {
    std::uint32_t width = 0, height = 0;
    std::vector<std::uint8_t> rgb;  // 3 bytes per pixel
};

std::uint32_t big_endian(const std::string& s, std::size_t at) {
    return (std::uint32_t(std::uint8_t(s[at])) << 24) |
           (std::uint32_t(std::uint8_t(s[at + 1])) << 16) |
           (std::uint32_t(std::uint8_t(s[at + 2])) << 8) | std::uint32_t(std::uint8_t(s[at + 3]));
}

/// Decodes an 8-bit RGB or RGBA, non-interlaced PNG; empty image on failure.
Image decode_png(const std::string& file) {
    Image image;
    if (file.size() < 8 || file.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0) return image;
    std::string idat;
    int colour_type = -1, depth = 0, interlace = 0;
    for (std::size_t at = 8; at + 8 <= file.size();) {
        const std::uint32_t length = big_endian(file, at);
        const std::string type = file.substr(at + 4, 4);
        if (at + 12 + length > file.size()) return image;
        const std::string data = file.substr(at + 8, length);
        if (type == "IHDR") {
            image.width = big_endian(data, 0);
            image.height = big_endian(data, 4);
            depth = std::uint8_t(data[8]);
            colour_type = std::uint8_t(data[9]);
            interlace = std::uint8_t(data[12]);
        } else if (type == "IDAT") {
            idat += data;
        } else if (type == "IEND") {
            break;
        }
        at += 12 + length;
    }
    if (depth != 8 || (colour_type != 2 && colour_type != 6) || interlace != 0) return {};
    const std::size_t channels = colour_type == 6 ? 4 : 3;
    const std::size_t stride = image.width * channels;
    std::vector<std::uint8_t> raw(image.height * (stride + 1));
    uLongf raw_size = raw.size();
    if (uncompress(raw.data(), &raw_size, reinterpret_cast<const Bytef*>(idat.data()),
                   idat.size()) != Z_OK ||
        raw_size != raw.size())
        return {};
    std::vector<std::uint8_t> previous(stride, 0), row(stride);
    image.rgb.reserve(std::size_t(image.width) * image.height * 3);
    for (std::uint32_t y = 0; y < image.height; ++y) {
        const std::uint8_t filter = raw[y * (stride + 1)];
        const std::uint8_t* in = &raw[y * (stride + 1) + 1];
        for (std::size_t i = 0; i < stride; ++i) {
            const int a = i >= channels ? row[i - channels] : 0;
            const int b = previous[i];
            const int c = i >= channels ? previous[i - channels] : 0;
            int predictor = 0;
            switch (filter) {
                case 0:
                    predictor = 0;
                    break;
                case 1:
                    predictor = a;
                    break;
                case 2:
                    predictor = b;
                    break;
                case 3:
                    predictor = (a + b) / 2;
                    break;
                case 4: {
                    const int p = a + b - c;
                    const int pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
                    predictor = (pa <= pb && pa <= pc) ? a : (pb <= pc ? b : c);
                    break;
                }
                default:
                    return {};
            }
            row[i] = std::uint8_t(in[i] + predictor);
        }
        for (std::uint32_t x = 0; x < image.width; ++x)
            for (std::size_t k = 0; k < 3; ++k) image.rgb.push_back(row[x * channels + k]);
        previous = row;
    }
    return image;
}

TEST(CliPlotChromium, PageRendersEveryPictureAndIsNotBlank) {
    const std::string chromium = chromium_binary();
    if (chromium.empty())
        GTEST_SKIP() << "Debian's chromium is not installed (apt-get install chromium); the "
                        "rendering test needs it";
    const ScratchDirectory dir;
    write_matrix(dir / "h.mtx");
    ASSERT_EQ(run_cli("path --hessian h.mtx --lambdas 1e-2:1e2:9 --k 4 --plot p -q", dir).exit_code,
              0);
    const auto page = dir / "p" / "index.html";

    const std::string status = rendered_status(chromium, dir, page);
    EXPECT_NE(status.find("data-state=\"complete\""), std::string::npos) << status;
    EXPECT_NE(status.find("data-loaded=\"7\""), std::string::npos) << status;
    EXPECT_NE(status.find("data-failed=\"0\""), std::string::npos) << status;

    const auto png = dir / "page.png";
    EXPECT_EQ(
        run_chromium(chromium, dir, "--screenshot='" + png.string() + "' --window-size=1200,3000",
                     page, dir / "shot"),
        0)
        << read_text((dir / "shot").string() + ".err");
    const Image image = decode_png(read_text(png));
    ASSERT_EQ(image.width, 1200u) << "screenshot missing or not a PNG Chromium writes";
    ASSERT_EQ(image.height, 3000u);
    std::size_t ink = 0, coloured = 0, rows_with_ink = 0;
    for (std::uint32_t y = 0; y < image.height; ++y) {
        bool row_ink = false;
        for (std::uint32_t x = 0; x < image.width; ++x) {
            const std::uint8_t* p = &image.rgb[(std::size_t(y) * image.width + x) * 3];
            if (p[0] < 200 || p[1] < 200 || p[2] < 200) ++ink, row_ink = true;
            if (std::abs(p[0] - p[2]) > 60) ++coloured;
        }
        rows_with_ink += row_ink;
    }
    const double fraction = double(ink) / (double(image.width) * image.height);
    EXPECT_GT(fraction, 0.01) << "the page is (nearly) blank: " << ink << " dark pixels";
    EXPECT_GT(rows_with_ink, 1500u) << "pictures should fill most of the 3000 px";
    EXPECT_GT(coloured, 2000u) << "the coloured curves are missing";
}

TEST(CliPlotChromium, ABrokenPictureIsCountedAsFailed) {
    const std::string chromium = chromium_binary();
    if (chromium.empty())
        GTEST_SKIP() << "Debian's chromium is not installed (apt-get install chromium)";
    const ScratchDirectory dir;
    write_matrix(dir / "h.mtx");
    ASSERT_EQ(run_cli("analyze --hessian h.mtx --lambda 1 --k 3 --plot p -q", dir).exit_code, 0);
    // Replace the first picture with base64 of "<svg" — not an image.
    std::string html = read_text(dir / "p" / "index.html");
    const std::string marker = "base64,";
    const std::size_t begin = html.find(marker) + marker.size();
    html.replace(begin, html.find('"', begin) - begin, "PHN2Zw==");
    std::ofstream(dir / "p" / "broken.html") << html;
    const std::string status = rendered_status(chromium, dir, dir / "p" / "broken.html");
    EXPECT_NE(status.find("data-loaded=\"2\""), std::string::npos) << status;
    EXPECT_NE(status.find("data-failed=\"1\""), std::string::npos) << status;
}

}  // namespace
