#include "ridgelens/model/fashion_mnist.hpp"

#include <filesystem>
#include <system_error>

#include "ridgelens/error.hpp"
#include "ridgelens/io/idx.hpp"

namespace ridgelens {

std::string default_fashion_mnist_directory() {
    return "/usr/share/datasets/fashion-mnist";
}

namespace {

/// DIR/NAME.gz, or DIR/NAME when only the uncompressed file is there.
std::string idx_file(const std::string& directory, const std::string& name) {
    const std::string compressed = directory + "/" + name + ".gz";
    const std::string plain = directory + "/" + name;
    std::error_code ec;
    if (std::filesystem::exists(compressed, ec)) return compressed;
    if (std::filesystem::exists(plain, ec)) return plain;
    throw InputError(directory + ": neither " + name + ".gz nor " + name +
                     " (uncompressed) is there");
}

}  // namespace

ImageDataset load_fashion_mnist(const std::string& directory, const std::string& split) {
    if (split != "train" && split != "t10k")
        throw UsageError("Fashion-MNIST split must be 'train' or 't10k', not '" + split + "'");
    const std::string images_path = idx_file(directory, split + "-images-idx3-ubyte");
    const std::string labels_path = idx_file(directory, split + "-labels-idx1-ubyte");
    const IdxArray images = read_idx(images_path);
    const IdxArray labels = read_idx(labels_path);
    if (images.dimensions.size() != 3)
        throw InputError(images_path + ": expected a 3-dimensional image array");
    if (labels.dimensions.size() != 1)
        throw InputError(labels_path + ": expected a 1-dimensional label array");
    if (images.dimensions[0] != labels.dimensions[0])
        throw InputError(images_path + ": " + std::to_string(images.dimensions[0]) +
                         " images but " + labels_path + " has " +
                         std::to_string(labels.dimensions[0]) + " labels");

    ImageDataset data;
    const Index samples = images.dimensions[0];
    data.image_rows = images.dimensions[1];
    data.image_cols = images.dimensions[2];
    const Index pixels = data.image_rows * data.image_cols;
    data.pixels.resize(samples, pixels);
    for (Index i = 0; i < samples; ++i)
        for (Index j = 0; j < pixels; ++j)
            data.pixels(i, j) = images.values[static_cast<std::size_t>(i * pixels + j)] / 255.0;
    data.labels.resize(samples);
    for (Index i = 0; i < samples; ++i) data.labels[i] = labels.values[static_cast<std::size_t>(i)];
    data.source = images_path + ", " + labels_path;
    return data;
}

}  // namespace ridgelens
