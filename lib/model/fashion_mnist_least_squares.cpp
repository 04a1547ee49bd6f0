#include "ridgelens/model/fashion_mnist_least_squares.hpp"

#include <filesystem>

#include "ridgelens/error.hpp"

namespace ridgelens {

FashionMnistLeastSquares fashion_mnist_least_squares(int positive_class,
                                                     const std::string& directory) {
    if (positive_class < 0 || positive_class > 9)
        throw UsageError("Fashion-MNIST class must be in 0..9, not " +
                         std::to_string(positive_class));
    if (!std::filesystem::exists(directory))
        throw InputError("Fashion-MNIST not found at " + directory +
                         " (install the Debian package dataset-fashion-mnist)");
    const ImageDataset data = load_fashion_mnist(directory, "train");
    Vector targets(data.labels.size());
    for (Index i = 0; i < targets.size(); ++i)
        targets[i] = data.labels[i] == positive_class ? 1.0 : -1.0;

    FashionMnistLeastSquares problem;
    problem.positive_class = positive_class;
    problem.fit = fit_dense_least_squares(with_intercept_column(data.pixels), targets);
    problem.hessian = dense_symmetric_to_sparse(problem.fit.hessian);
    problem.description = "least squares on Fashion-MNIST train (" +
                          std::to_string(problem.fit.samples) +
                          " images, pixels/255 + intercept; "
                          "y = +1 for class " +
                          std::to_string(positive_class) + ", -1 otherwise): H = XᵀX/n";
    return problem;
}

}  // namespace ridgelens
