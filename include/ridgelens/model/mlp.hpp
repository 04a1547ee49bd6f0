#pragma once
/// @file mlp.hpp
/// A multilayer perceptron as a `Model`: the mean loss R(θ) of a fully
/// connected network, its gradient, and exact curvature products (the
/// Hessian by Pearlmutter's R-operator, or the generalized Gauss-Newton
/// matrix JᵀH_ℓJ), each one pass over the data.
///
/// **Network.** Layer sizes s_0 = features.cols() (inputs), s_1 … s_{L−1}
/// (hidden), s_L = outputs. z_1 = W_1x + b_1, a_l = φ(z_l),
/// z_{l+1} = W_{l+1}a_l + b_{l+1}; the output f = z_L has no activation.
///
/// **Loss.** Cross-entropy of softmax(f) against the class label (one output
/// per class, classes in increasing label order, as for SoftmaxModel), or
/// ½(f − y)² against a numeric target (one output). R = (1/n) Σ_i ℓ_i.
///
/// **Parameter layout (stable).** Layer by layer, l = 1 … L: the weight
/// matrix W_l (s_l × s_{l−1}, row-major: row j holds unit j's input weights),
/// then the bias b_l (s_l values). p = Σ_l s_l (s_{l−1} + 1).
///
/// **Products.** The first layer's products with X go through FeatureMatrix
/// (X·W_1ᵀ forward, Xᵀ·Δ_1 backward: BLAS-3 on dense data; the expensive
/// part), the layers above in blocks of samples with Eigen matrix products,
/// OpenMP over blocks. Every block writes its own partial sums and the
/// blocks are added in block order, so results do not depend on the number
/// of threads. Several vectors share the two passes over X
/// (curvature_products). The forward pass above the first layer is recomputed
/// per block at every product (only X·W_1ᵀ is cached at the curvature point).
///
/// Thread safety: the Model rule (model.hpp): const calls may run
/// concurrently; `set_curvature_point`, `evaluate_at_curvature_point`,
/// `set_curvature` and `set_block_samples` must not overlap any other call on
/// the same model.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ridgelens/export.hpp"
#include "ridgelens/model/feature_matrix.hpp"
#include "ridgelens/model/model.hpp"

namespace ridgelens {

/// Activation φ of the hidden layers.
enum class Activation {
    tanh,      ///< tanh z
    relu,      ///< max(z, 0) (φ'' = 0: the Hessian is that of the linear piece)
    softplus,  ///< log(1 + eᶻ)
    gelu,      ///< z Φ(z), Φ the standard normal distribution function
};
/// Parses "tanh", "relu", "softplus" or "gelu". @throws UsageError otherwise.
RIDGELENS_API Activation parse_activation(const std::string& text);
RIDGELENS_API const char* to_string(Activation activation);

/// Loss of the network's output.
enum class MlpLoss {
    cross_entropy,  ///< softmax cross-entropy on class labels
    squared,        ///< ½(f − y)² on a numeric target
};
/// Parses "cross-entropy" (or "softmax") and "squared". @throws UsageError otherwise.
RIDGELENS_API MlpLoss parse_mlp_loss(const std::string& text);

/// Parses hidden layer widths "64" or "64,32". @throws UsageError for an
/// empty list entry, a non-integer or a width < 1.
RIDGELENS_API std::vector<Index> parse_hidden_layers(const std::string& text);

/// The network's shape.
struct MlpArchitecture {
    std::vector<Index> hidden;  ///< widths s_1 … s_{L−1} (empty: a linear model)
    Activation activation = Activation::tanh;
    MlpLoss loss = MlpLoss::cross_entropy;
};

class RIDGELENS_API MlpModel final : public Model {
  public:
    /// @throws UsageError if the label count differs from the samples or a
    ///         width is < 1; InputError for a non-finite label/target or fewer
    ///         than two classes (naming the value and 0-based row).
    MlpModel(FeatureMatrix features, const Vector& labels, MlpArchitecture architecture);

    std::string name() const override { return "mlp"; }
    Index parameters() const override { return parameters_; }
    Index samples() const override { return features_.rows(); }
    /// s_0 … s_L.
    const std::vector<Index>& layer_sizes() const { return sizes_; }
    const MlpArchitecture& architecture() const { return architecture_; }
    /// Class label of each output (cross-entropy); empty for the squared loss.
    const std::vector<double>& class_labels() const { return class_labels_; }
    /// e.g. "784-64-10 tanh network, softmax cross-entropy".
    std::string describe() const;
    /// Offset in θ of W_l (l = 1 … L); b_l follows at offset + s_l·s_{l−1}.
    Index weight_offset(Index layer) const { return offsets_[static_cast<std::size_t>(layer)]; }

    /// Seeded initialization: W_l entries N(0, g/s_{l−1}) (g = 2 for relu,
    /// 1 otherwise), biases 0; the same seed gives the same θ on every machine.
    Vector initial_parameters(std::uint64_t seed) const;

    double evaluate(const Vector& theta, Vector* gradient) const override;
    void set_curvature_point(const Vector& theta) override;
    /// One first-layer pass over X for both (X·W_1ᵀ is what the point caches).
    double evaluate_at_curvature_point(const Vector& theta, Vector* gradient) override;
    /// @throws UsageError if no curvature point was set.
    void curvature_product(const double* v, double* y) const override;
    /// All `count` vectors through the same passes over X (in groups, so that
    /// the per-sample first-layer directions stay within about 128 MB).
    void curvature_products(const double* v, Index count, double* y) const override;
    /// diag of the GGN at the curvature point, exact (C backward passes per
    /// block and one weighted pass over X), for *both* curvature settings:
    /// it serves Jacobi preconditioning; the Hessian's own diagonal differs by
    /// its second-order terms.
    Vector curvature_diagonal() const override;
    /// The GGN is PSD by construction; the Hessian of a network is not.
    bool curvature_psd() const override { return curvature() == Curvature::ggn; }

    /// Samples per block of the upper layers (default 256).
    void set_block_samples(Index samples) { block_samples_ = samples > 0 ? samples : 256; }

    struct BlockState;  ///< per-block forward/backward quantities (mlp_model.cpp)

  private:
    void check_length(Index length, const char* what) const;
    Index blocks() const;
    /// R(θ) (and ∇R) from the first-layer products z1 = X·W_1ᵀ (s_1 × n).
    double evaluate_from(const Vector& theta, const DenseMatrix& z1, Vector* gradient) const;
    bool parallel() const;
    /// Forward and backward pass of samples [first, first + count) above
    /// the first layer, from their first-layer products z1 (s_1 values per
    /// sample, `stride` apart).
    void forward_backward(const double* theta, const double* z1, Index first, Index count,
                          BlockState& state) const;
    /// Adds block gradient parts (all but W_1) into `out` (upper layout).
    void add_upper_gradient(const BlockState& state, double* out) const;
    /// R-operator / GGN of one direction v for one block; writes R{δ_1} into
    /// `rd1` (s_1 values per sample, `stride` apart) and adds the upper parts.
    void block_product(const BlockState& state, const double* v, const double* rz1, Index stride,
                       double* rd1, double* out) const;
    void products_group(const double* v, Index count, double* y) const;

    FeatureMatrix features_;
    MlpArchitecture architecture_;
    std::vector<Index> sizes_;
    std::vector<Index> offsets_;  ///< offsets_[l] of W_l, l = 1 … L (offsets_[0] unused)
    Index parameters_ = 0;
    Index first_weights_ = 0;  ///< s_1 · s_0: the W_1 block; the rest is the "upper" part
    std::vector<int> classes_;
    std::vector<double> class_labels_;
    Vector targets_;
    Index block_samples_ = 256;

    Vector point_;
    DenseMatrix point_z1_;  ///< s_1 × n: X·W_1ᵀ (+ b_1 not added) at the curvature point
    bool has_point_ = false;
};

}  // namespace ridgelens
