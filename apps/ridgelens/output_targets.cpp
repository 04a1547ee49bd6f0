// The checks of output targets before any work.

#include "output_targets.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <optional>

#include "ridgelens/error.hpp"
#include "ridgelens/io/atomic_file.hpp"

namespace ridgelens::cli {
namespace {

namespace fs = std::filesystem;

/// What a path denotes, for comparing: the file (device, inode) if it exists,
/// else its absolute path with symbolic links and `..` resolved.
struct Identity {
    NamedPath named;
    std::optional<std::pair<dev_t, ino_t>> file;
    bool device = false;
    bool directory = false;
    fs::path resolved;
};

Identity identify(const NamedPath& named) {
    Identity identity{named, std::nullopt, false, false, {}};
    std::error_code error;
    identity.resolved = fs::weakly_canonical(fs::absolute(named.path, error), error);
    if (error) identity.resolved = fs::absolute(named.path).lexically_normal();
    struct stat info {};
    if (::stat(named.path.c_str(), &info) == 0) {
        identity.file = std::make_pair(info.st_dev, info.st_ino);
        // Streams: devices, FIFOs, and /dev/stdout & co. naming a redirected file
        // (written through, appended to); they may be named more than once.
        identity.device = S_ISCHR(info.st_mode) || S_ISFIFO(info.st_mode) ||
                          named.path.rfind("/dev/", 0) == 0 || named.path.rfind("/proc/", 0) == 0;
        identity.directory = S_ISDIR(info.st_mode);
    }
    return identity;
}

bool same(const Identity& a, const Identity& b) {
    if (a.file && b.file) return *a.file == *b.file;
    return a.resolved == b.resolved;
}

bool inside(const Identity& item, const Identity& directory) {
    const fs::path relative = item.resolved.lexically_relative(directory.resolved);
    return !relative.empty() && *relative.begin() != ".." && relative != ".";
}

std::string quoted(const NamedPath& named) {
    return named.option + " '" + named.path + "'";
}

/// The inputs, a directory input expanded by the files directly inside it.
std::vector<Identity> identify_inputs(const std::vector<NamedPath>& inputs) {
    std::vector<Identity> identities;
    for (const NamedPath& input : inputs) {
        if (input.path.empty()) continue;
        identities.push_back(identify(input));
        if (!identities.back().directory) continue;
        std::error_code error;
        for (const auto& entry : fs::directory_iterator(input.path, error)) {
            if (entry.is_regular_file(error))
                identities.push_back(identify({input.option, entry.path().string()}));
        }
    }
    return identities;
}

void check_picture_directory_contents(const NamedPath& directory) {
    std::error_code error;
    if (!fs::is_directory(directory.path, error)) return;
    for (const auto& entry : fs::directory_iterator(directory.path, error)) {
        const std::string name = entry.path().filename().string();
        const bool picture = entry.is_regular_file(error) &&
                             (name == "index.html" || entry.path().extension() == ".svg");
        if (!picture)
            throw InputError(quoted(directory) + ": the directory holds '" + name +
                             "', which is not one of ridgelens' pictures; the picture directory "
                             "is replaced as a whole: give a new, empty or picture directory");
    }
}

}  // namespace

void check_output_targets(const std::vector<NamedPath>& inputs,
                          const std::vector<NamedPath>& file_outputs,
                          const NamedPath& picture_directory) {
    const std::vector<Identity> input_ids = identify_inputs(inputs);
    std::vector<Identity> output_ids;
    for (const NamedPath& output : file_outputs)
        if (!output.path.empty()) output_ids.push_back(identify(output));
    std::optional<Identity> pictures;
    if (!picture_directory.path.empty()) pictures = identify(picture_directory);

    for (std::size_t i = 0; i < output_ids.size(); ++i) {
        const Identity& output = output_ids[i];
        for (const Identity& input : input_ids)
            if (!output.device && same(output, input))
                throw UsageError(quoted(output.named) + " is the input " + quoted(input.named) +
                                 ": an output never replaces an input");
        for (std::size_t j = 0; j < i; ++j)
            if (!output.device && same(output, output_ids[j]))
                throw UsageError(quoted(output_ids[j].named) + " and " + quoted(output.named) +
                                 " are the same file: each output needs its own");
        if (pictures && (same(output, *pictures) || inside(output, *pictures)))
            throw UsageError(quoted(output.named) + " is inside the picture directory " +
                             quoted(pictures->named) + ", which is replaced as a whole");
    }
    if (pictures)
        for (const Identity& input : input_ids)
            if (same(input, *pictures) || inside(input, *pictures))
                throw UsageError("the picture directory " + quoted(pictures->named) +
                                 " holds the input " + quoted(input.named) +
                                 "; it is replaced as a whole: give another directory");

    for (const NamedPath& output : file_outputs) {
        try {
            check_output_path(output.path);
        } catch (const InputError& error) {
            throw InputError(output.option + ": " + error.what());
        }
    }
    if (pictures) {
        try {
            check_output_directory(picture_directory.path);
        } catch (const InputError& error) {
            throw InputError(picture_directory.option + ": " + error.what());
        }
        check_picture_directory_contents(picture_directory);
    }
}

}  // namespace ridgelens::cli
