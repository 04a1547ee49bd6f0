#pragma once
// Vector kernels of multi-shift CG (private to lib/krylov): the seed's fused
// loops and the batched update of the per-shift vectors from a window of seed
// residuals. See multishift_cg.cpp for the recurrences they implement.

#include <cstddef>
#include <memory>
#include <new>
#include <utility>
#include <vector>

#include "ridgelens/types.hpp"

namespace ridgelens::multishift {

/// Largest number of deferred steps (residuals in the window).
inline constexpr int max_window = 32;

/// The seed residuals of the last `slots` steps, stored by row block: block b
/// holds rows [b·B, (b+1)·B) of slot 0, then of slot 1, …, so that a flush reads
/// each block of the window as one contiguous run (B = block_rows()).
class Window {
  public:
    Window(int slots, Index n);
    int slots() const { return slots_; }
    /// Rows [b·B, …) of slot m.
    double* block(Index b, int m) {
        return data_.get() + static_cast<std::size_t>(b) * block_stride_ +
               static_cast<std::size_t>(m) * block_rows_;
    }
    const double* block(Index b, int m) const { return const_cast<Window*>(this)->block(b, m); }
    Index block_rows() const { return static_cast<Index>(block_rows_); }

  private:
    struct Free {
        void operator()(double* p) const { ::operator delete[](p, std::align_val_t(64)); }
    };
    int slots_ = 0;
    std::size_t block_rows_ = 0;
    std::size_t block_stride_ = 0;
    std::unique_ptr<double[], Free> data_;
};

/// pᵀy and pᵀp in one pass.
std::pair<double, double> dot_and_norm(const double* p, const double* y, Index n);

/// x += α p;  r −= α(Hp + σ p);  returns ‖r‖². When `window` is not null the new
/// r is also written to its slot `slot` with non-temporal stores (it is read back
/// only at the next flush). Same arithmetic in the same order with or without
/// the copy.
double update_seed(double* x, const double* p, const double* hp, double* r, Window* window,
                   int slot, double alpha, double sigma, Index n);

/// p = r + β p.
void update_direction(double* p, const double* r, double beta, Index n);

/// The deferred update of one shift: x += d·p + Σ_m e_m R_m and, when `keep_p`,
/// p = a·p + Σ_m c_m R_m over its first `steps` window residuals R_m.
struct DeferredUpdate {
    double* x = nullptr;
    double* p = nullptr;
    const double* coef_x = nullptr;  // e_m
    const double* coef_p = nullptr;  // c_m
    double carry_p = 1;              // a
    double carry_x = 0;              // d
    int steps = 0;
    bool keep_p = true;
};

/// Applies every update with the window's residuals: block by block of rows, so
/// that each block of the window is read from memory once and stays in cache
/// while all shifts pass over it, and register-blocked over groups of shifts so
/// that each residual value loaded feeds several shifts (per block, a small
/// matrix product: rows × steps times steps × 2·shifts).
void apply_window(const std::vector<DeferredUpdate>& updates, const Window& window, Index n);

}  // namespace ridgelens::multishift
