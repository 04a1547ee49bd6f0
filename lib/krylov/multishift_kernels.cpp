#include "krylov/multishift_kernels.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

#if defined(__x86_64__) || defined(__SSE2__)
#include <immintrin.h>
#endif

// Lane-typed helpers are inlined internal functions; the ABI note GCC gives for
// returning a 64-byte vector without AVX-512 does not apply to them.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

namespace ridgelens::multishift {

namespace {

#if defined(__GNUC__)
#define RIDGELENS_INLINE inline __attribute__((always_inline))
// Eight doubles, loaded and stored unaligned; one AVX-512 register, two AVX2 or
// four SSE2 registers, as the compiled ISA allows.
using Lane = double __attribute__((vector_size(64), aligned(8), may_alias));
constexpr int lane_width = 8;

RIDGELENS_INLINE Lane load(const double* p) {
    return *reinterpret_cast<const Lane*>(p);
}
RIDGELENS_INLINE void store(double* p, Lane v) {
    *reinterpret_cast<Lane*>(p) = v;
}
RIDGELENS_INLINE double sum(Lane v) {
    return ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7]));
}
// A store that bypasses the cache (dst 64-byte aligned): the window is read back
// only at the next flush, so writing it should neither read the destination
// first nor evict the seed's vectors.
RIDGELENS_INLINE void stream(double* dst, Lane v) {
#if defined(__AVX512F__)
    _mm512_stream_pd(dst, reinterpret_cast<__m512d>(v));
#elif defined(__AVX__)
    _mm256_stream_pd(dst, __m256d{v[0], v[1], v[2], v[3]});
    _mm256_stream_pd(dst + 4, __m256d{v[4], v[5], v[6], v[7]});
#elif defined(__SSE2__)
    for (int k = 0; k < 8; k += 2) _mm_stream_pd(dst + k, __m128d{v[k], v[k + 1]});
#else
    store(dst, v);
#endif
}
#else
#define RIDGELENS_INLINE inline
constexpr int lane_width = 0;
#endif

}  // namespace

// Rows per block of the window: a block (256 rows × 32 steps × 8 bytes = 64 KB)
// stays in L2 while every group of shifts passes over it (bench/README.md,
// "Design measurements": multi-shift kernels).
constexpr Index window_block_rows() {
    return 256;
}

Window::Window(int slots, Index n)
    : slots_(slots),
      block_rows_(static_cast<std::size_t>(window_block_rows())),
      block_stride_(block_rows_ * static_cast<std::size_t>(slots)),
      data_(static_cast<double*>(::operator new[](
          std::max<std::size_t>(
              1, (static_cast<std::size_t>(n) + block_rows_ - 1) / block_rows_ * block_stride_) *
              sizeof(double),
          std::align_val_t(64)))) {}

// The seed's loops use two lanes of eight partial sums (the order of the
// summation differs from a plain loop, not its accuracy): a single running sum
// would make them latency bound, several times slower than memory.
std::pair<double, double> dot_and_norm(const double* p, const double* y, Index n) {
    Index j = 0;
    double py = 0, pp = 0;
#if defined(__GNUC__)
    Lane py0{}, py1{}, pp0{}, pp1{};
    for (; j + 2 * lane_width <= n; j += 2 * lane_width) {
        const Lane p0 = load(p + j), p1 = load(p + j + lane_width);
        py0 += p0 * load(y + j);
        py1 += p1 * load(y + j + lane_width);
        pp0 += p0 * p0;
        pp1 += p1 * p1;
    }
    py = sum(py0 + py1);
    pp = sum(pp0 + pp1);
#endif
    for (; j < n; ++j) {
        py += p[j] * y[j];
        pp += p[j] * p[j];
    }
    return {py, pp};
}

namespace {

// One block of rows [0, length) of the seed update; `copy` is 64-byte aligned.
template <bool Copy>
RIDGELENS_INLINE double update_seed_rows(double* __restrict x, const double* __restrict p,
                                         const double* __restrict hp, double* __restrict r,
                                         double* __restrict copy, double alpha, double sigma,
                                         Index length) {
    Index j = 0;
    double rr = 0;
#if defined(__GNUC__)
    Lane sum0{}, sum1{};
    const auto step = [&](Index k, Lane& total) {
        const Lane pk = load(p + k);
        const Lane rk = load(r + k) - alpha * (load(hp + k) + sigma * pk);
        store(x + k, load(x + k) + alpha * pk);
        store(r + k, rk);
        if constexpr (Copy) stream(copy + k, rk);
        total += rk * rk;
    };
    for (; j + 2 * lane_width <= length; j += 2 * lane_width) {
        step(j, sum0);
        step(j + lane_width, sum1);
    }
    rr = sum(sum0 + sum1);
#endif
    for (; j < length; ++j) {
        const double pj = p[j];
        const double rj = r[j] - alpha * (hp[j] + sigma * pj);
        x[j] += alpha * pj;
        r[j] = rj;
        if constexpr (Copy) copy[j] = rj;
        rr += rj * rj;
    }
    return rr;
}

}  // namespace

double update_seed(double* x, const double* p, const double* hp, double* r, Window* window,
                   int slot, double alpha, double sigma, Index n) {
    // Blocks of the window's size with or without a copy, so that the sums (and
    // so the seed's iterates) are bitwise the same either way.
    const Index rows = window_block_rows();
    double rr = 0;
    for (Index begin = 0, b = 0; begin < n; begin += rows, ++b) {
        const Index length = std::min(rows, n - begin);
        rr += window != nullptr
                  ? update_seed_rows<true>(x + begin, p + begin, hp + begin, r + begin,
                                           window->block(b, slot), alpha, sigma, length)
                  : update_seed_rows<false>(x + begin, p + begin, hp + begin, r + begin, nullptr,
                                            alpha, sigma, length);
    }
#if defined(__SSE2__)
    if (window != nullptr) _mm_sfence();
#endif
    return rr;
}

void update_direction(double* p, const double* r, double beta, Index n) {
    for (Index j = 0; j < n; ++j) p[j] = r[j] + beta * p[j];
}

namespace {

// The flush is the only flop-heavy loop of the solver (two FMAs per row per
// active shift per step), so it is compiled for the baseline ISA and for
// x86-64-v3/v4 (AVX2+FMA, AVX-512) with run-time dispatch.
// (Not when the whole build already targets AVX2 or better, e.g. -march=native:
// there a clone for an older ISA could not inline the default-ISA helpers.)
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) && \
    !defined(__AVX2__)
#define RIDGELENS_MULTIVERSION \
    __attribute__((target_clones("default", "arch=x86-64-v3", "arch=x86-64-v4")))
#else
#define RIDGELENS_MULTIVERSION
#endif

// Shifts updated together: every residual value loaded feeds 2·group FMAs, and the
// 2·group accumulators of a row strip stay in registers over all window steps.
constexpr int group_size = 4;
// Coefficients of one group, packed per step: coef[m·2G + g] = e_m of shift g,
// coef[m·2G + G + g] = c_m of shift g (zero beyond a shift's own steps).
struct Group {
    std::array<double*, group_size> x{};
    std::array<double*, group_size> p{};
    std::array<double, group_size> carry_p{};
    std::array<double, group_size> carry_x{};
    std::array<double, 2 * group_size * max_window> coef{};
    int size = 0;
    int steps = 0;
    bool keep_p = true;
};

// Rows [begin, end) of the group; window[m] points to row `begin` of residual m.
// Each strip of rows also prefetches `prefetch_lines` cache lines from `prefetch`
// onwards (the next block of the window), so that its DRAM latency overlaps
// this block's arithmetic.
template <int G, bool KeepP>
RIDGELENS_INLINE void update_rows(const Group& group, const double* const* window, Index begin,
                                  Index end, const char* prefetch, int prefetch_lines) {
    const double* coef = group.coef.data();
    const int steps = group.steps;
    Index j = begin;
#if defined(__GNUC__)
    for (; j + lane_width <= end; j += lane_width) {
        for (int line = 0; line < prefetch_lines; ++line) __builtin_prefetch(prefetch + 64 * line);
        prefetch += 64 * prefetch_lines;
        Lane ax[G], ap[G];
        for (int g = 0; g < G; ++g) {
            const Lane pg = *reinterpret_cast<const Lane*>(group.p[g] + j);
            ax[g] = *reinterpret_cast<const Lane*>(group.x[g] + j) + group.carry_x[g] * pg;
            if constexpr (KeepP) ap[g] = group.carry_p[g] * pg;
        }
        for (int m = 0; m < steps; ++m) {
            const Lane v = load(window[m] + (j - begin));
            const double* c = coef + m * 2 * group_size;
            for (int g = 0; g < G; ++g) {
                ax[g] += c[g] * v;
                if constexpr (KeepP) ap[g] += c[group_size + g] * v;
            }
        }
        for (int g = 0; g < G; ++g) {
            *reinterpret_cast<Lane*>(group.x[g] + j) = ax[g];
            if constexpr (KeepP) *reinterpret_cast<Lane*>(group.p[g] + j) = ap[g];
        }
    }
#endif
    for (; j < end; ++j) {
        double ax[G], ap[G];
        for (int g = 0; g < G; ++g) {
            const double pg = group.p[g][j];
            ax[g] = group.x[g][j] + group.carry_x[g] * pg;
            ap[g] = group.carry_p[g] * pg;
        }
        for (int m = 0; m < steps; ++m) {
            const double v = window[m][j - begin];
            const double* c = coef + m * 2 * group_size;
            for (int g = 0; g < G; ++g) {
                ax[g] += c[g] * v;
                ap[g] += c[group_size + g] * v;
            }
        }
        for (int g = 0; g < G; ++g) {
            group.x[g][j] = ax[g];
            if constexpr (KeepP) group.p[g][j] = ap[g];
        }
    }
}

template <bool KeepP>
RIDGELENS_INLINE void update_group(const Group& group, const double* const* window, Index begin,
                                   Index end, const char* prefetch, int prefetch_lines) {
    switch (group.size) {
        case 1:
            update_rows<1, KeepP>(group, window, begin, end, prefetch, prefetch_lines);
            break;
        case 2:
            update_rows<2, KeepP>(group, window, begin, end, prefetch, prefetch_lines);
            break;
        case 3:
            update_rows<3, KeepP>(group, window, begin, end, prefetch, prefetch_lines);
            break;
        default:
            update_rows<4, KeepP>(group, window, begin, end, prefetch, prefetch_lines);
            break;
    }
}

RIDGELENS_MULTIVERSION
void apply_groups(const std::vector<Group>& groups, const Window& window, Index n) {
    const Index rows = window.block_rows();
    std::array<const double*, max_window> residual{};
    for (Index begin = 0, b = 0; begin < n; begin += rows, ++b) {
        const Index end = std::min(n, begin + rows);
        for (int m = 0; m < window.slots(); ++m) residual[m] = window.block(b, m);
        // The first group's strips prefetch the next block of the window: slots·B
        // doubles in B/8 strips is `slots` cache lines per strip.
        const bool next = end < n;
        const char* prefetch =
            next ? reinterpret_cast<const char*>(window.block(b + 1, 0)) : nullptr;
        for (std::size_t g = 0; g < groups.size(); ++g) {
            const int lines = g == 0 && next ? window.slots() : 0;
            if (groups[g].keep_p)
                update_group<true>(groups[g], residual.data(), begin, end, prefetch, lines);
            else
                update_group<false>(groups[g], residual.data(), begin, end, prefetch, lines);
        }
    }
}

}  // namespace

void apply_window(const std::vector<DeferredUpdate>& updates, const Window& window, Index n) {
    // Group shifts that keep p separately from those that only complete x.
    std::vector<Group> groups;
    for (const bool keep_p : {true, false}) {
        Group* open = nullptr;
        for (const DeferredUpdate& update : updates) {
            if (update.keep_p != keep_p ||
                (update.steps == 0 && update.carry_x == 0 && (!keep_p || update.carry_p == 1)))
                continue;
            if (open == nullptr || open->size == group_size) {
                open = &groups.emplace_back();
                open->keep_p = keep_p;
            }
            const int g = open->size++;
            open->x[g] = update.x;
            open->p[g] = update.p;
            open->carry_p[g] = update.carry_p;
            open->carry_x[g] = update.carry_x;
            open->steps = std::max(open->steps, update.steps);
            for (int m = 0; m < update.steps; ++m) {
                open->coef[m * 2 * group_size + g] = update.coef_x[m];
                open->coef[m * 2 * group_size + group_size + g] = update.coef_p[m];
            }
        }
    }
    if (!groups.empty()) apply_groups(groups, window, n);
}

}  // namespace ridgelens::multishift
