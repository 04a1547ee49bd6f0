// MlpModel's curvature products: the exact Hessian by the R-operator
// (forward-over-reverse, Pearlmutter 1994) and the generalized Gauss-Newton
// product JᵀH_ℓJ, plus the GGN diagonal.
//
// For a direction v = (V_l, c_l) the R-operator R{·} = d/dε (·)(θ + εv):
//   R{z_1} = V_1x + c_1,  R{a_l} = φ'(z_l) ⊙ R{z_l},
//   R{z_{l+1}} = W_{l+1}R{a_l} + V_{l+1}a_l + c_{l+1}   (= J v at the output),
//   R{δ_L} = H_ℓ R{f},    H_ℓ = diag(p) − ppᵀ (cross-entropy) or 1 (squared),
//   R{e_l} = W_{l+1}ᵀR{δ_{l+1}} + V_{l+1}ᵀδ_{l+1},
//   R{δ_l} = φ'(z_l) ⊙ R{e_l} + φ''(z_l) ⊙ e_l ⊙ R{z_l},
//   (Hv)_{W_l} = (1/n) Σ_i R{δ_l}a_{l−1}ᵀ + δ_l R{a_{l−1}}ᵀ,  (Hv)_{b_l} = (1/n) Σ_i R{δ_l}.
// The GGN drops every term that involves δ (the second derivatives of the
// network): its backward pass is the plain gradient backward pass of H_ℓJv.

#include <algorithm>

#include "model/mlp_internal.hpp"
#include "parallel/first_exception.hpp"
#include "ridgelens/error.hpp"

namespace ridgelens {

using mlp_detail::MutableRowMajorMap;
using mlp_detail::MutableStridedMap;
using mlp_detail::RowMajorMap;
using mlp_detail::StridedMap;

namespace {

// Bytes of per-sample first-layer directions one group of vectors may use.
constexpr double group_bytes = 128e6;

}  // namespace

void MlpModel::block_product(const BlockState& s, const double* v, const double* rz1, Index stride,
                             double* rd1, double* out) const {
    const std::size_t L = sizes_.size() - 1;
    const bool hessian = curvature() == Curvature::hessian;
    const double* theta = point_.data();
    const Index count = s.z[1].cols(), s1 = sizes_[1];
    const auto upper = [&](Index offset) { return out + offset - first_weights_; };
    const auto bias = [&](const double* base, std::size_t l) {
        return Eigen::Map<const Vector>(base + offsets_[l] + sizes_[l] * sizes_[l - 1], sizes_[l]);
    };
    std::vector<DenseMatrix> rz(L + 1), ra(L), rdelta(L + 1);
    rz[1] = StridedMap(rz1, s1, count, Eigen::OuterStride<>(stride));
    rz[1].colwise() += bias(v, 1);
    for (std::size_t l = 1; l < L; ++l) {
        ra[l] = s.d1[l].cwiseProduct(rz[l]);
        const RowMajorMap w(theta + offsets_[l + 1], sizes_[l + 1], sizes_[l]);
        const RowMajorMap dw(v + offsets_[l + 1], sizes_[l + 1], sizes_[l]);
        rz[l + 1].noalias() = w * ra[l];
        rz[l + 1].noalias() += dw * s.a[l];
        rz[l + 1].colwise() += bias(v, l + 1);
    }
    if (architecture_.loss == MlpLoss::cross_entropy) {
        rdelta[L] = s.p.cwiseProduct(rz[L]);
        const Eigen::RowVectorXd sums = rdelta[L].colwise().sum();
        rdelta[L] -= s.p * sums.asDiagonal();
    } else {
        rdelta[L] = rz[L];
    }
    for (std::size_t l = L; l >= 2; --l) {
        MutableRowMajorMap g(upper(offsets_[l]), sizes_[l], sizes_[l - 1]);
        g.noalias() += rdelta[l] * s.a[l - 1].transpose();
        if (hessian) g.noalias() += s.delta[l] * ra[l - 1].transpose();
        Eigen::Map<Vector>(upper(offsets_[l]) + sizes_[l] * sizes_[l - 1], sizes_[l]) +=
            rdelta[l].rowwise().sum();
        const RowMajorMap w(theta + offsets_[l], sizes_[l], sizes_[l - 1]);
        DenseMatrix re = w.transpose() * rdelta[l];
        if (hessian) {
            const RowMajorMap dw(v + offsets_[l], sizes_[l], sizes_[l - 1]);
            re.noalias() += dw.transpose() * s.delta[l];
            rdelta[l - 1] = s.d1[l - 1].cwiseProduct(re) +
                            s.d2[l - 1].cwiseProduct(s.e[l - 1]).cwiseProduct(rz[l - 1]);
        } else {
            rdelta[l - 1] = s.d1[l - 1].cwiseProduct(re);
        }
    }
    Eigen::Map<Vector>(upper(offsets_[1] + first_weights_), s1) += rdelta[1].rowwise().sum();
    MutableStridedMap(rd1, s1, count, Eigen::OuterStride<>(stride)) = rdelta[1];
}

void MlpModel::products_group(const double* v, Index k, double* y) const {
    const Index n = samples(), s0 = sizes_[0], s1 = sizes_[1], nb = blocks(), p = parameters_;
    const Index upper = p - first_weights_, width = s1 * k;
    DenseMatrix packed(s0, width);  // cols × (s1·k): vector j's W_1 is column block j
    for (Index j = 0; j < k; ++j)
        std::copy(v + j * p, v + j * p + first_weights_, packed.data() + j * first_weights_);
    DenseMatrix rz1(width, n);
    features_.multiply(packed.data(), width, rz1.data());
    DenseMatrix rd1(width, n);
    DenseMatrix partial = DenseMatrix::Zero(upper * k, nb);
    parallel::FirstException errors;  // Eigen's allocations may throw
#pragma omp parallel for schedule(static) if (parallel())
    for (Index b = 0; b < nb; ++b) {
        errors.run([&] {
            const Index first = b * block_samples_, count = std::min(block_samples_, n - first);
            BlockState state;
            forward_backward(point_.data(), point_z1_.data() + first * s1, first, count, state);
            for (Index j = 0; j < k; ++j)
                block_product(state, v + j * p, rz1.data() + first * width + j * s1, width,
                              rd1.data() + first * width + j * s1,
                              partial.col(b).data() + j * upper);
        });
    }
    errors.rethrow();
    features_.multiply_transpose(rd1.data(), width, packed.data());
    const double scale = 1.0 / static_cast<double>(n);
    for (Index j = 0; j < k; ++j) {
        Eigen::Map<Vector> out(y + j * p, p);
        out.head(first_weights_) =
            scale * Eigen::Map<const Vector>(packed.data() + j * first_weights_, first_weights_);
        Vector rest = Vector::Zero(upper);
        for (Index b = 0; b < nb; ++b) rest += partial.col(b).segment(j * upper, upper);
        out.tail(upper) = scale * rest;
    }
}

void MlpModel::curvature_products(const double* v, Index count, double* y) const {
    if (!has_point_) throw UsageError("mlp model: curvature product without a curvature point");
    const double per_vector = 8.0 * static_cast<double>(sizes_[1]) * static_cast<double>(samples());
    const Index group = std::max<Index>(1, static_cast<Index>(group_bytes / per_vector));
    for (Index first = 0; first < count; first += group)
        products_group(v + first * parameters_, std::min(group, count - first),
                       y + first * parameters_);
}

void MlpModel::curvature_product(const double* v, double* y) const {
    curvature_products(v, 1, y);
}

Vector MlpModel::curvature_diagonal() const {
    if (!has_point_) throw UsageError("mlp model: curvature diagonal without a curvature point");
    const std::size_t L = sizes_.size() - 1;
    const Index n = samples(), s1 = sizes_[1], nb = blocks(), C = sizes_[L];
    const Index upper = parameters_ - first_weights_;
    const double* theta = point_.data();
    DenseMatrix q1(s1, n);
    DenseMatrix partial = DenseMatrix::Zero(upper, nb);
    parallel::FirstException errors;  // Eigen's allocations may throw
#pragma omp parallel for schedule(static) if (parallel())
    for (Index b = 0; b < nb; ++b)
        errors.run([&] {
            const Index first = b * block_samples_, count = std::min(block_samples_, n - first);
            BlockState s;
            forward_backward(theta, point_z1_.data() + first * s1, first, count, s);
            // H_ℓ = S Sᵀ; column c of S: √p_c e_c − p √p_c (cross-entropy), 1 (squared).
            std::vector<DenseMatrix> q(L + 1), d(L + 1);
            for (std::size_t l = 1; l <= L; ++l) q[l] = DenseMatrix::Zero(sizes_[l], count);
            for (Index c = 0; c < C; ++c) {
                if (architecture_.loss == MlpLoss::cross_entropy) {
                    const Eigen::RowVectorXd root = s.p.row(c).cwiseSqrt();
                    d[L] = -s.p * root.asDiagonal();
                    d[L].row(c) += root;
                } else {
                    d[L] = DenseMatrix::Ones(1, count);
                }
                q[L] += d[L].cwiseAbs2();
                for (std::size_t l = L - 1; l >= 1; --l) {
                    const RowMajorMap w(theta + offsets_[l + 1], sizes_[l + 1], sizes_[l]);
                    d[l] = s.d1[l].cwiseProduct(w.transpose() * d[l + 1]);
                    q[l] += d[l].cwiseAbs2();
                }
            }
            // Upper parameters, addressed by their offsets in θ (all ≥ first_weights_).
            const auto out = [&](Index offset) {
                return partial.col(b).data() + offset - first_weights_;
            };
            Eigen::Map<Vector>(out(offsets_[1] + first_weights_), s1) += q[1].rowwise().sum();
            for (std::size_t l = 2; l <= L; ++l) {
                MutableRowMajorMap g(out(offsets_[l]), sizes_[l], sizes_[l - 1]);
                g.noalias() += q[l] * s.a[l - 1].cwiseAbs2().transpose();
                Eigen::Map<Vector>(out(offsets_[l] + sizes_[l] * sizes_[l - 1]), sizes_[l]) +=
                    q[l].rowwise().sum();
            }
            q1.middleCols(first, count) = q[1];
        });
    errors.rethrow();
    Vector diagonal(parameters_);
    features_.weighted_square_sums(q1.data(), s1, diagonal.data());
    Eigen::Map<Vector> rest(diagonal.data() + first_weights_, upper);
    rest.setZero();
    for (Index b = 0; b < nb; ++b) rest += partial.col(b);
    return diagonal / static_cast<double>(n);
}

}  // namespace ridgelens
