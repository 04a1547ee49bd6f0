// MlpModel: construction, parameter layout, the forward/backward pass and
// the gradient. Curvature products are in mlp_curvature.cpp.

#include <omp.h>

#include <cmath>
#include <limits>
#include <sstream>

#include "model/mlp_internal.hpp"
#include "model/parallel.hpp"
#include "parallel/first_exception.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/io/feature_scaling.hpp"
#include "ridgelens/random_vector.hpp"

namespace ridgelens {

using mlp_detail::RowMajorMap;
using mlp_detail::StridedMap;

Activation parse_activation(const std::string& text) {
    if (text == "tanh") return Activation::tanh;
    if (text == "relu") return Activation::relu;
    if (text == "softplus") return Activation::softplus;
    if (text == "gelu") return Activation::gelu;
    throw UsageError("unknown activation '" + text + "' (expected tanh, relu, softplus or gelu)");
}

const char* to_string(Activation activation) {
    switch (activation) {
        case Activation::tanh:
            return "tanh";
        case Activation::relu:
            return "relu";
        case Activation::softplus:
            return "softplus";
        case Activation::gelu:
            return "gelu";
    }
    return "?";
}

MlpLoss parse_mlp_loss(const std::string& text) {
    if (text == "cross-entropy" || text == "softmax") return MlpLoss::cross_entropy;
    if (text == "squared") return MlpLoss::squared;
    throw UsageError("unknown network loss '" + text + "' (expected cross-entropy or squared)");
}

std::vector<Index> parse_hidden_layers(const std::string& text) {
    std::vector<Index> widths;
    std::stringstream stream(text);
    std::string item;
    while (std::getline(stream, item, ',')) {
        std::size_t used = 0;
        long long width = 0;
        try {
            width = std::stoll(item, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used == 0 || used != item.size() || width < 1)
            throw UsageError(
                "hidden layer widths must be positive integers separated by commas, "
                "got '" +
                text + "'");
        widths.push_back(static_cast<Index>(width));
    }
    if (widths.empty() || (!text.empty() && text.back() == ','))
        throw UsageError(
            "hidden layer widths must be positive integers separated by commas, got '" + text +
            "'");
    return widths;
}

namespace mlp_detail {

void activate(Activation activation, const DenseMatrix& z, DenseMatrix& a, DenseMatrix& d1,
              DenseMatrix& d2) {
    a.resize(z.rows(), z.cols());
    d1.resize(z.rows(), z.cols());
    d2.resize(z.rows(), z.cols());
    const Index size = z.size();
    const double* x = z.data();
    double *pa = a.data(), *p1 = d1.data(), *p2 = d2.data();
    constexpr double inverse_sqrt_2pi = 0.3989422804014327;
    constexpr double inverse_sqrt_2 = 0.7071067811865476;
    for (Index i = 0; i < size; ++i) {
        const double t = x[i];
        switch (activation) {
            case Activation::tanh: {
                const double y = std::tanh(t);
                pa[i] = y;
                p1[i] = 1 - y * y;
                p2[i] = -2 * y * (1 - y * y);
                break;
            }
            case Activation::relu:
                pa[i] = t > 0 ? t : 0;
                p1[i] = t > 0 ? 1 : 0;
                p2[i] = 0;
                break;
            case Activation::softplus: {
                const double s = t >= 0 ? 1 / (1 + std::exp(-t)) : std::exp(t) / (1 + std::exp(t));
                pa[i] = std::max(t, 0.0) + std::log1p(std::exp(-std::abs(t)));
                p1[i] = s;
                p2[i] = s * (1 - s);
                break;
            }
            case Activation::gelu: {
                const double cdf = 0.5 * std::erfc(-t * inverse_sqrt_2);
                const double pdf = inverse_sqrt_2pi * std::exp(-0.5 * t * t);
                pa[i] = t * cdf;
                p1[i] = cdf + t * pdf;
                p2[i] = pdf * (2 - t * t);
                break;
            }
        }
    }
}

}  // namespace mlp_detail

MlpModel::MlpModel(FeatureMatrix features, const Vector& labels, MlpArchitecture architecture)
    : features_(std::move(features)), architecture_(std::move(architecture)) {
    const Index n = features_.rows();
    if (n < 1) throw UsageError("mlp model: no samples");
    if (labels.size() != n)
        throw UsageError("mlp model: " + std::to_string(labels.size()) + " labels for " +
                         std::to_string(n) + " samples");
    for (Index i = 0; i < n; ++i)
        if (!std::isfinite(labels[i])) {
            std::ostringstream message;
            message << "mlp model: label " << labels[i] << " in row " << i
                    << " is not a finite number";
            throw InputError(message.str());
        }
    Index outputs = 1;
    if (architecture_.loss == MlpLoss::cross_entropy) {
        classes_ = class_indices(labels, &class_labels_);
        if (class_labels_.size() < 2) {
            std::ostringstream message;
            message << "mlp model: cross-entropy needs at least two classes, but every label is "
                    << class_labels_[0];
            throw InputError(message.str());
        }
        outputs = static_cast<Index>(class_labels_.size());
    } else {
        targets_ = labels;
    }
    sizes_.push_back(features_.cols());
    for (Index width : architecture_.hidden) {
        if (width < 1) throw UsageError("mlp model: hidden layer widths must be >= 1");
        sizes_.push_back(width);
    }
    sizes_.push_back(outputs);
    offsets_.assign(sizes_.size(), 0);
    for (std::size_t l = 1; l < sizes_.size(); ++l) {
        offsets_[l] = parameters_;
        parameters_ += sizes_[l] * (sizes_[l - 1] + 1);
    }
    first_weights_ = sizes_[1] * sizes_[0];
}

std::string MlpModel::describe() const {
    std::ostringstream text;
    for (std::size_t l = 0; l < sizes_.size(); ++l) text << (l ? "-" : "") << sizes_[l];
    text << " " << (architecture_.hidden.empty() ? "linear" : to_string(architecture_.activation))
         << " network, "
         << (architecture_.loss == MlpLoss::cross_entropy ? "softmax cross-entropy"
                                                          : "squared error");
    return text.str();
}

Vector MlpModel::initial_parameters(std::uint64_t seed) const {
    Vector theta = seeded_normal_vector(parameters_, seed);
    const double gain = architecture_.activation == Activation::relu ? 2.0 : 1.0;
    for (std::size_t l = 1; l < sizes_.size(); ++l) {
        const Index weights = sizes_[l] * sizes_[l - 1];
        theta.segment(offsets_[l], weights) *= std::sqrt(gain / static_cast<double>(sizes_[l - 1]));
        theta.segment(offsets_[l] + weights, sizes_[l]).setZero();
    }
    return theta;
}

void MlpModel::check_length(Index length, const char* what) const {
    if (length != parameters_)
        throw UsageError(std::string("mlp model: ") + what + " has " + std::to_string(length) +
                         " entries, the network has " + std::to_string(parameters_) +
                         " parameters");
}

Index MlpModel::blocks() const {
    return (samples() + block_samples_ - 1) / block_samples_;
}

bool MlpModel::parallel() const {
    Index work = 0;
    for (std::size_t l = 1; l < sizes_.size(); ++l) work += sizes_[l] * sizes_[l - 1];
    return blocks() > 1 && work * samples() >= parallel_work_threshold && omp_get_max_threads() > 1;
}

void MlpModel::forward_backward(const double* theta, const double* z1, Index first, Index count,
                                BlockState& s) const {
    const std::size_t L = sizes_.size() - 1;
    s.first = first;
    s.z.resize(L + 1);
    s.a.resize(L);
    s.d1.resize(L);
    s.d2.resize(L);
    s.e.resize(L);
    s.delta.resize(L + 1);
    const Index s1 = sizes_[1];
    s.z[1] = StridedMap(z1, s1, count, Eigen::OuterStride<>(s1));
    s.z[1].colwise() += Eigen::Map<const Vector>(theta + offsets_[1] + first_weights_, s1);
    for (std::size_t l = 1; l < L; ++l) {
        mlp_detail::activate(architecture_.activation, s.z[l], s.a[l], s.d1[l], s.d2[l]);
        const RowMajorMap w(theta + offsets_[l + 1], sizes_[l + 1], sizes_[l]);
        s.z[l + 1].noalias() = w * s.a[l];
        s.z[l + 1].colwise() += Eigen::Map<const Vector>(
            theta + offsets_[l + 1] + sizes_[l + 1] * sizes_[l], sizes_[l + 1]);
    }
    // Output loss and ∂ℓ/∂f.
    const DenseMatrix& f = s.z[L];
    DenseMatrix& out = s.delta[L];
    out.resize(f.rows(), count);
    s.loss = 0;
    if (architecture_.loss == MlpLoss::cross_entropy) {
        s.p.resize(f.rows(), count);
        for (Index i = 0; i < count; ++i) {
            const double shift = f.col(i).maxCoeff();
            s.p.col(i) = (f.col(i).array() - shift).exp();
            const double sum = s.p.col(i).sum();
            s.p.col(i) /= sum;
            const int label = classes_[static_cast<std::size_t>(first + i)];
            s.loss += std::log(sum) + shift - f(label, i);
            out.col(i) = s.p.col(i);
            out(label, i) -= 1;
        }
    } else {
        for (Index i = 0; i < count; ++i) {
            const double r = f(0, i) - targets_[first + i];
            s.loss += 0.5 * r * r;
            out(0, i) = r;
        }
    }
    for (std::size_t l = L - 1; l >= 1; --l) {
        const RowMajorMap w(theta + offsets_[l + 1], sizes_[l + 1], sizes_[l]);
        s.e[l].noalias() = w.transpose() * s.delta[l + 1];
        s.delta[l] = s.d1[l].cwiseProduct(s.e[l]);
    }
}

void MlpModel::add_upper_gradient(const BlockState& s, double* out) const {
    const std::size_t L = sizes_.size() - 1;
    const auto upper = [&](Index offset) { return out + offset - first_weights_; };
    Eigen::Map<Vector>(upper(offsets_[1] + first_weights_), sizes_[1]) +=
        s.delta[1].rowwise().sum();
    for (std::size_t l = 2; l <= L; ++l) {
        mlp_detail::MutableRowMajorMap g(upper(offsets_[l]), sizes_[l], sizes_[l - 1]);
        g.noalias() += s.delta[l] * s.a[l - 1].transpose();
        Eigen::Map<Vector>(upper(offsets_[l]) + sizes_[l] * sizes_[l - 1], sizes_[l]) +=
            s.delta[l].rowwise().sum();
    }
}

double MlpModel::evaluate(const Vector& theta, Vector* gradient) const {
    check_length(theta.size(), "θ");
    DenseMatrix z1(sizes_[1], samples());
    features_.multiply(theta.data(), sizes_[1], z1.data());
    return evaluate_from(theta, z1, gradient);
}

double MlpModel::evaluate_at_curvature_point(const Vector& theta, Vector* gradient) {
    set_curvature_point(theta);
    return evaluate_from(theta, point_z1_, gradient);
}

double MlpModel::evaluate_from(const Vector& theta, const DenseMatrix& z1, Vector* gradient) const {
    const Index n = samples(), s1 = sizes_[1], nb = blocks();
    const Index upper = parameters_ - first_weights_;
    DenseMatrix partial = DenseMatrix::Zero(gradient ? upper : 0, nb);
    DenseMatrix delta1(gradient ? s1 : 0, gradient ? n : 0);
    std::vector<double> losses(static_cast<std::size_t>(nb));
    parallel::FirstException errors;  // Eigen's allocations may throw
#pragma omp parallel for schedule(static) if (parallel())
    for (Index b = 0; b < nb; ++b) {
        errors.run([&] {
            const Index first = b * block_samples_, count = std::min(block_samples_, n - first);
            BlockState state;
            forward_backward(theta.data(), z1.data() + first * s1, first, count, state);
            losses[static_cast<std::size_t>(b)] = state.loss;
            if (gradient) {
                add_upper_gradient(state, partial.col(b).data());
                delta1.middleCols(first, count) = state.delta[1];
            }
        });
    }
    errors.rethrow();
    double loss = 0;
    for (double value : losses) loss += value;  // block order: deterministic
    if (gradient) {
        gradient->resize(parameters_);
        features_.multiply_transpose(delta1.data(), s1, gradient->data());
        Eigen::Map<Vector> rest(gradient->data() + first_weights_, upper);
        rest.setZero();
        for (Index b = 0; b < nb; ++b) rest += partial.col(b);
        *gradient /= static_cast<double>(n);
    }
    return loss / static_cast<double>(n);
}

void MlpModel::set_curvature_point(const Vector& theta) {
    check_length(theta.size(), "the curvature point");
    if (has_point_ && point_.size() == theta.size() && point_ == theta) return;
    point_ = theta;
    point_z1_.resize(sizes_[1], samples());
    features_.multiply(theta.data(), sizes_[1], point_z1_.data());
    has_point_ = true;
}

}  // namespace ridgelens
