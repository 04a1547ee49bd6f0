#pragma once
/// @file fashion_mnist.hpp
/// Loading Fashion-MNIST (Debian package `dataset-fashion-mnist`).
///
/// Thread safety: readers of their own files; reentrant.

#include <string>

#include "ridgelens/export.hpp"
#include "ridgelens/types.hpp"

namespace ridgelens {

/// Images as rows of pixel intensities in [0, 1], with their class labels.
struct ImageDataset {
    DenseMatrix pixels;      ///< samples × (rows·cols), pixel/255
    Eigen::VectorXi labels;  ///< class of each sample
    Index image_rows = 0;
    Index image_cols = 0;
    std::string source;  ///< the files read
};

/// Where Debian installs the data set.
RIDGELENS_API std::string default_fashion_mnist_directory();

/// Reads `<directory>/<split>-images-idx3-ubyte.gz` (or the uncompressed
/// `<split>-images-idx3-ubyte` when only that is there) and the matching labels
/// (`split` is "train" or "t10k").
/// @throws InputError if a file is missing or malformed, or counts disagree.
RIDGELENS_API ImageDataset
load_fashion_mnist(const std::string& directory = default_fashion_mnist_directory(),
                   const std::string& split = "train");

}  // namespace ridgelens
