#pragma once
// The checks every command runs on its output targets before any work
// (README "Exit codes and errors", output rules); shared by ridgelens and
// ridgelens-mpi.

#include <string>
#include <vector>

namespace ridgelens::cli {

/// A path given on the command line and the option that gave it.
struct NamedPath {
    std::string option;  ///< e.g. "--out"
    std::string path;    ///< empty: not given
};

/// Refuses, before any work:
/// - an output that is one of the inputs or another output: the same file
///   (device and inode) or, for paths that do not exist yet, the same path
///   once symbolic links and `..` are resolved; also a file output or input
///   inside the picture directory (which is replaced as a whole). A directory
///   input (an IDX data set) counts with the files directly inside it.
///   Streams (character devices, FIFOs, paths under /dev and /proc such as
///   /dev/stdout) may be named more than once.
///   @throws UsageError naming both options and paths.
/// - a file output that cannot be written (check_output_path) or a picture
///   directory that cannot be created (check_output_directory), or one that
///   exists and holds anything but index.html and *.svg files (a previous set
///   of pictures). @throws InputError naming the path and the reason.
void check_output_targets(const std::vector<NamedPath>& inputs,
                          const std::vector<NamedPath>& file_outputs,
                          const NamedPath& picture_directory = {});

}  // namespace ridgelens::cli
